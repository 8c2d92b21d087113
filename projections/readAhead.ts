// Reading ahead on another thread: a catch-up subscription for a lane that starts far behind the
// log (a new projection version rebuilding, a runner resuming after a long stop). On one thread a
// rebuild reads, decodes and applies in turn, and reading plus decoding costs about as much as the
// projections' own statements; here a worker thread (projections/readAheadWorker.ts) reads the log
// through its own connection (`store.address`) and decodes the events the lane's projections
// handle, while this thread applies the pages it has already received.
//
// Pages cross as one JSON text each (cheaper to send and parse than a structured clone of a
// thousand objects), with the decoded events marked so that the runner does not decode them again
// (PREDECODED); the runner applies them a page at a time. The worker stays at most PAGES_AHEAD
// pages ahead, so memory stays flat. Once the worker has read to the end of the log, the lane
// subscribes in this thread from the last event it was handed (store.subscribeToAll), live appends
// included: the worker only serves the catch-up. A lag smaller than `minEvents` does not start a
// worker at all (starting one costs about as much as reading tens of thousands of events here); on
// EventStoreDB, where a position is not a count of events, the lane reads that many itself first
// and starts a worker only if it has not caught up by then (readAheadDecision). If the worker
// fails (it could not start, its connection broke), the pages end, the log says why, and the lane
// reads on in this thread: reading ahead may make a rebuild faster, never make it fail.
import type { Worker } from 'node:worker_threads';
import type { EventStore, RecordedEvent } from '../events/port';
import { startTsWorker } from '../events/tsWorker';

export interface ReadAheadOptions {
  /** Where the worker finds the event catalogue the runner decodes with: a module and its export. */
  catalogue: { module: URL; name: string };
  /** The smallest lag, in events, worth a worker. Default 100,000. */
  minEvents?: number;
}

/** The worker's setup (its workerData). */
export interface ReadAheadSetup {
  address: NonNullable<EventStore['address']>;
  catalogue: { module: string; name: string };
  after: number;
  handles: string[];
  pageSize: number;
}

/**
 * A page: the events in order, each as a tuple (no keys to write and parse a thousand times), and a
 * letter per event for what it carries. Decoded events have their data and metadata as the
 * catalogue decodes them; the others carry none (no projection of the lane handles them: the runner
 * only moves checkpoints past them), except those the worker's catalogue does not know, which go as
 * stored for the runner to deal with as it does without a worker. A decoding failure carries its
 * message, to fail the projection at that event as the runner would. The hash chain's links stay
 * behind: projections do not see them (ProjectedEvent).
 */
export interface Page {
  events: EventTuple[];
  kinds: string;
  errors: string[];
}
/** id, stream, revision, position, type, created (ms since the epoch), then data and metadata if carried. */
export type EventTuple = [string, string, number, number, string, number, unknown?, Record<string, unknown>?];
export const KIND = { decoded: 'd', failed: 'e', skipped: 's', raw: 'r' } as const;

export type FromWorker = { type: 'page'; text: string } | { type: 'end' } | { type: 'failed'; message: string };
export type ToWorker = { type: 'ack' };

/**
 * On an event handed out by a read-ahead: true when it is already decoded (its data and metadata
 * are the catalogue's decoding), or the Error its decoding failed with.
 */
export const PREDECODED = Symbol('predecoded');
export type PredecodedEvent = RecordedEvent & { [PREDECODED]?: true | Error };

const DEFAULT_MIN_EVENTS = 100_000;
/** Pages the worker may send before this thread has taken the first of them (4 left both threads waiting). */
export const PAGES_AHEAD = 16;

export interface ReadAheadLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const workerModule = new URL('./readAheadWorker.ts', import.meta.url);

/**
 * How a lane at `after` decides on a worker: 'now' when it is at least `minEvents` behind (the
 * embedded store's positions are contiguous, so its head tells); 'after' and a count on
 * EventStoreDB, whose positions are not counts of events: the lane reads that many here first and
 * hands the rest to a worker only if it has not caught up by then (counting them beforehand would
 * read them twice); 'never' when the store cannot be opened by another thread.
 */
