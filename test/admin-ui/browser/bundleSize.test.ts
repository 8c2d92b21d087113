// The budget (issue 19): the JavaScript of the console's first load (index.html's module scripts and
// modulepreloads) is at most 300 kB gzipped. Lazy screens and the home page are not part of it.
import { describe, expect, it } from 'vitest';
import { FIRST_LOAD_BUDGET_BYTES, firstLoadScripts, measureFirstLoad } from '../../../scripts/bundle-size';

describe('console bundle', () => {
  it('first load is at most 300 kB of gzipped JavaScript', () => {
    const load = measureFirstLoad();
    expect(load.assets.length).toBeGreaterThan(0);
    expect(load.assets.some((a) => /vendor-/.test(a.path)), 'react-admin/MUI in a vendor chunk').toBe(true);
    expect(load.assets.some((a) => /StaffUser/.test(a.path)), 'screens are lazy chunks').toBe(false);
    expect(load.assets.some((a) => /Dashboard/.test(a.path)), 'the home page is a lazy chunk').toBe(false);
    expect(load.gzip, load.assets.map((a) => `${a.path}: ${a.gzip} B gzipped`).join('\n')).toBeLessThanOrEqual(
      FIRST_LOAD_BUDGET_BYTES,
    );
  });

  it('counts module scripts and modulepreloads, not other links', () => {
    const html = `<script type="module" crossorigin src="/assets/index-a.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/vendor-b.js">
      <link rel="icon" href="data:,"><link href="/assets/x.css" rel="stylesheet">`;
    expect(firstLoadScripts(html)).toEqual(['/assets/index-a.js', '/assets/vendor-b.js']);
  });
});
