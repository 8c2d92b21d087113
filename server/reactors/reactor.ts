// The common shape of the process managers: follow the log, keep in memory the work the log says
// is still to do (a key per unit of work, added by the event that causes it and removed by the
// event that shows it done), and do it once the replay has caught up: one unit at a time, or up to
// `concurrency` side by side. Every unit is idempotent, so a crash at any point and a restart
// (which finds the same work list, from its checkpoint and the log after it) does it exactly once
// in effect.
//
// A unit is a task, plain JSON, that `perform` carries out: the work list is saved as it is in the
// reactor's checkpoint (server/reactors/checkpoints.ts), so a start does not replay the log.
//
// A unit that fails with a domain refusal is dropped (logged); any other failure (store
// unavailable, repeated write conflicts) is retried with back-off.
//
// With several servers on one EventStoreDB (`shareWork`, server/reactors/competing.ts) each unit
// keeps the id of the event that caused it, and the units caused by an event are done only on the
// server its persistent subscription hands the event to (`actOn`); units without a cause (a
// timer's) are done here as before. What the reactors observe and do is the same in both modes.
import type { CommandContext, DecodedEvent } from '../../events/eventCatalogue';
import { SYSTEM_ACTOR } from '../../events/eventCatalogue';
import type { DomainEvent } from '../../events/index';
import type { RecordedEvent } from '../../events/port';
import type { Checkpoint } from './checkpoints';
import { DomainError } from '../../domain/shared/errors';
import type { SalesDeps } from '../features/deps';
import { followLog, type CheckpointedFollower, type Following } from './followLog';
import { CompetingConsumer, type CompetingSettings, type Outcome, type SharedWork, type WorkMode } from './competing';
import type { CompetingConsumers } from '../../events/port';
import { uuidv7 } from '../../events/uuid';

export interface ReactorLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ReactorDeps extends SalesDeps {
  log?: ReactorLog | undefined;
  /** Back-off after a failed unit: first delay, doubled up to the maximum (ms). */
  retry?: { firstDelayMs?: number; maxDelayMs?: number } | undefined;
  /**
   * True while requests are being answered: background work then runs one unit at a time, so
   * that it takes little of the event loop from them, and goes side by side again when they stop.
   */
  busy?: (() => boolean) | undefined;
}

type Distributed<E> = E extends { type: string; data: unknown } ? DecodedEvent<E> : never;
/** A decoded event of the log, discriminated by its type. */
export type Decoded = Distributed<DomainEvent>;

interface Unit<T> {
  task: T;
  failures: number;
  notBefore: number;
  /** Id of the event whose observation scheduled it; none for a timer's unit. */
  cause?: string | undefined;
}

/** What a reactor's checkpoint holds: its work list (with each unit's cause), and whatever else `observe` keeps. */
interface ReactorSnapshot<T> {
  units: Array<[string, T] | [string, T, string]>;
  extra: unknown;
}

/** How a reactor stands, for /health and /metrics. */
export interface ReactorStatus {
  name: string;
  /** catch-up: this server does all of the reactor's work; persistent: the work is shared through a persistent subscription. */
  mode: WorkMode;
  /** It has caught up with the log and works. */
  live: boolean;
  /** Position of the last event it has taken in. */
  position: number;
  /** Log positions between the head and `position` (EventStoreDB: bytes of the log; the embedded store: events); 0 when caught up. */
  lag: number;
  /** Units of work it knows of and the log does not show done (on every server, whoever does them). */
  backlog: number;
  /** Units of work running on this server now. */
  inFlight: number;
  /** Following the log (catch-up) and, in persistent mode, joined to its group. */
  connected: boolean;
  /**
   * Persistent mode: events its group has parked after they failed on every retry (kept aside
   * until replayed), null when the store cannot say now. Catch-up mode: null (nothing is parked).
   */
  parked: number | null;
}

