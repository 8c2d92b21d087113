// Where a reactor learns which of its units of work are this server's to do.
//
// Catch-up (the embedded store, one server): every unit the log gives rise to is done here; no
// source is needed, the reactor runs its work list itself.
//
// Persistent (EventStoreDB, several servers): every server still follows the whole log, so each
// reactor's state and work list are complete everywhere (server/reactors/followLog.ts), but a unit
// caused by an event is done only by the server the event is handed to through the reactor's
// persistent subscription group (one group per reactor, `backoffice-reactor-<name>-<hash of its
// event types>`, created at start if missing). That server waits until its own following has
// reached the event, does the units the event caused and that the log does not show done yet, and
// acknowledges the event only after their appends are committed. A failure that may pass (store
// unavailable, repeated conflicts) waits a back-off and answers `retry`: the event goes to a server
// again, to be parked after `maxRetryCount` retries (a poison event, logged; replayParked on the
// group brings it back). A server that stops or dies before it acknowledged leaves the event to the
// others. Units with no cause (a timer's: order expiry, reminders) are not shared: each server does
// them, and the event store lets only one succeed (their streams' expected revisions and claims).
import { createHash } from 'node:crypto';
import type { CompetingConsumers, ConsumerSession, Delivery, RecordedEvent } from '../../events/port';

/** The reactors' log (ReactorLog, declared here too so that reactor.ts and this file do not import each other). */
interface ReactorLog {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type WorkMode = 'catch-up' | 'persistent';

/** What a reactor says after handling a delivered event. */
export type Outcome = 'done' | 'retry' | 'leave';

/** The reactor's side of a persistent subscription. */
export interface SharedWork {
  readonly name: string;
  /** The event types that can cause its units (its group's filter). */
  eventTypes(): readonly string[];
  /** Units of work side by side at most: the consumer's buffer. */
  readonly maxSideBySide: number;
  /** Does the units `event` caused; 'leave' when stopping (the event goes to another server). */
  actOn(event: RecordedEvent, retryCount: number): Promise<Outcome>;
}

export interface CompetingSettings {
  /** Retries of an event before it is parked (EventStoreDB's default is 10). */
  maxRetryCount: number;
  /** An event not acknowledged within this time goes to another server. */
  messageTimeoutMs: number;
  /** Back-off before a `retry`: first delay, doubled per retry, at most maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const defaultCompetingSettings: CompetingSettings = {
  maxRetryCount: 10,
  messageTimeoutMs: 60_000,
  firstDelayMs: 1_000,
  maxDelayMs: 20_000,
};

/** The group of a reactor: a new set of event types is a new group (a group's filter cannot change). */
export function groupName(work: Pick<SharedWork, 'name' | 'eventTypes'>): string {
  const types = [...work.eventTypes()].sort().join(',');
  return `backoffice-reactor-${work.name}-${createHash('sha256').update(types).digest('hex').slice(0, 8)}`;
}

export class CompetingConsumer {
  private session: ConsumerSession | undefined;
  private readonly handling = new Set<Promise<void>>();
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly consumers: CompetingConsumers,
    private readonly work: SharedWork,
    private readonly settings: CompetingSettings,
    private readonly log?: ReactorLog,
  ) {}

  get connected(): boolean {
    return this.session?.connected ?? false;
  }

  /** Deliveries being handled now. */
  get inFlight(): number {
    return this.handling.size;
  }

  /** Events its group has parked (they failed on every retry); null while the store cannot say (or the group is not made yet). */
  async parked(): Promise<number | null> {
    try {
      return await this.consumers.parkedCount(groupName(this.work));
    } catch {
      return null;
    }
  }

  /** Hands the group's parked events out again (to any server), each with a fresh count of retries. */
  replayParked(): Promise<void> {
    return this.consumers.replayParked(groupName(this.work));
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Finishes the deliveries in hand (acknowledged), then leaves the group. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.wakers]) wake();
    await Promise.allSettled([...this.handling]);
    await this.session?.stop();
    await this.loop;
  }

  private async run(): Promise<void> {
    const group = groupName(this.work);
    // The group first, tried again while the store cannot be reached.
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.consumers.ensureGroup(group, {
          eventTypes: this.work.eventTypes(),
          maxRetryCount: this.settings.maxRetryCount,
          messageTimeoutMs: this.settings.messageTimeoutMs,
        });
        break;
      } catch (error) {
        this.log?.warn({ err: error, reactor: this.work.name, group }, 'persistent subscription group not created; will try again');
        await this.pause(Math.min(this.settings.firstDelayMs * 2 ** attempt, this.settings.maxDelayMs));
      }
    }
    if (this.stopped) return;
    this.session = this.consumers.join(group, { bufferSize: Math.max(1, this.work.maxSideBySide) });
    try {
      for await (const delivery of this.session) {
        if (this.stopped) break;
        const handled: Promise<void> = this.handle(delivery).finally(() => this.handling.delete(handled));
        this.handling.add(handled);
      }
    } catch (error) {
      if (!this.stopped) this.log?.error({ err: error, reactor: this.work.name }, 'persistent subscription ended');
    }
  }

  private async handle(delivery: Delivery): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await this.work.actOn(delivery.event, delivery.retryCount);
    } catch (error) {
      this.log?.error({ err: error, reactor: this.work.name, event: delivery.event.id }, 'event not handled');
      outcome = 'retry';
    }
    if (outcome === 'done') return delivery.ack();
    if (outcome === 'leave') return;
    if (delivery.retryCount >= this.settings.maxRetryCount) {
      this.log?.error(
        { reactor: this.work.name, event: delivery.event.id, type: delivery.event.type, retries: delivery.retryCount },
        'event failed on every retry: parked (an admin hands it out again from the dashboard once the cause is fixed)',
      );
    }
    await this.pause(Math.min(this.settings.firstDelayMs * 2 ** delivery.retryCount, this.settings.maxDelayMs));
    await delivery.nack('retry', 'the work failed; it may pass');
  }

  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const wakers = this.wakers;
      function done() {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      }
      wakers.add(done);
    });
  }
}
