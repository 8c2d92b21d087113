// The projection runner: feeds the event log to the projections and keeps their read models, in the
// read-model database (projections/readModelDb.ts), at most one batch behind the log.
//
// Checkpoints. Each projection version has a row in `_projections` holding the global position it
// has reached. A batch of events is applied to every projection of a lane in ONE transaction that
// also moves their checkpoints, so a crash loses a whole batch or nothing, and the restart resumes
// from the checkpoint: no event is applied twice or skipped. Events a projection does not handle,
// and events whose type the catalogue does not know, are not decoded; they only move its checkpoint.
//
// Lanes. A lane is one catch-up subscription (through the port only, so either adapter) shared by
// the projections that start from the same checkpoint; a projection ahead of the lane skips the
// events it already has. Normally all projections share one lane; one that starts far behind (a
// new version rebuilding from the start, one resuming after a failure) gets its own lane, so the
// others stay live meanwhile, and joins a caught-up lane once it has reached it.
//
// Batches. A lane applies its buffered events when it holds `batchSize` of them, or as soon as the
// subscription has nothing more to give right away (the next event did not arrive within the same
// turn of the event loop): large transactions while replaying, one per append when live. (On the
// EventStoreDB adapter a replay's batches are what arrives within one turn, often a few hundred
// events.) After each full batch the runner yields to the event loop, so HTTP requests are served
// during a rebuild.
// Memory stays flat: a lane holds at most one batch, and the subscription reads the log in pages.
//
// Reading ahead. With `readAhead`, a lane that starts far behind the log (a rebuild) has it read and
// decoded on another thread while this one applies (projections/readAhead.ts); once that thread
// has reached the end of the log, the lane reads on here, live appends included. On EventStoreDB
// the lane first reads `minEvents` here and hands over only if it is still behind (follow).
//
// Versions. Tables are physical per version (`customers__v3`, through `t`), behind views named
// after the logical tables. A version without a row is set up in fresh tables and built from the
// first event while the previous version keeps serving; once its lane has caught up, the views are
// re-pointed in one transaction and the old version's tables are dropped in the next one (or at the
// next start, if the process stops in between). A brand-new projection serves from the start.
//
// Failures. A projection whose `apply` throws (or whose handled event fails to decode) stops at
// that event: the batch's earlier events are kept, the failing one is not applied, the error is in
// its status and in the log, and the other projections go on. A restart retries it from its
// checkpoint, so fixing the code and restarting resumes it. A write SQLite could not make (a full
// disk, an I/O error) is not the projection's failure: the batch is rolled back and tried again
// after a pause, so the read models catch up by themselves once the disk has room.
//
// One runner per read-model database: `start` takes a lease (`_projection_runner`) and refuses to
// run beside another live runner, e.g. `projections/cli.ts rebuild` while the server is up.
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { hostname } from 'node:os';
import type { DecodedEvent, EventCatalogue } from '../events/eventCatalogue';
import type { EventStore, RecordedEvent, Subscription } from '../events/port';
import { keepCheckpointed } from '../events/adapters/walCheckpointer';
import type { Projection, TableName } from './projection';
import { PREDECODED, ReadAhead, readAheadDecision, type PredecodedEvent, type ReadAheadOptions } from './readAhead';
import { Waiters } from './waiters';

export type ProjectionState = 'catching_up' | 'live' | 'rebuilding' | 'failed' | 'stopped';

export interface ProjectionFailure {
  message: string;
  /** The event it stopped at; null when the failure is not tied to one event (setup, store). */
  eventPosition: number | null;
  eventId: string | null;
  eventType: string | null;
  stream: string | null;
  /** When it failed, UTC ISO-8601. */
  at: string;
}

/** What the runner knows without asking the store. */
export interface ProjectionSnapshot {
  name: string;
  /** The version in the code, the one being applied. */
  version: number;
  /** The version readers see through the views: the previous one while `version` rebuilds. */
  servingVersion: number | null;
  state: ProjectionState;
  /** Global position of the last event `version` has handled (0: none yet). */
  position: number;
  error: ProjectionFailure | null;
}

export interface ProjectionStatus extends ProjectionSnapshot {
  /** Position of the last event in the log. */
  head: number;
  /**
   * Events in the log after `position`. Exact on the embedded store (its positions are contiguous:
   * head − position); on other stores they are counted, up to LAG_COUNT_LIMIT (then `lagEventsExact`
   * is false and the figure is a lower bound).
   */
  lagEvents: number;
  lagEventsExact: boolean;
  /**
   * Seconds between the recording of the event at the head and of the last event handled (the
   * first event of the log when none has been): how far behind the read model is in event time.
   * 0 when at the head; null when the log is empty.
   */
  lagSeconds: number | null;
}

