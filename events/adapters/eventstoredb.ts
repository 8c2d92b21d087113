// The EventStoreDB adapter of the event-store port, over @eventstore/db-client 6.x.
//
// - Events are JSON: `data` as the event's JSON data, the port's `metadata` object as the event's
//   custom metadata (JSON), `id` as the event id.
// - Positions are EventStoreDB commit positions (byte offsets in its log), converted to numbers
//   and checked to be safe integers. Every "after" is exclusive.
// - System events (a type or a stream starting with `$`) are never delivered: subscriptions ask
//   the server to leave them out (excludeSystemEvents), and reads skip them here (6.x never
//   filters a plain read).
// - The client never resubscribes by itself. When a subscription ends or fails (server gone,
//   call cancelled, end of stream), this adapter subscribes again after a small back-off from the
//   last position it handed out, and skips anything at or before it: no duplicates, no gaps.
// - Competing consumers (persistent subscriptions to $all) are in eventstoredbConsumers.ts.
// - The hash chain (events/logChain.ts): this process's appends are serialised, and each one
//   chains to the head of $all read just before it is sent and joins the other recent events that
//   nothing follows yet. Several servers may append to one EventStoreDB and nothing spans a read
//   of $all and an append, so two of them can chain to the same head: the next append of either
//   joins both again (the last JOIN_WINDOW events are looked at; each server appends one at a
//   time, so that many servers would have to append at the same instant to leave one behind).
import {
  AccessDeniedError,
  ANY,
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  NotLeaderError,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type JSONType,
  type Position,
  type RecordedEvent as ClientRecordedEvent,
} from '@eventstore/db-client';
import type { Readable } from 'node:stream';
import {
  EventStoreClosedError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../port';
import { CHAIN_FIELD, contentOf, followedBy, GENESIS, isChainLink, nextLink, splitMetadata, type ChainLink } from '../logChain';
import { eventStoreDbConsumers } from './eventstoredbConsumers';

export interface EventStoreDbStoreOptions {
  /** Back-off before the first resubscription attempt, doubled up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Events per $all read call (readAll pages through the log). */
  readPageSize?: number;
  /**
   * How long close() waits, in all, for its steps (appends in flight, subscriptions ending, the
   * client's channel closing) before going on without them: a node that is gone, or frozen, may
   * never answer them. Default 5 s.
   */
  closeWithinMs?: number;
}

/** Resolves once every promise has settled, or at `deadline` (epoch ms), whichever comes first. */
async function settledBy(promises: Iterable<Promise<unknown>>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
  await Promise.race([Promise.allSettled(promises), late]);
  clearTimeout(timer);
}

const HEAD_PAGE = 100;
/** How many of the latest events an append looks at for the ones nothing follows yet. */
const JOIN_WINDOW = 32;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Appends go through Streams.Append (one call each), never BatchAppend. In @eventstore/db-client
 * 6.2.1, BatchAppend keeps the pending appends of every client of the process in one map: an error
 * on one client's stream (a store closed with an append in flight) rejects the appends of all the
 * others, whose answers then arrive to nothing and throw inside their stream's handler
 * (`TypeError: undefined is not iterable`), and that client's later appends are never answered.
 * Seen in CI with two servers' stores in one process. Fixed in the successor client,
 * @kurrent/kurrentdb-client (kurrent-io/KurrentDB-Client-NodeJS#523); Append shares nothing.
 */
function appendOneCallEach(client: EventStoreDBClient): void {
  const own = client as unknown as { supports(method: { path: string }, feature?: string): Promise<boolean> };
  const supports = own.supports;
  own.supports = async (method, feature) => (method.path.endsWith('/BatchAppend') ? false : supports(method, feature));
}

export function createEventStoreDbStore(connectionString: string, options: EventStoreDbStoreOptions = {}): EventStore {
  const client = EventStoreDBClient.connectionString(connectionString);
  appendOneCallEach(client);
  const readPage = options.readPageSize ?? 1000;
  const backoff = {
    initial: options.reconnectDelayMs ?? 100,
    max: options.maxReconnectDelayMs ?? 2000,
  };
  const closeWithinMs = options.closeWithinMs ?? 5_000;
  let closed = false;
  const appendsInFlight = new Set<Promise<unknown>>();
  const readsInFlight = new Set<Readable>();
  const subscriptions = new Set<CatchUpSubscription>();

  function ensureOpen(): void {
    if (closed) throw new EventStoreClosedError();
  }

  /**
   * Iterates a client read, so that close() can end it and an early exit cancels the call. On an
   * early exit the read is drained, not destroyed: destroying it left the call's messages that had
   * already arrived unread, and a gRPC call reports its end only once they are read, so the call
   * stayed open for good and the client's dispose waited for it (each append that stops early in
   * the chain's last links, on a log whose page had arrived whole, left one: a server's stop took
   * the store's whole close bound of 5 s).
   */
  async function* iterateRead<T>(read: Readable & { cancel(): Promise<void> }): AsyncGenerator<T> {
    readsInFlight.add(read);
    read.on('error', () => {}); // errors reach the iteration below; never an unhandled 'error'
    let finished = false;
    try {
      for await (const item of read.iterator({ destroyOnReturn: false })) yield item as T;
      finished = true;
    } finally {
      readsInFlight.delete(read);
      if (!finished) {
        read.resume();
        await read.cancel().catch(() => {});
      }
    }
  }

  // This process's appends, one after the other: each chains to the head the one before it wrote.
  let appendTurn: Promise<unknown> = Promise.resolve();

  /**
   * What the next append follows: the head of $all (its last non-system event) and the recent
   * events that no later event follows (appended by other servers at the same moment), oldest
   * first; GENESIS when the log is empty or its head has no link (written before the chain).
   */
  async function chainTips(): Promise<{ prev: string; joins: string[] }> {
    const recent: ChainLink[] = [];
    let headSeen = false;
    const page = client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: HEAD_PAGE });
    for await (const resolved of iterateRead<AllStreamResolvedEvent>(page)) {
      const event = resolved.event;
      if (!event || isSystemEvent(event)) continue;
      const link = isRecord(event.metadata) ? event.metadata[CHAIN_FIELD] : undefined;
      if (!headSeen && !isChainLink(link)) return { prev: GENESIS, joins: [] };
      headSeen = true;
      if (isChainLink(link)) recent.push(link);
      if (recent.length === JOIN_WINDOW) break;
    }
    // A page of only system events (stats written while the log is idle): look further back.
    if (!headSeen) {
      const head = await headEvent();
      const link = head && isRecord(head.metadata) ? head.metadata[CHAIN_FIELD] : undefined;
      return { prev: isChainLink(link) ? link.hash : GENESIS, joins: [] };
    }
    const followed = new Set(recent.flatMap(followedBy));
    const tips = recent.filter((l) => !followed.has(l.hash)).map((l) => l.hash);
    return { prev: tips[0]!, joins: tips.slice(1).reverse() };
  }

  async function doAppend(
    stream: string,
    events: Parameters<EventStore['append']>[1],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    try {
      const clientExpectation = toClientExpectation(expectedRevision);
      let { prev, joins } = await chainTips();
      const chained = events.map((e) => {
        const data = (e.data ?? null) as JSONType;
        const metadata = splitMetadata(e.metadata).metadata;
        const link = nextLink(prev, contentOf(e.id, stream, e.type, JSON.stringify(data), JSON.stringify(metadata)), joins);
        prev = link.hash;
        joins = [];
        return jsonEvent({ id: e.id, type: e.type, data, metadata: { ...metadata, [CHAIN_FIELD]: { ...link } } as JSONType });
      });
      const result = await client.appendToStream(stream, chained, { expectedRevision: clientExpectation });
      if (!result.position) throw new Error(`EventStoreDB answered the append to ${stream} without a position`);
      return { nextRevision: Number(result.nextExpectedRevision), position: toSafePosition(result.position.commit) };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion === 'no_stream' ? 'no_stream' : Number(error.actualVersion);
        throw new WrongExpectedRevisionError(stream, expectedRevision, actual);
      }
      throw error;
    }
  }

  async function headPosition(): Promise<number> {
    ensureOpen();
    const head = await headEvent();
    return head ? toSafePosition(head.position!.commit) : 0;
  }

  /** The last non-system event of $all (also for appends in flight when close() is called). */
  async function headEvent(): Promise<ClientRecordedEvent | undefined> {
    let before: Position | typeof END = END;
    for (;;) {
      let received = 0;
      let oldest: Position | undefined;
      const page = client.readAll({ fromPosition: before, direction: BACKWARDS, maxCount: HEAD_PAGE });
      for await (const resolved of iterateRead<AllStreamResolvedEvent>(page)) {
        received++;
        const event = resolved.event;
        if (!event) continue;
        oldest = event.position;
        if (!isSystemEvent(event)) return event;
      }
      // Backwards reads are exclusive of their start, so the next page begins below `oldest`.
      if (received < HEAD_PAGE || !oldest) return undefined;
      before = oldest;
    }
  }

  const consumers = eventStoreDbConsumers({ client, toRecorded, backoff, closed: () => closed });

  const store: EventStore = {
    kind: 'eventstoredb',
    address: { kind: 'eventstoredb', connectionString },
    competingConsumers: consumers,

    async append(stream, events, { expectedRevision }) {
      ensureOpen();
      if (events.length === 0) throw new Error('append needs at least one event');
      const task = appendTurn.then(() => doAppend(stream, events, expectedRevision));
      appendTurn = task.catch(() => {});
      appendsInFlight.add(task);
      try {
        return await task;
      } finally {
        appendsInFlight.delete(task);
      }
    },

    async readStream(stream, readOptions: ReadStreamOptions = {}) {
      ensureOpen();
      const backwards = readOptions.direction === 'backwards';
      const maxCount = readOptions.maxCount ?? Number.MAX_SAFE_INTEGER;
      if (maxCount <= 0) return [];
      const fromRevision =
        readOptions.fromRevision !== undefined ? BigInt(readOptions.fromRevision) : backwards ? END : START;
      const out: RecordedEvent[] = [];
      try {
        const read = client.readStream(stream, {
          fromRevision,
          direction: backwards ? BACKWARDS : FORWARDS,
          maxCount,
        });
        for await (const resolved of iterateRead<{ event?: ClientRecordedEvent }>(read)) {
          if (resolved.event) out.push(toRecorded(resolved.event));
        }
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
      return out;
    },

    async *readAll(readOptions: ReadAllOptions = {}) {
      let remaining = readOptions.maxCount ?? Number.MAX_SAFE_INTEGER;
      // Reads forwards from a position include it; everything at or before `after` is skipped.
      let after = readOptions.after !== undefined && readOptions.after > 0 ? BigInt(readOptions.after) : undefined;
      while (remaining > 0) {
        ensureOpen();
        const page = client.readAll({
          fromPosition: after === undefined ? START : { commit: after, prepare: after },
          direction: FORWARDS,
          maxCount: readPage,
        });
        let received = 0;
        for await (const resolved of iterateRead<AllStreamResolvedEvent>(page)) {
          received++;
          const event = resolved.event;
          if (!event) continue;
          const position = event.position.commit;
          if (after !== undefined && position <= after) continue;
          after = position;
          if (isSystemEvent(event)) continue;
          yield toRecorded(event);
          if (--remaining <= 0) return;
        }
        if (received < readPage) return;
      }
    },

    subscribeToAll(subscribeOptions: SubscribeOptions = {}) {
      ensureOpen();
      const subscription = new CatchUpSubscription({
        client,
        after: subscribeOptions.after,
        headPosition,
        backoff,
        onStop: (s) => subscriptions.delete(s),
      });
      subscriptions.add(subscription);
      return subscription;
    },

    headPosition,

    async close() {
      if (closed) return;
      closed = true;
      // Each step bounded: with the node gone or frozen, an append in flight or a call's end may
      // never be answered, and a server's stop must not wait on it for ever.
      const deadline = Date.now() + closeWithinMs;
      await settledBy([...appendsInFlight], deadline);
      await settledBy([...subscriptions].map((s) => s.stop()), deadline);
      await settledBy([consumers.stopAll()], deadline);
      for (const read of [...readsInFlight]) read.destroy(new EventStoreClosedError());
      await settledBy([client.dispose()], deadline);
    },
  };
  return store;
}

