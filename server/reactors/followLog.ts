// One catch-up subscription shared by several followers of the log (the reactors and the e-mail
// outbox): each event is read and parsed once, at start as live, and handed to each follower in
// turn. A follower's `accept` must not do I/O; it only notes what there is to do.
//
// Followers that keep checkpoints resume: each starts from its saved position and state, the shared
// subscription starts after the earliest of them, and a follower is handed only the events after its
// own position. Their checkpoints are written every `saveEveryMs`, when the replay has caught up and
// when the following stops, together in one write, each after the events it covers
// (server/reactors/checkpoints.ts).
//
// A start without checkpoints replays the whole log (about 130,000 events a second in the orders
// bench), and a subscription hands over its events without going back to the event loop: every
// EVENTS_BETWEEN_YIELDS events the replay yields to it, so requests are answered meanwhile.
import type { EventStore, RecordedEvent } from '../../events/port';
import type { Checkpoint, CheckpointStore } from './checkpoints';

export interface LogFollower {
  /** One event of the log, in order, replayed or live. */
  accept(recorded: RecordedEvent): void;
  /** The replay has reached the head the log had when the following began. */
  caughtUp(): void;
  /** The subscription ended with an error: the follower sees nothing more. */
  failed(error: unknown): void;
}

/** A follower whose state can be saved and taken up again. */
export interface CheckpointedFollower extends LogFollower {
  /** Under which name its checkpoint is kept. */
  readonly name: string;
  /** Format of its state: a checkpoint of another version is ignored. */
  readonly checkpointVersion: number;
  /** Position of the last event its state includes (0 before any). */
  readonly position: number;
  /** Its state as JSON, consistent with `position`. */
  snapshot(): unknown;
  /** Takes up a saved state, before the following starts. */
  restore(checkpoint: Checkpoint): void;
}

export interface Following {
  /** Resolves once every follower has caught up with the log as it was at start. */
  readonly live: Promise<void>;
  /** The position the log is read after: the earliest of the followers' checkpoints (0: the whole log). */
  readonly resumedFrom: number;
  stop(): Promise<void>;
}

export interface FollowOptions {
  checkpoints?: CheckpointStore | undefined;
  /** How often checkpoints are written while events arrive; default 1 s. */
  saveEveryMs?: number | undefined;
  /** Told when a checkpoint cannot be written (the following goes on). */
  onSaveError?: ((error: unknown) => void) | undefined;
}

export const EVENTS_BETWEEN_YIELDS = 1000;

const checkpointed = (follower: LogFollower): follower is CheckpointedFollower => 'snapshot' in follower;

export function followLog(store: EventStore, followers: readonly LogFollower[], options: FollowOptions = {}): Following {
  const { checkpoints } = options;
  const saved = new Map<string, number>();
  for (const follower of followers) {
    if (!checkpoints || !checkpointed(follower)) continue;
    const checkpoint = checkpoints.load(follower.name, follower.checkpointVersion);
    if (checkpoint) {
      follower.restore(checkpoint);
      saved.set(follower.name, checkpoint.position);
    }
  }
  const earliest = Math.min(...followers.map((f) => (checkpointed(f) ? f.position : 0)));
  const resumedFrom = Number.isFinite(earliest) ? earliest : 0;

  const save = () => {
    if (!checkpoints) return;
    const due = followers.filter((f): f is CheckpointedFollower => checkpointed(f) && saved.get(f.name) !== f.position);
    if (due.length === 0) return;
    try {
      checkpoints.save(due.map((f) => ({ name: f.name, version: f.checkpointVersion, checkpoint: { position: f.position, state: f.snapshot() } })));
      for (const f of due) saved.set(f.name, f.position);
    } catch (error) {
      options.onSaveError?.(error);
    }
  };
  const saver = checkpoints ? setInterval(save, options.saveEveryMs ?? 1000) : undefined;
  saver?.unref();

  const subscription = store.subscribeToAll({ after: resumedFrom });
  let stopped = false;
  const live = subscription.caughtUp.then(() => {
    if (stopped) return;
    save();
    for (const follower of followers) follower.caughtUp();
  });
  live.catch(() => {}); // a failed replay is reported through `failed`
  const following = (async () => {
    let sinceYield = 0;
    for await (const recorded of subscription) {
      for (const follower of followers) {
        if (!checkpointed(follower) || recorded.position > follower.position) follower.accept(recorded);
      }
      if (++sinceYield === EVENTS_BETWEEN_YIELDS) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  })().catch((error: unknown) => {
    if (!stopped) for (const follower of followers) follower.failed(error);
  });
  return {
    live,
    resumedFrom,
    async stop() {
      stopped = true;
      clearInterval(saver);
      await subscription.stop();
      await following;
      save();
    },
  };
}
