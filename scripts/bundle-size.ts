// Prints the gzipped size of the JavaScript a browser loads first when it opens the console: the
// module scripts and modulepreloads of dist/admin-ui/index.html (lazy screens are not counted).
//   npm run build:ui && npx tsx scripts/bundle-size.ts [dist-dir]
// test/admin-ui/browser/bundleSize.test.ts holds it to the budget below.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** The budget for the first load, gzipped: 300 kB (of 1000 bytes, as Vite reports sizes; issue 19). */
export const FIRST_LOAD_BUDGET_BYTES = 300_000;

export const defaultDistDir = fileURLToPath(new URL('../dist/admin-ui', import.meta.url));

export interface AssetSize {
  /** URL path as index.html names it, e.g. `/assets/vendor-abc123.js`. */
  path: string;
  bytes: number;
  gzip: number;
  brotli: number;
}

export interface FirstLoad {
  assets: AssetSize[];
  bytes: number;
  gzip: number;
  brotli: number;
}

const attribute = (tag: string, name: string) => new RegExp(`\\s${name}\\s*=\\s*["']([^"']+)["']`, 'i').exec(tag)?.[1];

/** The JS URLs index.html makes the browser fetch at once: module scripts and modulepreloads. */
export function firstLoadScripts(indexHtml: string): string[] {
  const urls: string[] = [];
  for (const [tag] of indexHtml.matchAll(/<script\b[^>]*>/gi)) {
    const src = attribute(tag, 'src');
    if (src) urls.push(src);
  }
  for (const [tag] of indexHtml.matchAll(/<link\b[^>]*>/gi)) {
    const rel = attribute(tag, 'rel');
    const href = attribute(tag, 'href');
    if (href && rel?.split(/\s+/).includes('modulepreload')) urls.push(href);
  }
  return [...new Set(urls)];
}

export function measureFirstLoad(distDir = defaultDistDir): FirstLoad {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const assets = firstLoadScripts(html).map((url): AssetSize => {
    if (/^([a-z]+:)?\/\//i.test(url)) throw new Error(`index.html loads a script from another origin: ${url}`);
    const path = url.split(/[?#]/)[0]!;
    const source = readFileSync(join(distDir, path.replace(/^\/+/, '')));
    return {
      path,
      bytes: source.length,
      gzip: gzipSync(source, { level: 9 }).length,
      brotli: brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
  const sum = (key: 'bytes' | 'gzip' | 'brotli') => assets.reduce((total, a) => total + a[key], 0);
  return { assets, bytes: sum('bytes'), gzip: sum('gzip'), brotli: sum('brotli') };
}

const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;

function main() {
  const dist = resolve(process.argv[2] ?? defaultDistDir);
  const load = measureFirstLoad(dist);
  const width = Math.max(...load.assets.map((a) => a.path.length), 5);
  console.log(`${'file'.padEnd(width)}  ${'raw'.padStart(10)}  ${'gzip'.padStart(10)}  ${'brotli'.padStart(10)}`);
  for (const a of load.assets) {
    console.log(`${a.path.padEnd(width)}  ${kB(a.bytes).padStart(10)}  ${kB(a.gzip).padStart(10)}  ${kB(a.brotli).padStart(10)}`);
  }
  console.log(`${'total'.padEnd(width)}  ${kB(load.bytes).padStart(10)}  ${kB(load.gzip).padStart(10)}  ${kB(load.brotli).padStart(10)}`);
  const verdict = load.gzip <= FIRST_LOAD_BUDGET_BYTES ? 'within' : 'OVER';
  console.log(`first load: ${kB(load.gzip)} gzipped, ${verdict} the budget of ${kB(FIRST_LOAD_BUDGET_BYTES)}`);
  if (load.gzip > FIRST_LOAD_BUDGET_BYTES) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
