// The chain's hashed content is JSON.stringify's text of [id, stream, type, data, metadata]: the
// quick quoting of plain strings must give exactly that text for any string, or a verification
// would call an intact log altered. And the forks of several writers.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentOf, GENESIS, jsonString, linkHash, nextLink } from '../../events/logChain';
import { FORK_WINDOW, verifyLinks } from '../../events/logVerifier';
import type { StoredLink } from '../../events/port';

describe('the hashed content of an event', () => {
  it('quotes any string as JSON.stringify does (controls, quotes, backslashes, lone surrogates, emoji)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(jsonString(s)).toBe(JSON.stringify(s));
      }),
      { numRuns: 2000 },
    );
    for (const s of ['', 'a"b', 'a\\b', '\u0000', '\u001f', '\ud800', '\udc00x', '😀', '\u2028']) expect(jsonString(s)).toBe(JSON.stringify(s));
   }, 60_000);

  it('is the JSON text of [id, stream, type, data, metadata], hashed with the previous link', () => {
    const data = { amountCents: 2684, note: 'caffè "corto"' };
    const metadata = { at: '2026-11-24T09:00:00.000Z' };
    const content = contentOf('e1', 'order-1', 'OrderPaid', JSON.stringify(data), JSON.stringify(metadata));
    expect(content).toBe(JSON.stringify(['e1', 'order-1', 'OrderPaid', data, metadata]));
    const prev = 'ab'.repeat(32);
    expect(linkHash(prev, content)).toBe(createHash('sha256').update(prev).update(content).digest('hex'));
  });
});

// Several writers (servers on one EventStoreDB): an append follows the head it read and joins the
// other recent events nothing follows yet. The verifier accepts such forks only from such a store,
// and still finds an event deleted or altered inside them.
describe('a log with several writers', () => {
  const link = (position: number, content: string, prev: string, joins?: string[]): StoredLink => ({
    position,
    stream: `s-${position}`,
    revision: 0,
    content,
    link: nextLink(prev, content, joins),
  });
  /** e1; e2 and e3 both after e1 (two servers at once); e4 after e3, joining e2; e5 after e4. */
  function forkAndJoin(): StoredLink[] {
    const e1 = link(1, 'one', GENESIS);
    const e2 = link(2, 'two', e1.link!.hash);
    const e3 = link(3, 'three', e1.link!.hash);
    const e4 = link(4, 'four', e3.link!.hash, [e2.link!.hash]);
    const e5 = link(5, 'five', e4.link!.hash);
    return [e1, e2, e3, e4, e5];
  }
  async function* pages(links: StoredLink[]) {
    yield links;
  }

  it('the joins are hashed with the link: prev, then the joins, then the content', () => {
    const prev = 'ab'.repeat(32);
    const joins = ['cd'.repeat(32), 'ef'.repeat(32)];
    expect(nextLink(prev, 'x', joins)).toEqual({ prev, joins, hash: createHash('sha256').update(prev + joins.join('') + 'x').digest('hex') });
    expect(nextLink(prev, 'x', [])).toEqual({ prev, hash: linkHash(prev, 'x') });
  });

  it('a fork that joins again verifies on a store with several writers, and not on a single-writer store', async () => {
    const links = forkAndJoin();
    expect(await verifyLinks(pages(links), { severalWriters: true })).toMatchObject({ ok: true, verified: 5, head: { position: 5 } });
    const single = await verifyLinks(pages(links), { severalWriters: false });
    expect(single).toMatchObject({ ok: false, broken: { position: 3, kind: 'link_broken' } });
  });

  it('an event deleted inside the fork is missed by the event that joins it', async () => {
    const links = forkAndJoin().filter((l) => l.position !== 2);
    const verification = await verifyLinks(pages(links), { severalWriters: true });
    expect(verification).toMatchObject({ ok: false, broken: { position: 4, kind: 'link_broken' } });
    expect(verification.broken!.detail).toContain(forkAndJoin()[1]!.link!.hash);
  });

  it("an event's joins altered, or its content, is found", async () => {
    const links = forkAndJoin();
    links[3] = { ...links[3]!, link: { ...links[3]!.link!, joins: [] } };
    expect(await verifyLinks(pages(links), { severalWriters: true })).toMatchObject({ ok: false, broken: { position: 4, kind: 'content_altered' } });
    const altered = forkAndJoin();
    altered[1] = { ...altered[1]!, content: 'TWO' };
    expect(await verifyLinks(pages(altered), { severalWriters: true })).toMatchObject({ ok: false, broken: { position: 2, kind: 'content_altered' } });
  });

  it('an event may not follow one older than the window', async () => {
    const links: StoredLink[] = [link(1, 'first', GENESIS)];
    for (let p = 2; p <= FORK_WINDOW + 2; p++) links.push(link(p, `e${p}`, links.at(-1)!.link!.hash));
    links.push(link(FORK_WINDOW + 3, 'late', links.at(-1)!.link!.hash, [links[0]!.link!.hash]));
    expect(await verifyLinks(pages(links), { severalWriters: true })).toMatchObject({ ok: false, broken: { position: FORK_WINDOW + 3, kind: 'link_broken' } });
  });
});
