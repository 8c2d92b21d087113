// When each of many keys is due, with the earliest found without walking them all: the outbox asks
// after every e-mail event which e-mails are due and when the next one is, and during a long SMTP
// outage thousands wait for their retry (walking them all made each new e-mail cost about twice
// as much at 40,000 waiting).
//
// A binary heap ordered by time, beside a map holding each key's entry in force. Moving a key
// pushes a new entry and leaves the old one in the heap; an entry that is no longer its key's is
// dropped when it comes to the top, and the heap is rebuilt once such entries outnumber the live
// ones.

interface Entry<K> {
  at: number;
  key: K;
}

export class DueTimes<K> {
  private readonly entries = new Map<K, Entry<K>>();
  private heap: Entry<K>[] = [];

  get size(): number {
    return this.entries.size;
  }

  get(key: K): number | undefined {
    return this.entries.get(key)?.at;
  }

  set(key: K, at: number): void {
    const entry = { at, key };
    this.entries.set(key, entry);
    this.push(entry);
    if (this.heap.length > 2 * this.entries.size + 64) this.rebuild();
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.heap = [];
  }

  /** Whether any key is due at `now`. */
  anyDue(now: number): boolean {
    const top = this.top();
    return top !== undefined && top.at <= now;
  }

  /**
   * The keys due at `now`, earliest first, at most `limit`, leaving out those `skip` names (they
   * stay due). Nothing changes: a key taken stays due until it is set again or deleted.
   */
  due(now: number, limit: number, skip: (key: K) => boolean): K[] {
    const taken: K[] = [];
    this.walk((entry) => {
      if (entry.at > now || taken.length === limit) return false;
      if (!skip(entry.key)) taken.push(entry.key);
      return true;
    });
    return taken;
  }

  /** When the earliest key `skip` does not name is due, or Infinity. */
  next(skip: (key: K) => boolean): number {
    let next = Infinity;
    this.walk((entry) => {
      if (!skip(entry.key)) {
        next = entry.at;
        return false;
      }
      return true;
    });
    return next;
  }

  /** Visits live entries earliest first while `visit` says go on, then puts them back. */
  private walk(visit: (entry: Entry<K>) => boolean): void {
    const visited: Entry<K>[] = [];
    for (let entry = this.top(); entry !== undefined && visit(entry); entry = this.top()) {
      visited.push(this.pop()!);
    }
    for (const entry of visited) this.push(entry);
  }

  /** The earliest live entry, once the stale ones above it are dropped. */
  private top(): Entry<K> | undefined {
    while (this.heap.length > 0 && this.entries.get(this.heap[0]!.key) !== this.heap[0]) this.pop();
    return this.heap[0];
  }

  private rebuild(): void {
    this.heap = [];
    for (const entry of this.entries.values()) this.push(entry);
  }

  private push(entry: Entry<K>): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= entry.at) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry<K> | undefined {
    const heap = this.heap;
    const first = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return first;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.at < heap[left]!.at ? right : left;
      if (heap[child]!.at >= last.at) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return first;
  }
}