/** A pino-like logger (Fastify's `app.log` fits). */
export interface RunnerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The part of the event catalogue the runner uses. */
export type RunnerCatalogue = Pick<EventCatalogue<any>, 'has' | 'decode'>;

export interface RunnerOptions {
  store: EventStore;
  catalogue: RunnerCatalogue;
  /** The read-model database (openReadModelDb); the runner does not close it. */
  db: Database.Database;
  projections: readonly Projection<any>[];
  /** Most events applied in one transaction. Default 1000. */
  batchSize?: number;
  logger?: RunnerLogger;
  /** Called after the projections moved on (a batch applied, a failure, the stop). */
  onProgress?: () => void;
  /**
   * A lane far behind the log reads it on another thread (projections/readAhead.ts): the worker
   * imports the catalogue from here. Only on a store with an address; absent, every lane reads here.
   */
  readAhead?: ReadAheadOptions;
}

export interface StartOptions {
  /** Projections to rebuild from scratch: their tables and checkpoints are dropped first. */
  rebuild?: readonly string[];
}

/** Another live runner holds the read-model database. */
export class RunnerBusyError extends Error {
  override readonly name = 'RunnerBusyError';
  constructor(readonly holder: { pid: number; host: string; since: Date }) {
    super(
      `the read models are in use by another projection runner (pid ${holder.pid} on ${holder.host}, ` +
        `since ${holder.since.toISOString()}); stop it first`,
    );
  }
}

/** Past this many events, other stores' lag counts stop (the embedded store's is arithmetic). */
export const LAG_COUNT_LIMIT = 10_000;
const HEARTBEAT_MS = 5_000;
/** A lease of another host is stale when its heartbeat is older than this. */
const LEASE_STALE_MS = 20_000;
const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

const IDLE = Symbol('idle');
const CAUGHT_UP = Symbol('caught-up');

interface Entry {
  def: Projection<any>;
  name: string;
  version: number;
  handles: ReadonlySet<string>;
  physical: ReadonlyMap<string, string>;
  t: TableName;
  position: number;
  /** When the store recorded the event at `position` (ms), null at 0. */
  positionAt: number | null;
  /** This version's tables are behind the views. */
  serving: boolean;
  servingVersion: number | null;
  failure: ProjectionFailure | null;
  lane: Lane | null;
}

interface Lane {
  entries: Entry[];
  /** Position of the last event received from the subscription (buffered or applied). */
  cursor: number;
  buffer: RecordedEvent[];
  /** Its worker while a read-ahead hands it pages; then its subscription in this thread. */
  readAhead: ReadAhead | undefined;
  subscription: Subscription | undefined;
  subscriptionCaughtUp: boolean;
  /** Has been idle after the subscription's replay: its projections are live. */
  caughtUp: boolean;
  stopped: boolean;
  done: Promise<void>;
}

interface Outcome {
  entry: Entry;
  position: number;
  positionAt: number | null;
  failure?: ProjectionFailure;
  error?: unknown;
}

interface CheckpointRow {
  name: string;
  version: number;
  tables: string;
  serving: number;
  position: number;
  position_at: number | null;
}

interface LeaseRow {
  owner: string;
  pid: number;
  host: string;
  started_at: number;
  heartbeat_at: number;
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
const physicalName = (logical: string, version: number) => `${logical}__v${version}`;
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const noLogger: RunnerLogger = { info() {}, warn() {}, error() {} };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A pause before writing again to a read-model database that could not be written. */
const ENVIRONMENT_RETRY_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SQLite could not write (disk full, I/O error, file locked away): the same batch may succeed later. */
function isEnvironmentFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|CANTOPEN)/.test(code);
}

