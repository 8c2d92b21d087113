// Callers waiting for the read models to reach a point (read-your-writes, "caught up"): each waits
// on a check that answers true (reached), false (it will not be reached) or undefined (not yet),
// looked at again whenever the projections move on. Used by the runner and by its thread's host.

interface Waiter {
  check(): boolean | undefined;
  settle(value: boolean): void;
}

export class Waiters {
  private readonly waiting = new Set<Waiter>();

  /** Resolves with the check's first answer; with `timeoutMs`, false (or the answer then) after it. */
  until(check: () => boolean | undefined, timeoutMs?: number): Promise<boolean> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        check,
        settle: (value) => {
          if (timer) clearTimeout(timer);
          this.waiting.delete(waiter);
          resolve(value);
        },
      };
      if (timeoutMs !== undefined) timer = setTimeout(() => waiter.settle(check() ?? false), timeoutMs);
      this.waiting.add(waiter);
    });
  }

  /** Looks at every check again; when the projections no longer run, the undecided get false. */
  settle(running: boolean): void {
    for (const waiter of this.waiting) {
      const value = waiter.check();
      if (value !== undefined) waiter.settle(value);
      else if (!running) waiter.settle(false);
    }
  }
}