export abstract class Reactor<T = unknown> implements CheckpointedFollower, SharedWork {
  abstract readonly name: string;
  /** Raise it when the shape of the tasks or of `extraState` changes: older checkpoints are then ignored. */
  readonly checkpointVersion: number = 1;
  private following?: Following;
  private readonly units = new Map<string, Unit<T>>();
  /** Units run side by side at most (one while `deps.busy()`); each unit is one key, never run twice at once. */
  protected readonly concurrency: number = 1;
  /**
   * Units one worker takes together, at most: as many as are due, up to this, handed to
   * `performBatch`. For a reactor whose units share their appends (one commit for the lot), so
   * that its pace follows its backlog, also while requests keep it to one worker. Default 1.
   */
  protected readonly batchSize: number = 1;
  /** The workers running units (at most `concurrency`), and the keys of the units they run. */
  private readonly workers = new Set<Promise<void>>();
  private readonly inFlight = new Set<string>();
  private timer?: NodeJS.Timeout;
  private observed = 0;
  protected live = false;
  private stopped = false;
  private failure?: unknown;
  /** The event being observed, so that `schedule` notes it as the cause. */
  private observing: RecordedEvent | undefined;
  private competing: CompetingConsumer | undefined;
  /** Persistent mode: deliveries waiting for the following to reach their event. */
  private readonly reachWaiters = new Set<{ position: number; wake(): void }>();
  /** Persistent mode: deliveries being handled. */
  private readonly acting = new Set<Promise<Outcome>>();

  constructor(protected readonly deps: ReactorDeps) {}

  /** The event types `observe` looks at; the others are not decoded. */
  protected abstract readonly observes: ReadonlySet<Decoded['type']>;

  /** Updates the work list from one event of the log (replayed or live). Must not do I/O. */
  protected abstract observe(event: Decoded): void;

  /** Carries out one unit of work; idempotent. */
  protected abstract perform(task: T): Promise<void>;

  /**
   * Carries out several units together (with `batchSize` above 1); each succeeds or fails alone:
   * the answer holds, per task and in order, undefined when it was done or what it failed with.
   */
  protected async performBatch(tasks: T[]): Promise<unknown[]> {
    const settled = await Promise.allSettled(tasks.map((task) => this.perform(task)));
    return settled.map((s) => (s.status === 'fulfilled' ? undefined : (s.reason ?? new Error('unit failed'))));
  }

  /** What `observe` keeps besides the work list, as JSON, for the checkpoint. */
  protected extraState(): unknown {
    return null;
  }

  protected restoreExtraState(_extra: unknown): void {}

  /** Called once when the replay has caught up, before the work starts. */
  protected onLive(): void {}

  /** Follows the log on a subscription of its own (startReactors shares one among them all). */
  start(): void {
    this.following = followLog(this.deps.store, [this]);
  }

  get mode(): WorkMode {
    return this.competing ? 'persistent' : 'catch-up';
  }

  /**
   * Units caused by events are done where the store hands the event (call before the following
   * starts). The server joins the reactor's group once its following has caught up: a server still
   * replaying the log (just started) would hold the events handed to it, the retried ones first
   * (those a killed server held), without being able to act on them yet.
   */
  shareWork(consumers: CompetingConsumers, settings: CompetingSettings): void {
    this.competing = new CompetingConsumer(consumers, this, settings, this.deps.log);
    if (this.live) this.competing.start();
  }

  eventTypes(): readonly string[] {
    return [...this.observes];
  }

  get maxSideBySide(): number {
    return this.concurrency;
  }

  async status(head: number): Promise<ReactorStatus> {
    return {
      name: this.name,
      mode: this.mode,
      live: this.live,
      position: this.observed,
      lag: Math.max(0, head - this.observed),
      backlog: this.units.size,
      inFlight: this.inFlight.size,
      connected: this.failure === undefined && !this.stopped && (this.competing ? this.competing.connected : true),
      parked: await this.parked(),
    };
  }

  /** Events its group has parked (persistent mode; null in catch-up mode, or when the store cannot say). */
  parked(): Promise<number | null> {
    return this.competing ? this.competing.parked() : Promise.resolve(null);
  }

  /** Persistent mode: hands the events its group parked out again; false in catch-up mode (nothing is parked). */
  async replayParked(): Promise<boolean> {
    if (!this.competing) return false;
    await this.competing.replayParked();
    return true;
  }

  /**
   * Persistent mode: the store handed this server `event`. Once the following has reached it, does
   * the units it caused that are still to do; 'done' when none is left, 'retry' after a failure
   * that may pass, 'leave' when stopping.
   */
  actOn(event: RecordedEvent, _retryCount: number): Promise<Outcome> {
    const acting = this.act(event);
    this.acting.add(acting);
    void acting.finally(() => this.acting.delete(acting)).catch(() => {});
    return acting;
  }

