// Commands on one hot stream taken in turn within this process. Optimistic concurrency keeps them
// correct anyway; taking them in turn only spares the retries when many of them would otherwise
// decide on the same revision at once (every fulfilment asks the year's invoice numbering for the
// next number). Writers in other processes still conflict, and retry, as usual.

const tails = new Map<string, Promise<unknown>>();

/** Runs `work` after the work queued before it under the same key has settled. */
export function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const result = previous.then(work, work);
  const tail = result.catch(() => undefined);
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return result;
}
