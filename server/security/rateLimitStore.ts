// The store of @fastify/rate-limit's counters. Its own store gives every route (and the HEAD route
// Fastify adds beside each GET) counters of its own, so a client could ask 30 times a minute per
// route and method. Here the routes of one profile of the route table (`groupId`: 'couponCheck',
// 'login') share one counter per client: the plugin appends the groupId to the client's key, and
// every route's child is this same store.
//
// Fixed windows, in memory, bounded: when full, expired counters go first, then the oldest.

interface Window {
  count: number;
  startedAt: number;
}

type Callback = (error: Error | null, result: { current: number; ttl: number }) => void;

const MAX_KEYS = 10_000;

export class SharedRateLimitStore {
  private readonly windows = new Map<string, Window>();

  incr(key: string, callback: Callback, timeWindow: number): void {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.startedAt + timeWindow <= now) {
      this.windows.delete(key);
      this.makeRoom(now, timeWindow);
      window = { count: 0, startedAt: now };
      this.windows.set(key, window);
    }
    window.count++;
    callback(null, { current: window.count, ttl: window.startedAt + timeWindow - now });
  }

  read(key: string, callback: Callback, timeWindow: number): void {
    const now = Date.now();
    const window = this.windows.get(key);
    if (!window || window.startedAt + timeWindow <= now) callback(null, { current: 0, ttl: 0 });
    else callback(null, { current: window.count, ttl: window.startedAt + timeWindow - now });
  }

  /** A route's store: this one for a route of a group; a fresh one for a route on its own. */
  child(routeParams: { groupId?: string }): SharedRateLimitStore {
    return routeParams.groupId ? this : new SharedRateLimitStore();
  }

  private makeRoom(now: number, timeWindow: number): void {
    if (this.windows.size < MAX_KEYS) return;
    for (const [key, window] of this.windows) if (window.startedAt + timeWindow <= now) this.windows.delete(key);
    // Still full: the oldest windows go (a Map iterates in insertion order).
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_KEYS) break;
      this.windows.delete(key);
    }
  }
}