  private async act(event: RecordedEvent): Promise<Outcome> {
    if (!(await this.reached(event.position))) return 'leave';
    for (;;) {
      const entry = [...this.units].find(([, unit]) => unit.cause === event.id);
      if (!entry) return 'done';
      const [key, unit] = entry;
      if (this.inFlight.has(key)) {
        await new Promise((resolve) => setTimeout(resolve, 5)); // the same unit from a repeated delivery
        continue;
      }
      if (this.stopped) return 'leave';
      this.inFlight.add(key);
      try {
        await this.perform(unit.task);
        if (this.units.get(key) === unit) this.units.delete(key);
      } catch (error) {
        const transient = !(error instanceof DomainError) || error.code === 'concurrent_change';
        if (transient) {
          this.deps.log?.warn({ err: error, reactor: this.name, unit: key }, 'unit failed; its event goes back to the group');
          return 'retry';
        }
        this.deps.log?.error({ err: error, reactor: this.name, unit: key }, 'unit refused; dropped');
        if (this.units.get(key) === unit) this.units.delete(key);
      } finally {
        this.inFlight.delete(key);
      }
    }
  }

  /** Resolves true once the following has taken in `position`; false when stopping. */
  private reached(position: number): Promise<boolean> {
    if (this.observed >= position) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = {
        position,
        wake: () => {
          this.reachWaiters.delete(waiter);
          resolve(!this.stopped);
        },
      };
      this.reachWaiters.add(waiter);
    });
  }

  get position(): number {
    return this.observed;
  }

  snapshot(): ReactorSnapshot<T> {
    return {
      units: [...this.units].map(([key, unit]): [string, T] | [string, T, string] => (unit.cause ? [key, unit.task, unit.cause] : [key, unit.task])),
      extra: this.extraState(),
    };
  }

  restore(checkpoint: Checkpoint): void {
    const saved = checkpoint.state as ReactorSnapshot<T>;
    this.units.clear();
    for (const [key, task, cause] of saved.units) this.units.set(key, { task, failures: 0, notBefore: 0, cause });
    this.restoreExtraState(saved.extra);
    this.observed = checkpoint.position;
  }

  accept(recorded: RecordedEvent): void {
    if (this.observes.has(recorded.type as Decoded['type'])) {
      this.observing = recorded;
      try {
        this.observe(this.deps.catalogue.decode(recorded) as Decoded);
      } finally {
        this.observing = undefined;
      }
    }
    this.observed = recorded.position;
    for (const waiter of [...this.reachWaiters]) if (waiter.position <= this.observed) waiter.wake();
    if (this.live) this.kick();
  }

  caughtUp(): void {
    if (this.stopped) return;
    if (!this.live) this.competing?.start();
    this.live = true;
    this.onLive();
    this.kick();
  }

  failed(error: unknown): void {
    if (this.stopped) return;
    this.failure = error;
    this.deps.log?.error({ err: error, reactor: this.name }, 'reactor stopped following the log');
  }

  /** Stops its own subscription, if it has one; units in progress finish first (and their events are acknowledged). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const waiter of [...this.reachWaiters]) waiter.wake();
    await this.competing?.stop();
    await this.following?.stop();
    await Promise.all(this.workers);
  }

  /**
   * Resolves once the reactor has seen the whole log as it is now and has nothing due (units
   * waiting for a retry after a failure do not count). For tests and orderly shutdown.
   */
  async idle(): Promise<void> {
    for (;;) {
      const head = await this.deps.store.headPosition();
      while (!this.stopped && (!this.live || this.observed < head || this.workers.size > 0 || this.acting.size > 0 || this.hasDueWork())) {
        if (this.failure !== undefined) throw this.failure;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      if (this.stopped || (await this.deps.store.headPosition()) === head) return;
    }
  }

  /** Units still to do (including those waiting for a retry). */
  get backlog(): number {
    return this.units.size;
  }

  /** Adds a unit of work under a key, unless one is there already. */
  protected schedule(key: string, task: T): void {
    if (!this.units.has(key)) this.units.set(key, { task, failures: 0, notBefore: 0, cause: this.observing?.id });
  }

  /** The log shows the unit done. */
  protected done(key: string): void {
    this.units.delete(key);
  }

  /** Metadata for what a unit appends: by the system, caused by the event it reacts to. */
  protected contextFor(cause: Decoded): CommandContext {
    return {
      actor: SYSTEM_ACTOR,
      at: this.deps.clock().toISOString(),
      correlationId: cause.metadata.correlationId ?? uuidv7(),
      causationId: cause.id,
    };
  }

  /** Metadata for what the reactor appends on its own (a timer), not in reaction to an event. */
  protected systemContext(): CommandContext {
    return { actor: SYSTEM_ACTOR, at: this.deps.clock().toISOString(), correlationId: uuidv7(), causationId: null };
  }

  /** Starts workers, up to `concurrency`, while there are due units no one is running. */
  protected kick(): void {
    if (this.stopped || !this.live) return;
    while (this.workers.size < this.sideBySide() && this.nextDue(Date.now())) {
      const worker: Promise<void> = this.work().finally(() => {
        this.workers.delete(worker);
        if (this.workers.size === 0) this.plan();
      });
      this.workers.add(worker);
    }
  }

  /** In persistent mode a unit with a cause is done where its event is delivered, not by the workers. */
  private runsHere(unit: Unit<T>): boolean {
    return !this.competing || unit.cause === undefined;
  }

  private hasDueWork(): boolean {
    const now = Date.now();
    for (const unit of this.units.values()) if (unit.notBefore <= now && this.runsHere(unit)) return true;
    return false;
  }

  private plan(): void {
    clearTimeout(this.timer);
    if (this.stopped || this.units.size === 0) return;
    if (this.hasDueWork()) {
      this.kick();
      return;
    }
    const waiting = [...this.units.values()].filter((u) => this.runsHere(u));
    if (waiting.length === 0) return;
    const next = Math.min(...waiting.map((u) => u.notBefore));
    // plan, not kick: a timer may fire a millisecond before Date.now() reaches `next`, and a kick
    // then finds nothing due and sets no new timer (the unit was left waiting for good).
    this.timer = setTimeout(() => this.plan(), Math.max(1, next - Date.now()));
    this.timer.unref();
  }

  /** The first due unit no one is running (in the order they were scheduled). */
  private nextDue(now: number): [string, Unit<T>] | undefined {
    for (const entry of this.units) {
      if (entry[1].notBefore <= now && !this.inFlight.has(entry[0]) && this.runsHere(entry[1])) return entry;
    }
    return undefined;
  }

  /** Up to `max` due units no one is running and that are this server's to run (in the order they were scheduled). */
  private due(now: number, max: number): Array<[string, Unit<T>]> {
    const found: Array<[string, Unit<T>]> = [];
    for (const entry of this.units) {
      if (found.length === max) break;
      if (entry[1].notBefore <= now && !this.inFlight.has(entry[0]) && this.runsHere(entry[1])) found.push(entry);
    }
    return found;
  }

  private sideBySide(): number {
    return this.deps.busy?.() ? 1 : this.concurrency;
  }

  private async work(): Promise<void> {
    for (;;) {
      // Also ends the workers beyond one when requests come in.
      if (this.stopped || this.workers.size > this.sideBySide()) return;
      const batch = this.due(Date.now(), this.batchSize);
      if (batch.length === 0) return;
      for (const [key] of batch) this.inFlight.add(key);
      queueMicrotask(() => this.kick()); // more workers, if the requests that held them back are gone
      const started = performance.now();
      try {
        const tasks = batch.map(([, unit]) => unit.task);
        const failures =
          this.batchSize === 1 ? [await this.perform(tasks[0]!).then(() => undefined, (error: unknown) => error ?? new Error('unit failed'))] : await this.performBatch(tasks);
        if (this.stopped && failures.some((f) => f !== undefined)) return;
        batch.forEach(([key, unit], i) => this.settle(key, unit, failures[i]));
        // While requests wait, background work takes at most about half of the time.
        if (this.deps.busy?.()) await new Promise((resolve) => setTimeout(resolve, performance.now() - started));
      } finally {
        for (const [key] of batch) this.inFlight.delete(key);
      }
    }
  }

  /** A unit's outcome: done (undefined), refused (dropped) or failed (retried with back-off). */
  private settle(key: string, unit: Unit<T>, error: unknown): void {
    if (error === undefined) {
      if (this.units.get(key) === unit) this.units.delete(key);
      return;
    }
    const transient = !(error instanceof DomainError) || error.code === 'concurrent_change';
    if (!transient) {
      this.deps.log?.error({ err: error, reactor: this.name, unit: key }, 'unit refused; dropped');
      if (this.units.get(key) === unit) this.units.delete(key);
      return;
    }
    unit.failures += 1;
    const first = this.deps.retry?.firstDelayMs ?? 1_000;
    const max = this.deps.retry?.maxDelayMs ?? 60_000;
    unit.notBefore = Date.now() + Math.min(max, first * 2 ** (unit.failures - 1));
    this.deps.log?.warn({ err: error, reactor: this.name, unit: key, failures: unit.failures }, 'unit failed; will retry');
  }
}
