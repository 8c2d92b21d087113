// One catch-up subscription shared by several followers of the log (the reactors and the e-mail
// outbox): each event is read and parsed once, at start as live, and handed to each follower in
// turn. A follower's `accept` must not do I/O; it only notes what there is to do.
// At start the followers replay the whole log (about 130,000 events a second in the orders bench),
// and a subscription hands over its events without going back to the event loop: every
// EVENTS_BETWEEN_YIELDS events the replay yields to it, so requests are answered meanwhile.
import type { EventStore, RecordedEvent } from '../../events/port';

export interface LogFollower {
  /** One event of the log, in order, replayed or live. */
  accept(recorded: RecordedEvent): void;
  /** The replay has reached the head the log had when the following began. */
  caughtUp(): void;
  /** The subscription ended with an error: the follower sees nothing more. */
  failed(error: unknown): void;
}

export interface Following {
  stop(): Promise<void>;
}

export const EVENTS_BETWEEN_YIELDS = 1000;

export function followLog(store: EventStore, followers: readonly LogFollower[]): Following {
  const subscription = store.subscribeToAll();
  let stopped = false;
  void subscription.caughtUp.then(() => {
    if (!stopped) for (const follower of followers) follower.caughtUp();
  });
  const following = (async () => {
    let sinceYield = 0;
    for await (const recorded of subscription) {
      for (const follower of followers) follower.accept(recorded);
      if (++sinceYield === EVENTS_BETWEEN_YIELDS) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  })().catch((error: unknown) => {
    if (!stopped) for (const follower of followers) follower.failed(error);
  });
  return {
    async stop() {
      stopped = true;
      await subscription.stop();
      await following;
    },
  };
}
