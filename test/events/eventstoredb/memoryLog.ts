// The test server's storage: an in-memory transaction log with EventStoreDB's write rules
// (expected revisions, idempotent retries) and byte-offset-like positions.
//
// Positions: every event is its own committed prepare record, so its commit and prepare
// positions are both its log offset (EventStoreDB 20+ writes implicit transactions this way), and
// the next record starts after this one's serialized size. Positions therefore grow by uneven
// steps and are never 1, 2, 3. An append answers the position of its last event, as
// EventStoreDB's WriteEventsCompleted does (commit = prepare = last prepare's log position).
import { keepRecent } from '../../../server/keptRecent';

export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

export interface StoredEvent extends ProposedEvent {
  stream: string;
  revision: number;
  /** Commit position = prepare position = log offset of the record. */
  position: bigint;
  /** Ticks (100 ns) since the Unix epoch, as EventStoreDB sends them. */
  created: string;
}

/** EventStoreDB's expected versions: a revision, or -1 no stream, -2 any, -4 stream exists. */
export type ExpectedVersion = bigint;
export const NO_STREAM = -1n;
export const ANY = -2n;
export const STREAM_EXISTS = -4n;

export type AppendOutcome =
  | { ok: true; revision: number; position: bigint; idempotent: boolean }
  | { ok: false; reason: 'wrong_expected_version'; current: number /* -1: the stream does not exist */ };

/** A position in the log as EventStoreDB compares them: commit first, then prepare. */
export interface TfPos {
  commit: bigint;
  prepare: bigint;
}

export function compareTfPos(a: TfPos, b: TfPos): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function eventPos(e: StoredEvent): TfPos {
  return { commit: e.position, prepare: e.position };
}

const RECORD_HEADER = 96; // flags, numbers, timestamps, lengths: a plausible prepare-record overhead
const RECENT_IDS = 100_000; // EventStoreDB keeps recently committed ids in a bounded cache

export class MemoryLog {
  readonly events: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly recentIds = new Map<string, StoredEvent>();
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private nextPosition: bigint;

  constructor(firstPosition = 0n) {
    this.nextPosition = firstPosition;
  }

  get lastPosition(): bigint | undefined {
    return this.events.at(-1)?.position;
  }

  /** Advances the log without writing an event (EventStoreDB's epoch and system records). */
  skip(bytes: number): void {
    this.nextPosition += BigInt(bytes);
  }

  streamEvents(stream: string): readonly StoredEvent[] | undefined {
    return this.streams.get(stream);
  }

  currentRevision(stream: string): number {
    const events = this.streams.get(stream);
    return events ? events.length - 1 : -1;
  }

  /** Calls the listener synchronously for every event written from now on. */
  listen(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // IndexWriter.CheckCommit of EventStoreDB, for single-stream writes.
  append(stream: string, expected: ExpectedVersion, proposed: ProposedEvent[]): AppendOutcome {
    const current = this.currentRevision(stream);
    const wrong = (): AppendOutcome => ({ ok: false, reason: 'wrong_expected_version', current });

    if (expected === ANY || expected === STREAM_EXISTS) {
      if (expected === STREAM_EXISTS && current === -1) return wrong();
      // Only recently written ids are recognised, and only when the first one belongs to this stream.
      const first = proposed[0] && this.recentIds.get(proposed[0].id);
      if (first && first.stream === stream) {
        let last = first;
        for (let i = 1; i < proposed.length; i++) {
          const seen = this.recentIds.get(proposed[i]!.id);
          if (!seen || seen.stream !== stream || seen.revision !== first.revision + i) return wrong();
          last = seen;
        }
        return { ok: true, revision: last.revision, position: last.position, idempotent: true };
      }
      return this.write(stream, current, proposed);
    }

    if (expected === NO_STREAM && current === -1) return this.write(stream, current, proposed);
    if (expected === BigInt(current)) return this.write(stream, current, proposed);
    if (expected > BigInt(current) || expected < NO_STREAM) return wrong();

    // The writer expected an older revision: a retry of what was written right after it?
    const events = this.streams.get(stream)!;
    const start = Number(expected) + 1;
    let last: StoredEvent | undefined;
    for (let i = 0; i < proposed.length; i++) {
      const stored = events[start + i];
      // EventStoreDB answers WrongExpectedVersion both when the first id differs and when only
      // part of the batch matches ("corrupted idempotency").
      if (!stored || stored.id !== proposed[i]!.id) return wrong();
      last = stored;
    }
    if (!last) return { ok: true, revision: current, position: this.lastPosition ?? 0n, idempotent: true };
    return { ok: true, revision: last.revision, position: last.position, idempotent: true };
  }

  private write(stream: string, current: number, proposed: ProposedEvent[]): AppendOutcome {
    if (proposed.length === 0) {
      // An empty write succeeds without touching the log.
      return { ok: true, revision: current, position: this.lastPosition ?? 0n, idempotent: false };
    }
    let events = this.streams.get(stream);
    if (!events) {
      events = [];
      this.streams.set(stream, events);
    }
    const created = (BigInt(Date.now()) * 10_000n).toString();
    const written: StoredEvent[] = [];
    for (const p of proposed) {
      const event: StoredEvent = { ...p, stream, revision: events.length, position: this.nextPosition, created };
      this.nextPosition += BigInt(
        RECORD_HEADER + 16 + Buffer.byteLength(stream) + Buffer.byteLength(p.type) + p.data.length + p.metadata.length,
      );
      events.push(event);
      this.events.push(event);
      this.remember(event);
      written.push(event);
    }
    for (const event of written) for (const listener of [...this.listeners]) listener(event);
    const last = written.at(-1)!;
    return { ok: true, revision: last.revision, position: last.position, idempotent: false };
  }

  private remember(event: StoredEvent): void {
    keepRecent(this.recentIds, event.id, event, RECENT_IDS);
  }

  /** Index of the first event whose position is >= pos (TFPos order). */
  private lowerBound(pos: TfPos): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareTfPos(eventPos(this.events[mid]!), pos) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** $all forwards: events at or after `from` (inclusive, like EventStoreDB's reads). */
  readAllForwards(from: TfPos | 'start' | 'end', count: number): StoredEvent[] {
    if (from === 'end') return [];
    const start = from === 'start' ? 0 : this.lowerBound(from);
    return this.events.slice(start, start + count);
  }

  /** $all backwards: events strictly before `from`, newest first. */
  readAllBackwards(from: TfPos | 'start' | 'end', count: number): StoredEvent[] {
    if (from === 'start') return [];
    const end = from === 'end' ? this.events.length : this.lowerBound(from);
    const out: StoredEvent[] = [];
    for (let i = end - 1; i >= 0 && out.length < count; i--) out.push(this.events[i]!);
    return out;
  }

  /** $all strictly after `after` (subscriptions: a start position is exclusive). */
  readAllAfter(after: TfPos | undefined, count: number): StoredEvent[] {
    let start = after ? this.lowerBound(after) : 0;
    while (after && start < this.events.length && compareTfPos(eventPos(this.events[start]!), after) <= 0) start++;
    return this.events.slice(start, start + count);
  }
}