function failureOf(error: unknown, event?: RecordedEvent): ProjectionFailure {
  return {
    message: messageOf(error),
    eventPosition: event?.position ?? null,
    eventId: event?.id ?? null,
    eventType: event?.type ?? null,
    stream: event?.stream ?? null,
    at: new Date().toISOString(),
  };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function createProjectionRunner(options: RunnerOptions): ProjectionRunner {
  return new ProjectionRunner(options);
}

export class ProjectionRunner {
  readonly db: Database.Database;

  private readonly store: EventStore;
  private readonly catalogue: RunnerCatalogue;
  private readonly batchSize: number;
  private readonly log: RunnerLogger;
  private readonly entries = new Map<string, Entry>();
  private readonly lanes = new Set<Lane>();
  private readonly waiters = new Waiters();
  private readonly onProgress: () => void;
  private readonly readAheadOptions: ReadAheadOptions | undefined;
  private readonly owner = randomUUID();
  private phase: 'new' | 'running' | 'stopped' = 'new';
  private heartbeat: NodeJS.Timeout | undefined;
  private idleTick: Promise<typeof IDLE> | undefined;
  private stopping: Promise<void> | undefined;
  private read = 0;
  private releaseCheckpoints: () => Promise<void> = async () => {};

  constructor(options: RunnerOptions) {
    this.db = options.db;
    this.store = options.store;
    this.catalogue = options.catalogue;
    this.batchSize = Math.max(1, options.batchSize ?? 1000);
    this.log = options.logger ?? noLogger;
    this.onProgress = options.onProgress ?? (() => {});
    this.readAheadOptions = options.readAhead;
    const owners = new Map<string, string>();
    for (const def of options.projections) {
      if (this.entries.has(def.name)) throw new Error(`projection ${def.name} is listed twice`);
      if (!Number.isInteger(def.version) || def.version < 1) {
        throw new Error(`projection ${def.name}: version must be a positive integer`);
      }
      const physical = new Map<string, string>();
      for (const table of def.tables) {
        if (!TABLE_NAME.test(table) || /^(sqlite_|_projection)/i.test(table)) {
          throw new Error(`projection ${def.name}: table name ${JSON.stringify(table)} is not allowed`);
        }
        const owner = owners.get(table.toLowerCase());
        if (owner) throw new Error(`projections ${owner} and ${def.name} both own a table ${table}`);
        owners.set(table.toLowerCase(), def.name);
        physical.set(table, physicalName(table, def.version));
      }
      const t: TableName = (logical) => {
        const name = physical.get(logical);
        if (name === undefined) throw new Error(`projection ${def.name}: ${logical} is not one of its tables`);
        return name;
      };
      this.entries.set(def.name, {
        def,
        name: def.name,
        version: def.version,
        handles: new Set(def.handles),
        physical,
        t,
        position: 0,
        positionAt: null,
        serving: false,
        servingVersion: null,
        failure: null,
        lane: null,
      });
    }
  }

  // --- life cycle --------------------------------------------------------------------------------

  /**
   * Takes the lease, prepares every projection (fresh tables for a new version, cleanup of
   * abandoned ones) and starts the lanes. Resolves once they run, not once they have caught up.
   */
  async start(options: StartOptions = {}): Promise<void> {
    if (this.phase !== 'new') throw new Error('a projection runner starts once');
    for (const name of options.rebuild ?? []) this.entryOf(name);
    this.ensureSchema();
    this.acquireLease();
    // The runner is the read models' one writer: their WAL is checkpointed from another thread.
    if (!this.db.memory && !this.db.readonly) this.releaseCheckpoints = keepCheckpointed(this.db, resolve(this.db.name));
    this.phase = 'running';
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
    try {
      this.db
        .transaction(() => {
          for (const name of options.rebuild ?? []) this.dropEverything(name);
          for (const entry of this.entries.values()) this.prepare(entry);
        })
        .immediate();
      const byPosition = new Map<number, Entry[]>();
      for (const entry of this.entries.values()) {
        for (const type of entry.handles) {
          if (!this.catalogue.has(type)) {
            this.log.warn({ projection: entry.name, eventType: type }, `projection ${entry.name} handles ${type}, unknown to the catalogue`);
          }
        }
        if (entry.failure) continue;
        const group = byPosition.get(entry.position) ?? [];
        group.push(entry);
        byPosition.set(entry.position, group);
      }
      for (const [position, entries] of byPosition) this.openLane(position, entries);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Stops the lanes (the batch in hand is applied first), settles the waiters, releases the lease. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const wasRunning = this.phase === 'running';
      this.phase = 'stopped';
      if (this.heartbeat) clearInterval(this.heartbeat);
      const lanes = [...this.lanes];
      for (const lane of lanes) lane.stopped = true;
      await Promise.all(lanes.flatMap((lane) => [lane.readAhead?.stop(), lane.subscription?.stop()]));
      await Promise.all(lanes.map((lane) => lane.done));
      this.settleWaiters();
      if (wasRunning && this.db.open) {
        this.db.prepare('DELETE FROM _projection_runner WHERE owner = ?').run(this.owner);
      }
      await this.releaseCheckpoints();
    })();
    return this.stopping;
  }

  // --- what readers and commands ask -------------------------------------------------------------

  /** Events received from the log by all lanes since start (for progress figures). */
  get eventsRead(): number {
    return this.read;
  }

  /** Each projection's state and position, without asking the store. */
  snapshot(): ProjectionSnapshot[] {
    return [...this.entries.values()].map((entry) => ({
      name: entry.name,
      version: entry.version,
      servingVersion: entry.servingVersion,
      state: this.stateOf(entry),
      position: entry.position,
      error: entry.failure,
    }));
  }

  /** The snapshot with the log's head and each projection's lag. */
  async status(): Promise<ProjectionStatus[]> {
    const snapshot = this.snapshot().map((item) => ({ item, positionAt: this.entries.get(item.name)!.positionAt }));
    const head = await this.store.headPosition();
    const headAt = head > 0 ? await this.recordedAt(head - 1) : null;
    let firstAt: number | null | undefined;
    const counts = new Map<number, number>();
    const result: ProjectionStatus[] = [];
    for (const { item, positionAt } of snapshot) {
      let lagEvents = Math.max(0, head - item.position);
      let lagEventsExact = true;
      if (this.store.kind !== 'sqlite' && item.position < head) {
        let count = counts.get(item.position);
        if (count === undefined) {
          count = 0;
          for await (const _ of this.store.readAll({ after: item.position, maxCount: LAG_COUNT_LIMIT })) count++;
          counts.set(item.position, count);
        }
        lagEvents = count;
        lagEventsExact = count < LAG_COUNT_LIMIT;
      }
      let lagSeconds: number | null = null;
      if (headAt !== null) {
        if (item.position >= head) lagSeconds = 0;
        else {
          let from = positionAt;
          if (from === null) from = firstAt === undefined ? (firstAt = await this.recordedAt(0)) : firstAt;
          lagSeconds = from === null ? null : Math.max(0, (headAt - from) / 1000);
        }
      }
      result.push({ ...item, head, lagEvents, lagEventsExact, lagSeconds });
    }
    return result;
  }

  /**
   * Read-your-writes: resolves true once the named projections (default: all) have handled the
   * event at `position`, false after `timeoutMs`, or at once when one of them has failed or the
   * runner is stopped (it would not get there).
   */
  waitFor(position: number, names?: readonly string[], timeoutMs = 2000): Promise<boolean> {
    const entries = this.select(names);
    return this.until(() => {
      if (entries.every((entry) => entry.position >= position)) return true;
      if (this.phase !== 'running' || entries.some((entry) => entry.failure)) return false;
      return undefined;
    }, timeoutMs);
  }

  /** Resolves once each named projection (default: all) is live or failed, or the runner stops. */
  async whenCaughtUp(names?: readonly string[]): Promise<void> {
    const entries = this.select(names);
    await this.until(() => {
      if (this.phase !== 'running') return false;
      return entries.every((entry) => entry.failure || this.stateOf(entry) === 'live') ? true : undefined;
    });
  }

  // --- lanes -------------------------------------------------------------------------------------

  private openLane(position: number, entries: Entry[]): void {
    const lane: Lane = {
      entries,
      cursor: position,
      buffer: [],
      readAhead: undefined,
      subscription: undefined,
      subscriptionCaughtUp: false,
      caughtUp: false,
      stopped: false,
      done: Promise.resolve(),
    };
    for (const entry of entries) {
      entry.lane = lane;
      this.log.info(
        { projection: entry.name, version: entry.version, position },
        entry.serving ? 'projection resuming' : 'projection rebuilding into fresh tables',
      );
    }
    this.lanes.add(lane);
    lane.done = this.runLane(lane);
  }

  /** One turn of the event loop: resolves when the loop gets past pending I/O (one timer per turn). */
  private nextTurn(): Promise<typeof IDLE> {
    return (this.idleTick ??= new Promise((resolve) =>
      setImmediate(() => {
        this.idleTick = undefined;
        resolve(IDLE);
      }),
    ));
  }

  private async runLane(lane: Lane): Promise<void> {
    try {
      const options = this.readAheadOptions;
      if (options) {
        const decision = await readAheadDecision(this.store, lane.cursor, options);
        // On EventStoreDB the lane reads here first, and goes on here unless still behind after that.
        if (decision.start === 'after' && (await this.follow(lane, this.subscribe(lane), decision.events)) === 'ended') return;
        if (decision.start !== 'never') await this.readAhead(lane, options);
      }
      if (lane.stopped) {
        this.flush(lane, false);
        return;
      }
      await this.follow(lane, this.subscribe(lane));
    } catch (error) {
      lane.buffer = [];
      for (const entry of lane.entries) {
        if (entry.failure) continue;
        this.fail(entry, failureOf(error), error);
      }
    } finally {
      lane.stopped = true;
      this.lanes.delete(lane);
      await lane.subscription?.stop();
      this.settleWaiters();
    }
  }

  /** The catch-up through a worker thread: its pages, each applied as a batch. */
  private async readAhead(lane: Lane, options: ReadAheadOptions): Promise<void> {
    if (lane.stopped) return;
    const handles = new Set(lane.entries.flatMap((entry) => [...entry.handles]));
    const source = (lane.readAhead = new ReadAhead(this.store, lane.cursor, handles, this.batchSize, options, this.log));
    try {
      for await (const page of source.pages()) {
        lane.buffer = lane.buffer.length === 0 ? page : lane.buffer.concat(page);
        lane.cursor = page[page.length - 1]!.position;
        this.read += page.length;
        // A page that cannot be written (a full disk) is tried again before the next one is taken:
        // the worker waits meanwhile, and the pages do not pile up here.
        while (lane.buffer.length >= this.batchSize && !lane.stopped) {
          if (this.flush(lane, false)) await yieldTurn();
          else await sleep(ENVIRONMENT_RETRY_MS);
        }
        if (lane.stopped) break;
      }
    } finally {
      lane.readAhead = undefined;
      await source.stop();
    }
  }

  private subscribe(lane: Lane): Subscription {
    return (lane.subscription = this.store.subscribeToAll(lane.cursor > 0 ? { after: lane.cursor } : {}));
  }

  /**
   * Follows the lane's subscription: batches while replaying, one per append when live. With
   * `handOverAfter`, a lane that has read that many events and is still catching up writes what it
   * holds, stops its subscription and returns 'handed over', for a worker to read the rest ahead.
   */
  private async follow(lane: Lane, subscription: Subscription, handOverAfter = Infinity): Promise<'ended' | 'handed over'> {
    let taken = 0;
    const iterator = subscription[Symbol.asyncIterator]();
    let handedOver = false;
    const caughtUpSignal = subscription.caughtUp.then((): typeof CAUGHT_UP => {
      // Not for a subscription handed over: its lane goes on from a worker, then another one.
      if (!handedOver) lane.subscriptionCaughtUp = true;
      return CAUGHT_UP;
    });
    caughtUpSignal.catch(() => {}); // a failed replay also ends the iteration, which reports it
    let next: Promise<IteratorResult<RecordedEvent>> | undefined;
    while (!lane.stopped) {
      next ??= iterator.next();
      let result: IteratorResult<RecordedEvent>;
      if (lane.buffer.length > 0 || (lane.subscriptionCaughtUp && !lane.caughtUp)) {
        const first = await Promise.race([next, this.nextTurn()]);
        if (first === IDLE) {
          // The subscription has nothing more for now: apply what we hold.
          if (!this.flush(lane, true)) await sleep(ENVIRONMENT_RETRY_MS);
          continue;
        }
        result = first;
      } else if (!lane.subscriptionCaughtUp) {
        const first = await Promise.race([next, caughtUpSignal]);
        if (first === CAUGHT_UP) continue;
        result = first;
      } else {
        result = await next;
      }
      next = undefined;
      if (result.done) break;
      lane.buffer.push(result.value);
      lane.cursor = result.value.position;
      this.read++;
      const handOver = ++taken >= handOverAfter && !lane.subscriptionCaughtUp;
      if (lane.buffer.length >= this.batchSize || handOver) {
        // A batch that cannot be written (a full disk) is tried again before another event is
        // taken: the log stays where it is meanwhile, and the events do not pile up here.
        while (!this.flush(lane, false) && !lane.stopped) await sleep(ENVIRONMENT_RETRY_MS);
        if (handOver && !lane.stopped) {
          handedOver = true;
          await subscription.stop();
          return 'handed over';
        }
        await yieldTurn();
      }
    }
    this.flush(lane, false);
    return 'ended';
  }

  /**
   * Applies the lane's buffer in one transaction; when idle after the replay, swaps and merges.
   * False when the read-model database could not be written (a full disk, an I/O error): nothing
   * of the batch was kept, it stays in the buffer, and the caller tries again after a pause.
   */
  private flush(lane: Lane, idle: boolean): boolean {
    if (lane.buffer.length > 0) {
      const batch = lane.buffer;
      lane.buffer = [];
      try {
        this.applyBatch(lane, batch);
      } catch (error) {
        if (!isEnvironmentFailure(error)) throw error;
        lane.buffer = batch.concat(lane.buffer);
        this.log.warn({ err: error, events: batch.length }, 'read models not written (the disk is full or failing); trying again');
        return false;
      }
    }
    if (idle && lane.subscriptionCaughtUp && !lane.caughtUp) {
      lane.caughtUp = true;
      for (const entry of lane.entries) {
        if (!entry.failure) this.log.info({ projection: entry.name, version: entry.version, position: entry.position }, 'projection caught up');
      }
    }
    if (lane.caughtUp) {
      for (const entry of lane.entries) if (!entry.serving && !entry.failure) this.swapIn(entry);
      this.merge(lane);
    }
    if (lane.entries.length > 0 && lane.entries.every((entry) => entry.failure)) lane.stopped = true;
    this.settleWaiters();
    return true;
  }

  /** Moves a caught-up lane's projections into another caught-up lane that is not ahead of it. */
  private merge(lane: Lane): void {
    for (const other of this.lanes) {
      if (other === lane || other.stopped || !other.caughtUp || other.cursor > lane.cursor) continue;
      // Every projection of `lane` is at lane.cursor (or failed, then skipped); `other` delivers
      // only events after other.cursor <= lane.cursor, and its projections skip what they have.
      for (const entry of lane.entries) {
        entry.lane = other;
        other.entries.push(entry);
      }
      lane.entries = [];
      lane.stopped = true;
      void lane.subscription?.stop();
      return;
    }
  }

  // --- applying ----------------------------------------------------------------------------------

  /**
   * Applies a batch to the lane's projections in one transaction. First all of them at once, with
   * one checkpoint write: live, a batch is an append or two, and a savepoint and a checkpoint
   * statement per projection (twenty of them) cost more than the few rows the batch writes. If
   * a projection throws, that transaction is rolled back and the batch is applied again one
   * projection at a time, each in a savepoint (applyTo), so only the failing one stops.
   */
  private applyBatch(lane: Lane, batch: RecordedEvent[]): void {
    const decoded: Array<DecodedEvent | Error | undefined> = new Array(batch.length);
    let outcomes: Outcome[];
    try {
      outcomes = this.db.transaction(() => {
        const all = lane.entries.filter((entry) => !entry.failure).map((entry) => this.advance(entry, batch, decoded, batch.length));
        this.writeCheckpoints(all);
        return all;
      })();
    } catch (error) {
      if (isEnvironmentFailure(error)) throw error;
      outcomes = [];
      this.db.transaction(() => {
        for (const entry of lane.entries) {
          if (!entry.failure) outcomes.push(this.applyTo(entry, batch, decoded));
        }
      })();
    }
    for (const outcome of outcomes) {
      outcome.entry.position = outcome.position;
      outcome.entry.positionAt = outcome.positionAt;
      if (outcome.failure) this.fail(outcome.entry, outcome.failure, outcome.error);
    }
  }

  /**
   * Applies batch[0, end) to one projection, skipping what it already has; where it got to.
   * `at.index` is the event being applied while `apply` runs, -1 otherwise.
   */
  private advance(entry: Entry, batch: RecordedEvent[], decoded: Array<DecodedEvent | Error | undefined>, end: number, at = { index: -1 }): Outcome {
    let position = entry.position;
    let positionAt = entry.positionAt;
    for (let i = 0; i < end; i++) {
      const event = batch[i]!;
      if (event.position <= entry.position) continue;
      if (entry.handles.has(event.type) && this.catalogue.has(event.type)) {
        at.index = i;
        const returned: unknown = entry.def.apply(this.db, this.decodedAt(batch, decoded, i), entry.t);
        if (returned !== undefined && typeof (returned as PromiseLike<unknown> | null)?.then === 'function') {
          throw new Error('apply returned a promise: it must be synchronous (it runs inside a transaction)');
        }
      }
      position = event.position;
      positionAt = event.created.getTime();
    }
    at.index = -1;
    return { entry, position, positionAt };
  }

  /** One projection's share of a batch, in a savepoint; on a failure, keeps the events before it. */
  private applyTo(entry: Entry, batch: RecordedEvent[], decoded: Array<DecodedEvent | Error | undefined>): Outcome {
    const at = { index: -1 };
    const run = (end: number): Outcome => {
      const outcome = this.advance(entry, batch, decoded, end, at);
      this.writeCheckpoints([outcome]);
      return outcome;
    };
    try {
      return this.db.transaction(run)(batch.length);
    } catch (error) {
      if (at.index < 0 || !this.db.inTransaction) throw error;
      const index = at.index;
      const event = batch[index]!;
      let reached: Outcome = { entry, position: entry.position, positionAt: entry.positionAt };
      try {
        reached = this.db.transaction(run)(index);
      } catch {
        // Not deterministic: it failed earlier the second time; it stays at its last checkpoint.
      }
      const failure = failureOf(error, event);
      // Not the projection's fault: the whole batch is rolled back and tried again (see flush).
      if (isEnvironmentFailure(error)) throw error;
      this.db
        .prepare('UPDATE _projections SET error = ?, updated_at = ? WHERE name = ? AND version = ?')
        .run(JSON.stringify(failure), Date.now(), entry.name, entry.version);
      return { ...reached, failure, error };
    }
  }

  private decodedAt(batch: RecordedEvent[], decoded: Array<DecodedEvent | Error | undefined>, i: number): DecodedEvent {
    let event = decoded[i];
    if (event === undefined) {
      const recorded: PredecodedEvent = batch[i]!;
      const predecoded = recorded[PREDECODED];
      if (predecoded === true) event = recorded as DecodedEvent;
      else if (predecoded !== undefined) event = predecoded;
      else {
        try {
          event = this.catalogue.decode(recorded);
        } catch (error) {
          event = error instanceof Error ? error : new Error(String(error));
        }
      }
      decoded[i] = event;
    }
    if (event instanceof Error) throw event;
    return event;
  }

  private checkpointStatement: Database.Statement<[number, number | null, number, string]> | undefined;

  /** Moves the checkpoints of the projections that moved, one statement for those at one position. */
  private writeCheckpoints(outcomes: Outcome[]): void {
    const byPosition = new Map<number, Outcome[]>();
    for (const outcome of outcomes) {
      if (outcome.position === outcome.entry.position) continue;
      const group = byPosition.get(outcome.position);
      if (group) group.push(outcome);
      else byPosition.set(outcome.position, [outcome]);
    }
    if (byPosition.size === 0) return;
    this.checkpointStatement ??= this.db.prepare(
      `UPDATE _projections SET position = ?, position_at = ?, updated_at = ?
        WHERE (name, version) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))`,
    );
    const now = Date.now();
    for (const [position, group] of byPosition) {
      const keys = group.map(({ entry }) => [entry.name, entry.version]);
      this.checkpointStatement.run(position, group[0]!.positionAt, now, JSON.stringify(keys));
    }
  }

  private fail(entry: Entry, failure: ProjectionFailure, error: unknown): void {
    entry.failure = failure;
    this.log.error(
      {
        projection: entry.name,
        version: entry.version,
        position: entry.position,
        eventPosition: failure.eventPosition,
        eventId: failure.eventId,
        eventType: failure.eventType,
        stream: failure.stream,
        err: error,
      },
      `projection ${entry.name} v${entry.version} failed${failure.eventPosition === null ? '' : ` at event ${failure.eventPosition}`}: ${failure.message}`,
    );
  }

  // --- tables, views, checkpoints ----------------------------------------------------------------

  private ensureSchema(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS _projections (
        name        TEXT    NOT NULL,
        version     INTEGER NOT NULL,
        tables      TEXT    NOT NULL,
        serving     INTEGER NOT NULL DEFAULT 0,
        position    INTEGER NOT NULL DEFAULT 0,
        position_at INTEGER,
        error       TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        PRIMARY KEY (name, version)
      );
      CREATE TABLE IF NOT EXISTS _projection_runner (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        owner        TEXT    NOT NULL,
        pid          INTEGER NOT NULL,
        host         TEXT    NOT NULL,
        started_at   INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL
      );
    `);
  }

  private acquireLease(): void {
    const host = hostname();
    this.db
      .transaction(() => {
        const held = this.db.prepare<[], LeaseRow>('SELECT * FROM _projection_runner WHERE id = 1').get();
        if (held && held.owner !== this.owner) {
          const alive =
            held.host === host
              ? held.pid !== process.pid && pidAlive(held.pid)
              : Date.now() - held.heartbeat_at < LEASE_STALE_MS;
          if (alive) throw new RunnerBusyError({ pid: held.pid, host: held.host, since: new Date(held.started_at) });
        }
        const now = Date.now();
        this.db
          .prepare('INSERT OR REPLACE INTO _projection_runner (id, owner, pid, host, started_at, heartbeat_at) VALUES (1, ?, ?, ?, ?, ?)')
          .run(this.owner, process.pid, host, now, now);
      })
      .immediate();
  }

  private beat(): void {
    try {
      this.db.prepare('UPDATE _projection_runner SET heartbeat_at = ? WHERE owner = ?').run(Date.now(), this.owner);
    } catch (error) {
      this.log.warn({ err: error }, 'projection runner heartbeat failed');
    }
  }

  private rowsOf(name: string): Array<CheckpointRow & { tableList: string[] }> {
    return this.db
      .prepare<[string], CheckpointRow>('SELECT * FROM _projections WHERE name = ? ORDER BY version')
      .all(name)
      .map((row) => ({ ...row, tableList: JSON.parse(row.tables) as string[] }));
  }

  /** Sets a projection up for this run: its version's row and tables, and cleanup of the others. */
  private prepare(entry: Entry): void {
    let rows = this.rowsOf(entry.name);
    for (const row of rows) {
      // An abandoned rebuild, or a version retired by a swap whose cleanup did not run.
      if (row.version !== entry.version && !row.serving) this.dropVersion(entry.name, row.version, row.tableList);
    }
    rows = rows.filter((row) => row.version === entry.version || row.serving);
    const serving = rows.find((row) => row.serving);
    const current = rows.find((row) => row.version === entry.version);
    const tables = JSON.stringify([...entry.def.tables].sort());
    entry.failure = null;
    if (current) {
      this.db.prepare('UPDATE _projections SET error = NULL WHERE name = ? AND version = ?').run(entry.name, entry.version);
      entry.position = current.position;
      entry.positionAt = current.position_at;
      entry.serving = current.serving === 1;
      entry.servingVersion = serving?.version ?? null;
      if (JSON.stringify([...current.tableList].sort()) !== tables) {
        this.fail(
          entry,
          failureOf(
            new Error(
              `its tables changed from ${current.tableList.join(', ')} to ${entry.def.tables.join(', ')} ` +
                `without a version change; raise its version to rebuild it`,
            ),
          ),
          undefined,
        );
      }
      return;
    }
    const servesNow = !serving;
    try {
      this.db.transaction(() => {
        const now = Date.now();
        this.db
          .prepare(
            'INSERT INTO _projections (name, version, tables, serving, position, created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?)',
          )
          .run(entry.name, entry.version, tables, servesNow ? 1 : 0, now, now);
        for (const physical of entry.physical.values()) this.db.exec(`DROP TABLE IF EXISTS ${quote(physical)}`);
        entry.def.setup(this.db, entry.t);
        if (servesNow) this.pointViews(entry, []);
      })();
    } catch (error) {
      entry.servingVersion = serving?.version ?? null;
      this.fail(entry, failureOf(new Error(`setup failed: ${messageOf(error)}`)), error);
      return;
    }
    entry.position = 0;
    entry.positionAt = null;
    entry.serving = servesNow;
    entry.servingVersion = servesNow ? entry.version : serving!.version;
  }

  /** Re-points the logical views at `entry`'s tables, dropping the views of `oldTables` it no longer has. */
  private pointViews(entry: Entry, oldTables: readonly string[]): void {
    for (const table of oldTables) {
      if (!entry.physical.has(table)) this.db.exec(`DROP VIEW IF EXISTS ${quote(table)}`);
    }
    for (const [logical, physical] of entry.physical) {
      this.db.exec(`DROP VIEW IF EXISTS ${quote(logical)}; CREATE VIEW ${quote(logical)} AS SELECT * FROM ${quote(physical)}`);
    }
  }

  private swapIn(entry: Entry): void {
    const old = this.rowsOf(entry.name).filter((row) => row.version !== entry.version);
    this.db.transaction(() => {
      for (const row of old) if (row.serving) this.pointViews(entry, row.tableList);
      if (!old.some((row) => row.serving)) this.pointViews(entry, []);
      this.db.prepare('UPDATE _projections SET serving = (version = ?) WHERE name = ?').run(entry.version, entry.name);
    })();
    entry.serving = true;
    entry.servingVersion = entry.version;
    this.log.info(
      { projection: entry.name, version: entry.version, position: entry.position, replaced: old.map((row) => row.version) },
      'projection rebuilt and swapped in',
    );
    // The old tables go in a transaction of their own; if the process stops before, `prepare`
    // drops them at the next start.
    this.db.transaction(() => {
      for (const row of old) this.dropVersion(entry.name, row.version, row.tableList);
    })();
  }

  private dropVersion(name: string, version: number, tables: readonly string[]): void {
    for (const table of tables) this.db.exec(`DROP TABLE IF EXISTS ${quote(physicalName(table, version))}`);
    this.db.prepare('DELETE FROM _projections WHERE name = ? AND version = ?').run(name, version);
  }

  /** For a rebuild from scratch: every version's tables, the views and the checkpoints. */
  private dropEverything(name: string): void {
    const entry = this.entryOf(name);
    for (const row of this.rowsOf(name)) {
      if (row.serving) for (const table of row.tableList) this.db.exec(`DROP VIEW IF EXISTS ${quote(table)}`);
      this.dropVersion(name, row.version, row.tableList);
    }
    for (const logical of entry.physical.keys()) {
      const kind = this.db.prepare<[string], { type: string }>('SELECT type FROM sqlite_master WHERE name = ?').get(logical);
      if (kind?.type === 'view') this.db.exec(`DROP VIEW ${quote(logical)}`);
    }
    this.log.info({ projection: name }, 'projection dropped for a rebuild from scratch');
  }

  // --- helpers -----------------------------------------------------------------------------------

  private entryOf(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`no projection named ${name} (known: ${[...this.entries.keys()].join(', ') || 'none'})`);
    return entry;
  }

  private select(names?: readonly string[]): Entry[] {
    return names ? names.map((name) => this.entryOf(name)) : [...this.entries.values()];
  }

  private stateOf(entry: Entry): ProjectionState {
    if (entry.failure) return 'failed';
    if (this.phase !== 'running' || !entry.lane) return 'stopped';
    if (!entry.serving) return 'rebuilding';
    return entry.lane.caughtUp ? 'live' : 'catching_up';
  }

  private until(check: () => boolean | undefined, timeoutMs?: number): Promise<boolean> {
    return this.waiters.until(check, timeoutMs);
  }

  private settleWaiters(): void {
    this.waiters.settle(this.phase === 'running');
    this.onProgress();
  }

  /** When the store recorded the first event after `after` (ms), null when there is none. */
  private async recordedAt(after: number): Promise<number | null> {
    for await (const event of this.store.readAll({ after, maxCount: 1 })) return event.created.getTime();
    return null;
  }
}