// ----- subscriptions -----

interface SubscriptionDeps {
  client: EventStoreDBClient;
  after: number | undefined;
  headPosition(): Promise<number>;
  backoff: { initial: number; max: number };
  onStop(subscription: CatchUpSubscription): void;
}

/** The client's Subscription keeps its event converter on the instance (6.x). */
interface ConverterHook {
  convertGrpcEvent?: (grpcEvent: unknown) => AllStreamResolvedEvent;
}

class CatchUpSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private resolveCaughtUp!: () => void;
  private rejectCaughtUp!: (error: unknown) => void;
  private caughtUpSettled = false;
  private stopped = false;
  private iterated = false;
  /** Position of the last event handed out or skipped (a system event): resubscriptions go on after it. */
  private last: bigint | undefined;
  /** Position of the last event the consumer is done with (it asked for the next one, or left), or skipped. */
  private handled: bigint | undefined;
  /** Position of the event in the consumer's hands, while it has one. */
  private holding: bigint | undefined;
  /** Head of the log (last non-system event) when the subscription started; 0n when empty. */
  private head: bigint | undefined;
  private headPending = false;
  /** Set when the server said caught_up: everything up to this position was sent before it. */
  private caughtUpMarker: bigint | null | undefined;
  private current: AllStreamSubscription | undefined;
  private readonly closing = new WeakSet<AllStreamSubscription>();
  private interruptPause: (() => void) | undefined;

  constructor(private readonly deps: SubscriptionDeps) {
    this.last = deps.after !== undefined && deps.after > 0 ? BigInt(deps.after) : undefined;
    this.handled = this.last;
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.resolveCaughtUp = resolve;
      this.rejectCaughtUp = reject;
    });
    this.caughtUp.catch(() => {}); // a failure is reported to those who await it, never unhandled
    this.learnHead();
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.iterated) throw new Error('a subscription can be iterated only once');
    this.iterated = true;
    return this.run();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.deps.onStop(this);
    this.interruptPause?.();
    const current = this.current;
    if (current) await this.closeClientSubscription(current);
  }

  private learnHead(): void {
    if (this.head !== undefined || this.headPending || this.stopped) return;
    this.headPending = true;
    this.deps.headPosition().then(
      (head) => {
        this.headPending = false;
        this.head = BigInt(head);
        this.checkCaughtUp();
      },
      () => {
        this.headPending = false; // tried again on the next (re)subscription
      },
    );
  }

  private checkCaughtUp(): void {
    if (this.caughtUpSettled) return;
    const handled = this.handled ?? 0n;
    const byHead = this.head !== undefined && handled >= this.head;
    const byMarker =
      this.caughtUpMarker !== undefined && (this.caughtUpMarker === null || handled >= this.caughtUpMarker);
    if (byHead || byMarker) {
      this.caughtUpSettled = true;
      this.resolveCaughtUp();
    }
  }

  private open(): AllStreamSubscription {
    const fromPosition = this.last === undefined ? START : { commit: this.last, prepare: this.last };
    const subscription = this.deps.client.subscribeToAll({ fromPosition, filter: excludeSystemEvents() });
    subscription.on('error', () => {}); // errors reach the iteration; never an unhandled 'error'

    // Remember the last event the client received before the server's caught_up, so that
    // caughtUp resolves only once the consumer has been handed everything before it.
    let lastReceived: bigint | undefined;
    const hook = subscription as unknown as ConverterHook;
    const convert = hook.convertGrpcEvent;
    if (typeof convert === 'function') {
      hook.convertGrpcEvent = (grpcEvent) => {
        const resolved = convert.call(subscription, grpcEvent);
        if (resolved.event?.position) lastReceived = resolved.event.position.commit;
        return resolved;
      };
      subscription.on('caughtUp', () => {
        this.caughtUpMarker = lastReceived ?? null;
        this.checkCaughtUp();
      });
    }
    return subscription;
  }

  private async closeClientSubscription(subscription: AllStreamSubscription): Promise<void> {
    if (this.closing.has(subscription)) return;
    this.closing.add(subscription);
    // Leaving the iteration does not cancel the gRPC call: unsubscribe() does.
    await subscription.unsubscribe().catch(() => {});
    subscription.destroy();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.interruptPause = undefined;
        resolve();
      }
      this.interruptPause = done;
    });
  }

  private async *run(): AsyncGenerator<RecordedEvent> {
    let attempt = 0;
    try {
      while (!this.stopped) {
        this.learnHead();
        const subscription = this.open();
        this.current = subscription;
        subscription.once('confirmation', () => {
          attempt = 0;
        });
        let failure: unknown;
        let fatal: unknown;
        try {
          for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
            attempt = 0;
            const event = resolved.event;
            if (!event?.position) continue;
            const position = event.position.commit;
            if (this.last !== undefined && position <= this.last) continue; // already handed out
            let recorded: RecordedEvent | undefined;
            try {
              if (!isSystemEvent(event)) recorded = toRecorded(event);
            } catch (error) {
              fatal = error;
              break;
            }
            this.last = position;
            if (recorded) {
              this.holding = position;
              yield recorded;
              this.holding = undefined;
              if (this.stopped) return;
            }
            // The consumer asked for the next event: it is done with this one.
            this.handled = position;
            this.checkCaughtUp();
          }
        } catch (error) {
          failure = error;
        } finally {
          if (this.current === subscription) this.current = undefined;
          await this.closeClientSubscription(subscription);
        }
        if (this.stopped) return;
        if (fatal !== undefined) throw fatal;
        if (failure !== undefined && !isTransient(failure)) throw failure;
        // Ended or dropped: subscribe again after the last event handed out.
        await this.pause(Math.min(this.deps.backoff.initial * 2 ** attempt, this.deps.backoff.max));
        attempt++;
      }
    } catch (error) {
      if (!this.caughtUpSettled) {
        this.caughtUpSettled = true;
        this.rejectCaughtUp(error);
      }
      throw error;
    } finally {
      // Left by the consumer (break, return) while it held an event: it is done with that one.
      if (this.holding !== undefined) {
        this.handled = this.holding;
        this.checkCaughtUp();
      }
      await this.stop();
    }
  }
}

