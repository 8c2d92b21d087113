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
import { createHash } from 'node:crypto';

export const CHAIN_FIELD = 'chain';
export const GENESIS = '0'.repeat(64);

export interface ChainLink {
  /** Hash of the event before this one in the global log (GENESIS for the first). */
  prev: string;
  /** sha256 over prev and this event's content, lowercase hex. */
  hash: string;
}

/** The hashed content of an event, from its stored JSON texts (data and metadata without `chain`). */
export function contentOf(id: string, stream: string, type: string, dataJson: string, metadataJson: string): string {
  return `[${JSON.stringify(id)},${JSON.stringify(stream)},${JSON.stringify(type)},${dataJson},${metadataJson}]`;
}

export function linkHash(prev: string, content: string): string {
  return createHash('sha256').update(prev).update(content).digest('hex');
}

export function nextLink(prev: string, content: string): ChainLink {
  return { prev, hash: linkHash(prev, content) };
}

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
  const { prev, hash } = value as Record<string, unknown>;
  return typeof prev === 'string' && typeof hash === 'string' && HEX64.test(prev) && HEX64.test(hash);
}

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
  return { metadataJson: JSON.stringify(rest), link: isChainLink(link) ? { prev: link.prev, hash: link.hash } : undefined };
}

/** Parsed stored metadata: the metadata as appended, and the link apart. */
export function splitMetadata(stored: Record<string, unknown>): { metadata: Record<string, unknown>; link: ChainLink | undefined } {
  if (!(CHAIN_FIELD in stored)) return { metadata: stored, link: undefined };
  const { [CHAIN_FIELD]: link, ...metadata } = stored;
  return { metadata, link: isChainLink(link) ? { prev: link.prev, hash: link.hash } : undefined };
}
