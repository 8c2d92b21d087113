// Work taken in turn per key within this process: each piece of work starts after the one queued
// before it under the same key has settled, whatever its outcome. Keys are independent (a queue per
// key, never a global lock), and a key's queue is forgotten as soon as it runs empty.
//
// Two users of it: the write path (server/commands/handle.ts) takes every command on one stream in
// turn, one queue per store, so that commands on a hot stream (one customer's prepaid account)
// wait for each other instead of deciding on the same revision and retrying; and `oneAtATime`
// below, for work around a command that must not overlap (every fulfilment asks the year's invoice
// numbering for the next number). Writers in other processes still conflict, and retry, as usual.

export class TurnQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after the work queued before it under the same key has settled. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running (for tests). */
  get size(): number {
    return this.tails.size;
  }
}

// Its own queue, not the write path's: a piece of work here runs commands on the same key's stream,
// which would otherwise wait for itself.
const shared = new TurnQueue();

/** Runs `work` after the work queued before it under the same key has settled. */
export function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  return shared.run(key, work);
}