export async function readAheadDecision(
  store: EventStore,
  after: number,
  options: ReadAheadOptions,
): Promise<{ start: 'now' } | { start: 'after'; events: number } | { start: 'never' }> {
  const n = options.minEvents ?? DEFAULT_MIN_EVENTS;
  if (!store.address) return { start: 'never' };
  if (n <= 0) return { start: 'now' };
  if (store.kind === 'sqlite') return (await store.headPosition()) - after >= n ? { start: 'now' } : { start: 'never' };
  return { start: 'after', events: n };
}

function revive(text: string): PredecodedEvent[] {
  const page = JSON.parse(text) as Page;
  const events: PredecodedEvent[] = new Array(page.events.length);
  let failure = 0;
  for (let i = 0; i < events.length; i++) {
    const [id, stream, revision, position, type, created, data = null, metadata = {}] = page.events[i]!;
    const event: PredecodedEvent = { id, stream, revision, position, type, created: new Date(created), data, metadata };
    const kind = page.kinds[i];
    if (kind === KIND.decoded) event[PREDECODED] = true;
    else if (kind === KIND.failed) event[PREDECODED] = new Error(page.errors[failure++]);
    events[i] = event;
  }
  return events;
}

/** The worker of one lane: its pages, until it has read to the end of the log, failed, or been stopped. */
export class ReadAhead {
  private worker: Worker | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly after: number,
    private readonly handles: Iterable<string>,
    private readonly pageSize: number,
    private readonly options: ReadAheadOptions,
    private readonly log: ReadAheadLogger,
  ) {}

  /**
   * The events after `after`, a page at a time. Ends at the end of the log, at the stop, or when the
   * worker fails (said in the log): the caller goes on from the last event it was handed.
   */
  async *pages(): AsyncGenerator<PredecodedEvent[]> {
    if (this.stopped) return;
    const setup: ReadAheadSetup = {
      address: this.store.address!,
      catalogue: { module: this.options.catalogue.module.href, name: this.options.catalogue.name },
      after: this.after,
      handles: [...this.handles],
      pageSize: this.pageSize,
    };
    const texts: string[] = [];
    let ended = false;
    let failure: string | undefined;
    const rouse = () => {
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    };
    const worker = (this.worker = startTsWorker(workerModule, setup));
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'page') texts.push(message.text);
      else if (message.type === 'end') ended = true;
      else failure = message.message;
      rouse();
    });
    worker.on('error', (error) => {
      failure ??= error.message;
      rouse();
    });
    worker.on('exit', (code) => {
      if (!ended) failure ??= `the thread exited (code ${code})`;
      rouse();
    });
    const started = performance.now();
    let last = this.after;
    let handed = 0;
    this.log.info({ after: this.after }, 'reading the log ahead on another thread');
    try {
      for (;;) {
        const text = texts.shift();
        if (text !== undefined) {
          worker.postMessage({ type: 'ack' } satisfies ToWorker);
          const page = revive(text);
          if (page.length === 0) continue;
          last = page[page.length - 1]!.position;
          handed += page.length;
          yield page;
          continue;
        }
        if (this.stopped) return;
        if (ended) {
          const seconds = Math.round((performance.now() - started) / 100) / 10;
          this.log.info({ position: last, events: handed, seconds }, 'read ahead to the end of the log; reading on in this thread');
          return;
        }
        if (failure !== undefined) {
          this.log.warn({ after: last, reason: failure }, 'reading ahead on another thread failed; reading on in this thread');
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.worker = undefined;
      await worker.terminate();
    }
  }

  /** Ends the pages (the one in the caller's hands is its own) and the worker. */
  async stop(): Promise<void> {
    this.stopped = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    await this.worker?.terminate();
  }
}
