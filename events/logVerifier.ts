// Walks the log and checks its hash chain (events/logChain.ts): every event's content must give
// its hash, and every event's `prev` must be the hash of the event before it — or, on a store
// with several writers (EventStoreDB behind several servers), `prev` and its joins must be hashes
// of recent events before it (a fork of concurrent appends that joins again). Reads the stored
// texts a page at a time when the store can (readLinks), else the decoded events (readAll), never
// through the catalogue: the hash covers the stored form, before any upcasting.
import { contentOf, followedBy, GENESIS, linkHash, type ChainLink } from './logChain';
import type { EventStore, StoredLink } from './port';

/**
 * - content_altered: the event's content no longer gives the hash stored with it;
 * - link_broken: its `prev` is not the hash of the event before it (an event missing or moved);
 * - link_missing: an event without a link after the chain began (added or altered by hand).
 */
export type BreakKind = 'content_altered' | 'link_broken' | 'link_missing';

export interface BrokenLink {
  position: number;
  stream: string;
  revision: number;
  kind: BreakKind;
  /** One line for people: what differs. */
  detail: string;
}

export interface LogHead {
  position: number;
  hash: string;
}

export interface VerifyOptions {
  /** A head exported earlier: the event at that position must still have that hash. */
  expectHead?: LogHead;
  /**
   * Several processes append to the store (EventStoreDB): an event may follow, besides the one
   * right before it, any of the FORK_WINDOW events before it. Default: from the store's kind.
   */
  severalWriters?: boolean;
}

/** How far back an event of a store with several writers may point. */
export const FORK_WINDOW = 1024;

export interface Verification {
  ok: boolean;
  /** Events whose link was checked. */
  verified: number;
  /** Events at the start of the log written before the chain began (accepted as a prefix only). */
  beforeChain: number;
  /** The last event checked and its hash; null when no event carries a link. */
  head: LogHead | null;
  broken: BrokenLink | null;
  /** The exported head's check, when one was given: null when it held. */
  expectHeadFailure: string | null;
}

export const BREAK_LABELS: Record<BreakKind, string> = {
  content_altered: 'content altered',
  link_broken: 'link to the previous event broken (an event missing or reordered)',
  link_missing: 'no link after the chain began (an event added or altered by hand)',
};

/** The links of any store: its own fast reader, or readAll re-serialised. */
async function* linksOf(store: EventStore): AsyncIterable<StoredLink[]> {
  if (store.readLinks) {
    yield* store.readLinks();
    return;
  }
  let page: StoredLink[] = [];
  for await (const e of store.readAll()) {
    page.push({
      position: e.position,
      stream: e.stream,
      revision: e.revision,
      content: contentOf(e.id, e.stream, e.type, JSON.stringify(e.data ?? null), JSON.stringify(e.metadata)),
      link: e.chain,
    });
    if (page.length === 1000) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

export async function verifyLog(store: EventStore, options: VerifyOptions = {}): Promise<Verification> {
  return verifyLinks(linksOf(store), { severalWriters: store.kind === 'eventstoredb', ...options });
}

export async function verifyLinks(pages: AsyncIterable<StoredLink[]>, options: VerifyOptions = {}): Promise<Verification> {
  const expect = options.expectHead;
  let expectHeadFailure: string | null = null;
  let expectChecked = expect === undefined;
  let verified = 0;
  let beforeChain = 0;
  let prev: string | null = null; // null: the chain has not begun
  let head: LogHead | null = null;
  let broken: BrokenLink | null = null;
  // Several writers only: the hashes of the last FORK_WINDOW events, in a ring.
  const severalWriters = options.severalWriters === true;
  const recent = new Set<string>();
  const ring: string[] = new Array(FORK_WINDOW);
  let ringAt = 0;

  const breakAt = (e: StoredLink, kind: BreakKind, detail: string): BrokenLink => ({
    position: e.position,
    stream: e.stream,
    revision: e.revision,
    kind,
    detail: `${BREAK_LABELS[kind]}: ${detail}`,
  });

  outer: for await (const page of pages) {
    for (const e of page) {
      if (!expectChecked && e.position >= expect!.position) {
        expectChecked = true;
        if (e.position !== expect!.position) {
          expectHeadFailure = `no event at the exported head's position ${expect!.position} any more (next is ${e.position})`;
        } else if (e.link?.hash !== expect!.hash) {
          expectHeadFailure = `the event at position ${e.position} has hash ${e.link?.hash ?? '(none)'}, the exported head says ${expect!.hash}`;
        }
      }
      const link: ChainLink | undefined = e.link;
      if (link === undefined) {
        if (prev === null) {
          beforeChain++;
          continue;
        }
        broken = breakAt(e, 'link_missing', 'the event carries no hash');
        break outer;
      }
      const expectedPrev = prev ?? GENESIS;
      const actual = linkHash(link.prev, e.content, link.joins);
      if (actual !== link.hash) {
        broken = breakAt(e, 'content_altered', `stored hash ${link.hash}, its content gives ${actual}`);
        break outer;
      }
      if (severalWriters) {
        // The chain began with concurrent appends too: GENESIS is a fine start for the first few.
        const missing = followedBy(link).find((h) => !recent.has(h) && !(h === GENESIS && verified < FORK_WINDOW));
        if (missing !== undefined) {
          broken = breakAt(e, 'link_broken', `it follows hash ${missing}, which no event among the ${FORK_WINDOW} before it has`);
          break outer;
        }
        const evicted = ring[ringAt];
        if (evicted !== undefined) recent.delete(evicted);
        ring[ringAt] = link.hash;
        ringAt = (ringAt + 1) % FORK_WINDOW;
        recent.add(link.hash);
      } else if (link.prev !== expectedPrev || link.joins) {
        broken = breakAt(
          e,
          'link_broken',
          `it follows hash ${link.prev}, the event before it${head ? ` (position ${head.position})` : ''} has ${expectedPrev}`,
        );
        break outer;
      }
      prev = link.hash;
      head = { position: e.position, hash: link.hash };
      verified++;
    }
  }
  if (!expectChecked && broken === null) {
    expectHeadFailure = `the log ends at position ${head?.position ?? 0}, before the exported head's position ${expect!.position}`;
  }
  return { ok: broken === null && expectHeadFailure === null, verified, beforeChain, head, broken, expectHeadFailure };
}

/** `<position>:<hash>`, as the CLI prints and takes it. */
export function formatHead(head: LogHead): string {
  return `${head.position}:${head.hash}`;
}

export function parseHead(text: string): LogHead {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  if (!match) throw new Error(`a head is <position>:<sha256 hex>, got "${text}"`);
  return { position: Number(match[1]), hash: match[2]! };
}
