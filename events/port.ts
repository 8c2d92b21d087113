// The event-store port: the one interface the rest of the back office sees. Two adapters implement
// it (embedded SQLite, EventStoreDB) and one contract suite (test/events/contract.ts) holds them to
// the same behaviour.
//
// Revisions are 0-based per stream, as in EventStoreDB. Positions are global and strictly increase
// in commit order; they are plain numbers (EventStoreDB commit positions are byte offsets in its log
// and stay far below 2^53). Every "after" is exclusive: reading or subscribing after position p
// starts with the first event whose position is greater than p, so a saved checkpoint is simply
// the position of the last event handled.

import type { ChainLink } from './logChain';

export type ExpectedRevision = number | 'no_stream' | 'stream_exists' | 'any';

/** What a writer hands to the store: already serialisable, with its own event id (UUID). */
export interface EventToAppend {
  id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

export interface RecordedEvent {
  id: string;
  stream: string;
  revision: number;
  position: number;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  /** When the store recorded it (UTC). */
  created: Date;
  /**
   * Its link in the log's hash chain (events/logChain.ts), stored in its metadata and handed out
   * apart from it; absent for events written before the chain.
   */
  chain?: ChainLink;
}

/** An event as the log's verifier reads it: what its hash covers, in the stored form, and its link. */
export interface StoredLink {
  position: number;
  stream: string;
  revision: number;
  /** logChain.contentOf of the stored event. */
  content: string;
  link: ChainLink | undefined;
}

export interface AppendResult {
  /** Revision of the last event of the stream after the append. */
  nextRevision: number;
  /** Global position of the last appended event. */
  position: number;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive); default: the start, or the end when reading backwards. */
  fromRevision?: number;
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events strictly after this position; default: from the very first event. */
  after?: number;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Deliver events strictly after this position; default: from the very first event. */
  after?: number;
}

/** A catch-up subscription: replays, then follows live appends, in global order. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  /**
   * Resolves once the consumer has handled every event up to the head seen when it started: after
   * it has asked for the event that follows the last of them (for `for await`, once the loop body
   * of that last event has finished), or has left the iteration, never while that event is still
   * in its hands. A consumer must not wait for it inside the handling of an event.
   */
  readonly caughtUp: Promise<void>;
  /** Stops delivering; a pending iteration ends. Idempotent. */
  stop(): Promise<void>;
}

/** Where a store lives, so that another thread can open its own connection to the same log. */
export type StoreAddress = { kind: 'sqlite'; file: string } | { kind: 'eventstoredb'; connectionString: string };

/**
 * Competing consumers (EventStoreDB persistent subscriptions): the store hands each event of a
 * group to one of the consumers that joined it, and again to another one when that one does not
 * acknowledge it (it went away, it said `retry`, or its time ran out); after the group's
 * `maxRetryCount` retries the event is parked. Several servers share work this way.
 */
export interface CompetingConsumers {
  /** Creates the group on the whole log, for these event types from the first event, unless it exists. */
  ensureGroup(group: string, options: ConsumerGroupOptions): Promise<void>;
  /** Joins the group; resubscribes by itself after a dropped connection until stopped. */
  join(group: string, options: { bufferSize: number }): ConsumerSession;
  /** How many events the group has parked (they failed on every retry) and keeps aside. */
  parkedCount(group: string): Promise<number>;
  /** Hands the group's parked events out again, each with a fresh count of retries. */
  replayParked(group: string): Promise<void>;
}

export interface ConsumerGroupOptions {
  /** Only events of these types are handed out. */
  eventTypes: readonly string[];
  /** Deliveries after the first one before the event is parked. */
  maxRetryCount: number;
  /** An event not acknowledged within this time goes to another consumer. */
  messageTimeoutMs: number;
}

export interface Delivery {
  readonly event: RecordedEvent;
  /** 0 on the first delivery. */
  readonly retryCount: number;
  /** Done with it. A lost acknowledgement (connection gone) means the event comes again, to someone. */
  ack(): Promise<void>;
  /** Not done: deliver it again (`retry`), put it aside (`park`), or forget it (`skip`). */
  nack(action: 'retry' | 'park' | 'skip', reason: string): Promise<void>;
}

export interface ConsumerSession extends AsyncIterable<Delivery> {
  /** Whether the consumer is connected to its group now. */
  readonly connected: boolean;
  /** Leaves the group: what it has not acknowledged goes to the other consumers. */
  stop(): Promise<void>;
}

export interface EventStore {
  /** Which adapter this is, for /health and logs. */
  readonly kind: 'sqlite' | 'eventstoredb';
  /** Absent for a store no one else can open (an in-memory one). */
  readonly address?: StoreAddress;
  /** Persistent subscriptions, on a store shared by several servers (EventStoreDB); absent on the embedded one. */
  readonly competingConsumers?: CompetingConsumers;
  append(stream: string, events: EventToAppend[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult>;
  /** The stream's events; a stream that does not exist reads as an empty list. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /**
   * The log from `after` to its end, a page at a time, for a reader that takes whole pages (a
   * rebuild's read-ahead thread): no iteration step per event. Optional: read others with readAll.
   */
  readAllPages?(options?: { after?: number }): AsyncIterable<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /**
   * The log's links in global order, a page at a time, from the stored texts without decoding the
   * events (a store that can do it faster than readAll). Optional: logVerifier falls back to readAll.
   */
  readLinks?(options?: { after?: number }): AsyncIterable<StoredLink[]>;
  /** Position of the last event in the log, 0 when empty. */
  headPosition(): Promise<number>;
  /** Finishes appends in flight, stops subscriptions, releases the store. */
  close(): Promise<void>;
}

/** The stream's revision did not match the writer's expectation. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or 'no_stream' when it does not exist. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

export class EventStoreClosedError extends Error {
  override readonly name = 'EventStoreClosedError';
  constructor() {
    super('the event store is closed');
  }
}
