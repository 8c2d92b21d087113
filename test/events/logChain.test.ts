// The chain's hashed content is JSON.stringify's text of [id, stream, type, data, metadata]: the
// quick quoting of plain strings must give exactly that text for any string, or a verification
// would call an intact log altered.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentOf, jsonString, linkHash } from '../../events/logChain';

describe('the hashed content of an event', () => {
  it('quotes any string as JSON.stringify does (controls, quotes, backslashes, lone surrogates, emoji)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(jsonString(s)).toBe(JSON.stringify(s));
      }),
      { numRuns: 2000 },
    );
    for (const s of ['', 'a"b', 'a\\b', '\u0000', '\u001f', '\ud800', '\udc00x', '😀', '\u2028']) expect(jsonString(s)).toBe(JSON.stringify(s));
  });

  it('is the JSON text of [id, stream, type, data, metadata], hashed with the previous link', () => {
    const data = { amountCents: 2684, note: 'caffè "corto"' };
    const metadata = { at: '2026-11-24T09:00:00.000Z' };
    const content = contentOf('e1', 'order-1', 'OrderPaid', JSON.stringify(data), JSON.stringify(metadata));
    expect(content).toBe(JSON.stringify(['e1', 'order-1', 'OrderPaid', data, metadata]));
    const prev = 'ab'.repeat(32);
    expect(linkHash(prev, content)).toBe(createHash('sha256').update(prev).update(content).digest('hex'));
  });
});