// ----- conversions -----

function toClientExpectation(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) {
        throw new RangeError(`expected revision must be a non-negative integer, got ${String(expected)}`);
      }
      return BigInt(expected);
  }
}

function toSafePosition(position: bigint): number {
  if (position < 0n || position > MAX_SAFE) {
    throw new RangeError(`EventStoreDB position ${position} is not a safe integer`);
  }
  return Number(position);
}

function isSystemEvent(event: { type: string; streamId: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function toRecorded(event: ClientRecordedEvent): RecordedEvent {
  if (!event.position) {
    throw new Error(`event ${event.id} of ${event.streamId} came without a position (EventStoreDB before 22.6?)`);
  }
  const { metadata, link } = splitMetadata(isRecord(event.metadata) ? event.metadata : {});
  const recorded: RecordedEvent = {
    id: event.id,
    stream: event.streamId,
    revision: Number(event.revision),
    position: toSafePosition(event.position.commit),
    type: event.type,
    data: event.data,
    metadata,
    created: event.created,
  };
  if (link) recorded.chain = link;
  return recorded;
}

function isTransient(error: unknown): boolean {
  if (error instanceof AccessDeniedError) return false;
  return (
    error instanceof UnavailableError ||
    error instanceof CancelledError ||
    error instanceof TimeoutError ||
    error instanceof DeadlineExceededError ||
    error instanceof NotLeaderError ||
    error instanceof UnknownError ||
    (error instanceof Error && (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE')
  );
}
