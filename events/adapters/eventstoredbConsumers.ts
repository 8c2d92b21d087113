// Competing consumers on EventStoreDB: the port's CompetingConsumers over persistent subscriptions
// to $all (@eventstore/db-client 6.x).
//
// - A group is created from the start of the log with a server-side filter on the event types
//   (a regex of the exact names), so system events and the types nobody asked for never travel.
//   Creating a group that exists is not an error: every server starts with ensureGroup.
// - The client never resubscribes by itself: join() subscribes again after a back-off when the
//   call ends or fails, until stop(). What was in flight on the dropped call is the server's to
//   deliver again (to anyone); an ack or nack sent on a dead call is lost and changes nothing else.
// - Parked events: their count is the group's GetInfo statistics; a replay puts them all back.
import {
  EVENT_TYPE,
  PersistentSubscriptionExistsError,
  START,
  type EventStoreDBClient,
  type PersistentSubscriptionToAll,
  type PersistentSubscriptionToAllResolvedEvent,
  persistentSubscriptionToAllSettingsFromDefaults,
} from '@eventstore/db-client';
import type { CompetingConsumers, ConsumerSession, Delivery, RecordedEvent } from '../port';

export interface ConsumerDeps {
  client: EventStoreDBClient;
  /** The adapter's conversion of a client event (positions as numbers, the chain link apart). */
  toRecorded(event: NonNullable<PersistentSubscriptionToAllResolvedEvent['event']>): RecordedEvent;
  backoff: { initial: number; max: number };
  /** True once the store is closed: sessions end. */
  closed(): boolean;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function eventStoreDbConsumers(deps: ConsumerDeps): CompetingConsumers & { stopAll(): Promise<void> } {
  const sessions = new Set<PersistentConsumerSession>();
  return {
    async ensureGroup(group, options) {
      if (options.eventTypes.length === 0) throw new Error(`group ${group}: no event types`);
      const settings = persistentSubscriptionToAllSettingsFromDefaults({
        startFrom: START,
        maxRetryCount: options.maxRetryCount,
        messageTimeout: options.messageTimeoutMs,
      });
      const regex = `^(?:${options.eventTypes.map(escapeRegex).join('|')})$`;
      try {
        await deps.client.createPersistentSubscriptionToAll(group, settings, {
          filter: { filterOn: EVENT_TYPE, regex, checkpointInterval: 1 },
        });
      } catch (error) {
        if (!(error instanceof PersistentSubscriptionExistsError)) throw error;
      }
    },
    async parkedCount(group) {
      const info = await deps.client.getPersistentSubscriptionToAllInfo(group);
      return Number(info.stats.parkedMessageCount);
    },
    async replayParked(group) {
      await deps.client.replayParkedMessagesToAll(group);
    },
    join(group, { bufferSize }) {
      const session = new PersistentConsumerSession(deps, group, bufferSize, (s) => sessions.delete(s));
      sessions.add(session);
      return session;
    },
    async stopAll() {
      await Promise.allSettled([...sessions].map((s) => s.stop()));
    },
  };
}

class PersistentConsumerSession implements ConsumerSession {
  private stopped = false;
  private iterated = false;
  private current: PersistentSubscriptionToAll | undefined;
  private wakePause: (() => void) | undefined;
  connected = false;

  constructor(
    private readonly deps: ConsumerDeps,
    private readonly group: string,
    private readonly bufferSize: number,
    private readonly onStop: (session: PersistentConsumerSession) => void,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<Delivery> {
    if (this.iterated) throw new Error('a consumer session can be iterated only once');
    this.iterated = true;
    return this.run();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.onStop(this);
    this.wakePause?.();
    const current = this.current;
    if (current) await current.unsubscribe().catch(() => {});
  }

  private async *run(): AsyncGenerator<Delivery> {
    let attempt = 0;
    try {
      while (!this.stopped && !this.deps.closed()) {
        const subscription = this.deps.client.subscribeToPersistentSubscriptionToAll(this.group, { bufferSize: this.bufferSize });
        subscription.on('error', () => {}); // errors end the iteration below; never an unhandled 'error'
        subscription.once('confirmation', () => {
          this.connected = true;
          attempt = 0;
        });
        this.current = subscription;
        try {
          for await (const resolved of subscription as AsyncIterable<PersistentSubscriptionToAllResolvedEvent>) {
            if (!resolved.event) continue;
            yield this.delivery(subscription, resolved);
            if (this.stopped) return;
          }
        } catch {
          // dropped: subscribe again below
        } finally {
          this.connected = false;
          if (this.current === subscription) this.current = undefined;
          await subscription.unsubscribe().catch(() => {});
        }
        if (this.stopped) return;
        await this.pause(Math.min(this.deps.backoff.initial * 2 ** attempt, this.deps.backoff.max));
        attempt++;
      }
    } finally {
      await this.stop();
    }
  }

  private delivery(subscription: PersistentSubscriptionToAll, resolved: PersistentSubscriptionToAllResolvedEvent): Delivery {
    return {
      event: this.deps.toRecorded(resolved.event!),
      retryCount: resolved.retryCount,
      ack: () => subscription.ack(resolved).catch(() => {}),
      nack: (action, reason) => subscription.nack(action, reason, resolved).catch(() => {}),
    };
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakePause = undefined;
        resolve();
      }
      this.wakePause = done;
    });
  }
}
