// What the write path does when another writer appended to the stream between its read and its
// append (a WrongExpectedRevisionError): it reads again and decides again, after a pause, for as
// long as a time budget allows; only then is the command refused 409 `concurrent_change`.
//
// Within one server the commands on a stream already wait for each other (server/commands/handle.ts),
// so a conflict means a writer in another process: another server on the same EventStoreDB, or
// another process on the same SQLite file. The pause is drawn at random ("full jitter": uniform
// between 0 and a cap that doubles with each retry, up to `maxDelayMs`), so that two servers that
// collided do not collide again in lockstep. Bounded by time rather than by a count of attempts,
// because what a client can wait for is time: a count of fast attempts gives up in a few
// milliseconds when a burst of orders lands on one account from three servers.

export interface ConflictRetryPolicy {
  /** From the first attempt: no new attempt starts after this many ms (then 409 concurrent_change). */
  budgetMs: number;
  /** The cap of the first pause, ms; it doubles with each retry. */
  firstDelayMs: number;
  /** The largest cap of a pause, ms. */
  maxDelayMs: number;
}

export const DEFAULT_CONFLICT_RETRY: ConflictRetryPolicy = { budgetMs: 2_000, firstDelayMs: 5, maxDelayMs: 200 };

/** The pause before retry number `retry` (1 for the first retry): uniform in [0, cap). */
export function backoffDelay(policy: ConflictRetryPolicy, retry: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(retry - 1, 30));
  return Math.floor(random() * cap);
}

/**
 * The pause before retry number `retry`, or null when that retry could not start within the budget
 * (`elapsedMs` since the first attempt started). A first conflict is always retried, however long
 * the first attempt took: on a loaded machine one slow attempt must not use up the whole budget.
 */
export function nextPause(policy: ConflictRetryPolicy, retry: number, elapsedMs: number, random: () => number = Math.random): number | null {
  const delay = backoffDelay(policy, retry, random);
  return retry > 1 && elapsedMs + delay >= policy.budgetMs ? null : delay;
}
