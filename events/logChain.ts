// The verifiable log: every event carries, in its stored metadata, a link of a hash chain over the
// global log, so that changing, removing or reordering a stored event is found by walking the log.
//
// The definition (the contract both adapters write and the verifier checks):
//   content(e) = JSON.stringify([e.id, e.stream, e.type, e.data, e.metadata without `chain`])
//   hash(e)    = sha256_hex(prev + content(e))
//   prev       = hash of the event before e in the global log, or 64 zeros (GENESIS) for the first
//                event of the log, or for the first event after a history written before the chain.
// The link is stored as the last field of the event's metadata, `chain: { prev, hash }`, and the
// adapters hand it out apart from the metadata (`RecordedEvent.chain`), so that the metadata reads
// back as it was appended. JSON.stringify of parsed JSON gives the same text again, so the stored
// form hashes the same when it is read back and written out; the hash is over the stored form,
// before any upcasting the catalogue does on read.
//
// `prev` is kept beside `hash` so that the verifier can say what differs: an event whose content
// no longer gives its hash was altered; an event whose `prev` is not the hash of the event before
// it lost its predecessor (deleted, or moved).
//
// Several writers (servers appending to one EventStoreDB) cannot chain in one line: nothing spans
// a read of the log's head and an append, so two of them may chain to the same head. There each
// append follows every recent event that nothing follows yet: `prev` is the head it read and
// `joins` the other such events (appended at the same moment by other servers), and
//   hash(e) = sha256_hex(prev + joins… + content(e)).
// The log is then a chain with short forks that join again: an event deleted is still missed by
// the event that follows it, and the verifier (logVerifier.ts) accepts such links only from a
// store with several writers.
import { hash as oneShotHash } from 'node:crypto';

export const CHAIN_FIELD = 'chain';
export const GENESIS = '0'.repeat(64);

export interface ChainLink {
  /** Hash of the event before this one in the global log (GENESIS for the first). */
  prev: string;
  /** Other recent events this one follows too (several writers only; absent when none). */
  joins?: string[];
  /** sha256 over prev, the joins and this event's content, lowercase hex. */
  hash: string;
}

// Ids, stream names and types rarely need escaping: quoting them directly gives JSON.stringify's text
// without its cost, which is most of a verification's time after reading and hashing.
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
export const jsonString = (s: string): string => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));

/** The hashed content of an event, from its stored JSON texts (data and metadata without `chain`). */
export function contentOf(id: string, stream: string, type: string, dataJson: string, metadataJson: string): string {
  return `[${jsonString(id)},${jsonString(stream)},${jsonString(type)},${dataJson},${metadataJson}]`;
}

export function linkHash(prev: string, content: string, joins?: readonly string[]): string {
  return oneShotHash('sha256', joins?.length ? prev + joins.join('') + content : prev + content, 'hex');
}

export function nextLink(prev: string, content: string, joins?: readonly string[]): ChainLink {
  const hash = linkHash(prev, content, joins);
  return joins?.length ? { prev, joins: [...joins], hash } : { prev, hash };
}

/** The hashes an event follows: its `prev` and its joins. */
export const followedBy = (link: ChainLink): string[] => (link.joins?.length ? [link.prev, ...link.joins] : [link.prev]);

/** The stored metadata: the appended metadata's JSON with `chain` added as its last field. */
export function chainedMetadataJson(metadataJson: string, link: ChainLink): string {
  const field = `"${CHAIN_FIELD}":{"prev":"${link.prev}","hash":"${link.hash}"}`;
  return metadataJson === '{}' ? `{${field}}` : `${metadataJson.slice(0, -1)},${field}}`;
}

const HEX64 = /^[0-9a-f]{64}$/;
// What chainedMetadataJson writes, at the end of the text: read without parsing the whole metadata.
const STORED_SUFFIX = /([,{])"chain":\{"prev":"([0-9a-f]{64})","hash":"([0-9a-f]{64})"\}\}$/;
const SUFFIX_LENGTH = 160;

export function isChainLink(value: unknown): value is ChainLink {
  if (typeof value !== 'object' || value === null) return false;
  const { prev, hash, joins } = value as Record<string, unknown>;
  const joinsOk = joins === undefined || (Array.isArray(joins) && joins.every((j) => typeof j === 'string' && HEX64.test(j)));
  return typeof prev === 'string' && typeof hash === 'string' && HEX64.test(prev) && HEX64.test(hash) && joinsOk;
}

/** The link as the port hands it out: only its own fields. */
const linkOf = (link: ChainLink): ChainLink => (link.joins?.length ? { prev: link.prev, joins: [...link.joins], hash: link.hash } : { prev: link.prev, hash: link.hash });

/**
 * Splits a stored metadata text into the metadata as appended (JSON text, without `chain`) and the
 * link, if any. The usual form is read from the end of the text; anything else is parsed.
 */
export function splitStoredMetadata(stored: string): { metadataJson: string; link: ChainLink | undefined } {
  const tail = stored.length > SUFFIX_LENGTH ? stored.slice(-SUFFIX_LENGTH) : stored;
  const match = STORED_SUFFIX.exec(tail);
  if (match) {
    const start = stored.length - tail.length + match.index;
    const metadataJson = match[1] === '{' ? (start === 0 ? '{}' : null) : `${stored.slice(0, start)}}`;
    if (metadataJson !== null) return { metadataJson, link: { prev: match[2]!, hash: match[3]! } };
  }
  const parsed: unknown = JSON.parse(stored);
  if (typeof parsed !== 'object' || parsed === null || !(CHAIN_FIELD in parsed)) return { metadataJson: stored, link: undefined };
  const { [CHAIN_FIELD]: link, ...rest } = parsed as Record<string, unknown>;
  return { metadataJson: JSON.stringify(rest), link: isChainLink(link) ? linkOf(link) : undefined };
}

/** Parsed stored metadata: the metadata as appended, and the link apart. */
export function splitMetadata(stored: Record<string, unknown>): { metadata: Record<string, unknown>; link: ChainLink | undefined } {
  if (!(CHAIN_FIELD in stored)) return { metadata: stored, link: undefined };
  const { [CHAIN_FIELD]: link, ...metadata } = stored;
  return { metadata, link: isChainLink(link) ? linkOf(link) : undefined };
}
