// Who follows the log in this server, and how far behind its head each one is: the projections
// (read models, per server) and the reactors (the process managers and the e-mail outbox). Read
// only: positions come from what the runner and the reactors already expose, and the lag is
// counted in events, as /api/projections counts it. /health and /metrics both report from here.
import type { FastifyInstance } from 'fastify';
import type { EventStore } from '../../../events/port';
import { LAG_COUNT_LIMIT } from '../../../projections/runner';
import type { ProjectionState } from '../../../projections/runner';
import type { RunningReactors } from '../../reactors/index';

/**
 * How a reactor receives the log. 'catch-up': this server follows the whole log with its own
 * subscription and does every unit itself (one server, or the embedded store). 'persistent': it is
 * one of the competing consumers of an EventStoreDB persistent-subscription group.
 */
export type ReactorMode = 'catch-up' | 'persistent';

export interface LagCount {
  /** Events in the log after the follower's position. */
  events: number;
  /** False when the count stopped at LAG_COUNT_LIMIT (then `events` is a lower bound). */
  exact: boolean;
}

export interface ProjectionLag extends LagCount {
  name: string;
  state: ProjectionState;
  position: number;
}

export interface ReactorLag extends LagCount {
  name: string;
  mode: ReactorMode;
  position: number;
  /** Units of work it holds still to do (null when it does not say). */
  backlog: number | null;
}

/** A follower of the log as the reactors expose one: a name and the position it has seen. */
interface FollowerLike {
  readonly name: string;
  readonly position: number;
  readonly mode?: ReactorMode;
  readonly backlog?: number;
}

function isFollower(value: unknown): value is FollowerLike {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<FollowerLike>;
  return typeof v.name === 'string' && typeof v.position === 'number';
}

/**
 * The followers among the running reactors (every member that has a name and a position), so a
 * reactor added later is reported without a change here; one that says its `mode` keeps it.
 */
export function reactorFollowers(reactors: RunningReactors | null): FollowerLike[] {
  if (!reactors) return [];
  const seen = new Set<string>();
  const out: FollowerLike[] = [];
  for (const value of Object.values(reactors)) {
    if (!isFollower(value) || seen.has(value.name)) continue;
    seen.add(value.name);
    out.push(value);
  }
  return out;
}

/**
 * Counts events after positions, against one head. The embedded store's positions are contiguous
 * (head − position); on EventStoreDB they are byte offsets, so the events are read and counted,
 * up to LAG_COUNT_LIMIT, once per distinct position (the reactors share one subscription).
 */
export function lagCounter(store: EventStore, head: number): (position: number) => Promise<LagCount> {
  const counted = new Map<number, Promise<LagCount>>();
  return (position) => {
    if (position >= head) return Promise.resolve({ events: 0, exact: true });
    if (store.kind === 'sqlite') return Promise.resolve({ events: head - position, exact: true });
    let count = counted.get(position);
    if (!count) {
      count = (async () => {
        let events = 0;
        for await (const _ of store.readAll({ after: position, maxCount: LAG_COUNT_LIMIT })) events++;
        return { events, exact: events < LAG_COUNT_LIMIT };
      })();
      counted.set(position, count);
    }
    return count;
  };
}

/** The projections' snapshots and the running reactors of an app (none when a test's bare app has neither). */
export function followersOf(app: FastifyInstance) {
  return {
    projections: app.hasDecorator('projections') ? app.projections.snapshot() : [],
    reactors: reactorFollowers(app.hasDecorator('salesReactors') ? app.salesReactors : null),
  };
}

/** Every projection's and every reactor's lag behind `head`. */
export async function followersLag(app: FastifyInstance, head: number): Promise<{ projections: ProjectionLag[]; reactors: ReactorLag[] }> {
  const lagOf = lagCounter(app.eventStore, head);
  const followers = followersOf(app);
  const projections = await Promise.all(
    followers.projections.map(async (p) => ({ name: p.name, state: p.state, position: p.position, ...(await lagOf(p.position)) })),
  );
  const reactors = await Promise.all(
    followers.reactors.map(async (r) => ({
      name: r.name,
      mode: r.mode ?? ('catch-up' as const),
      position: r.position,
      backlog: typeof r.backlog === 'number' ? r.backlog : null,
      ...(await lagOf(r.position)),
    })),
  );
  return { projections, reactors };
}
