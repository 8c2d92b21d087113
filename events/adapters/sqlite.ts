// The embedded event store: one SQLite file, one connection, one writer.
//
// Durability: WAL with synchronous=FULL, and an append is acknowledged only after its COMMIT.
// Throughput: appends that arrive while the event loop is busy are queued and written together in
// the next transaction (group commit); each keeps its own expectation, and one append's refusal
// does not affect the others of its group. better-sqlite3 is synchronous, so a transaction never
// spans an await and no other code runs while it is open.
// Live subscriptions wake at each commit: this store's own, and those of the other stores open on
// the same file in this process, whatever their thread (a BroadcastChannel per file); the read
// models are built in a worker thread with their own connection. Commits of other processes (a
// command-line tool beside the server) are noticed by polling SQLite's data_version every
// OTHER_PROCESSES_POLL_MS while the store has a live subscription.
// The hash chain (events/logChain.ts) is computed inside the write transaction, where the order is
// decided: the previous event's hash is read in that transaction, so that several processes
// appending to one file (the server and a command-line tool) still chain one after the other.
// The events this connection committed last are kept for its live subscriptions: after a commit
// every subscriber asks for the same new events, and they are parsed once, when first asked for
// (an append no one reads back costs no parsing). They are served only while they are known to be
// the end of the log; subscribers share the objects and must not change them. The head's hash is
// kept as well, so that an append reads the log's last event only after another connection wrote.
import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import {
  EventStoreClosedError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type StoredLink,
  type Subscription,
} from '../port';
import { chainedMetadataJson, CHAIN_FIELD, contentOf, GENESIS, nextLink, splitStoredMetadata } from '../logChain';
import { ensurePrivateFile } from './privateFiles';
import { keepCheckpointed } from './walCheckpointer';

interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  created: number;
}

/** An event as written: data and metadata already JSON. */
interface SerialisedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
}

/** An event this connection committed, parsed when first read. */
interface RecentEvent {
  row: EventRow;
  event: RecordedEvent | undefined;
}

interface PendingAppend {
  stream: string;
  events: SerialisedEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

// The metadata as appended, without a link it may carry (an event copied from a log): the store
// writes the link itself.
function withoutLink(metadata: Record<string, unknown>): Record<string, unknown> {
  if (!(CHAIN_FIELD in metadata)) return metadata;
  const { [CHAIN_FIELD]: _link, ...rest } = metadata;
  return rest;
}

const serialised = (e: EventToAppend): SerialisedEvent => ({
  id: e.id,
  type: e.type,
  data: JSON.stringify(e.data),
  metadata: JSON.stringify(withoutLink(e.metadata)),
});

const PAGE = 1000;
export const OTHER_PROCESSES_POLL_MS = 250;

export interface SqliteStoreOptions {
  /** Path of the database file, or ':memory:' for throwaway stores. */
  file: string;
  /**
   * Whether this connection has the file's WAL checkpointed from a thread of its own
   * (events/adapters/walCheckpointer.ts). Default true; false for a connection that only reads
   * (the projections' thread), which never checkpoints anyway.
   */
  checkpointer?: boolean;
}

export function createSqliteStore({ file, checkpointer = true }: SqliteStoreOptions): EventStore {
  ensurePrivateFile(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS events (
      position INTEGER PRIMARY KEY AUTOINCREMENT,
      id       TEXT NOT NULL UNIQUE,
      stream   TEXT NOT NULL,
      revision INTEGER NOT NULL,
      type     TEXT NOT NULL,
      data     TEXT NOT NULL,
      metadata TEXT NOT NULL,
      created  INTEGER NOT NULL,
      UNIQUE (stream, revision)
    );
  `);

  const stmt = {
    streamRevision: db.prepare<[string], { revision: number | null }>(
      'SELECT max(revision) AS revision FROM events WHERE stream = ?',
    ),
    insert: db.prepare(
      'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    byId: db.prepare<[string], Pick<EventRow, 'stream' | 'revision' | 'position'>>('SELECT stream, revision, position FROM events WHERE id = ?'),
    idExists: db.prepare<[string], number>('SELECT 1 FROM events WHERE id = ?').pluck(),
    byStreamRevision: db.prepare<[string, number], Pick<EventRow, 'id' | 'revision' | 'position'>>('SELECT id, revision, position FROM events WHERE stream = ? AND revision = ?'),
    lastPosition: db.prepare<[], { position: number | null }>('SELECT max(position) AS position FROM events'),
    readForwards: db.prepare<[string, number, number], EventRow>(
      'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
    ),
    // A LIMIT makes this, the read of every command, three times slower (measured: 9 µs against 3).
    readForwardsToEnd: db.prepare<[string, number], EventRow>('SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC'),
    readBackwards: db.prepare<[string, number, number], EventRow>(
      'SELECT * FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
    ),
    readAll: db.prepare<[number, number], EventRow>(
      'SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?',
    ),
    lastMetadata: db.prepare<[], string>('SELECT metadata FROM events ORDER BY position DESC LIMIT 1').pluck(),
    readLinks: db
      .prepare<[number, number], [number, string, string, number, string, string, string]>(
        'SELECT position, id, stream, revision, type, data, metadata FROM events WHERE position > ? ORDER BY position ASC LIMIT ?',
      )
      .raw(),
  };

  /** Hash of the last event of the log, read in the caller's transaction; GENESIS when there is none or it has no link. */
  function storedHeadHash(): string {
    const metadata = stmt.lastMetadata.get();
    return (metadata !== undefined && splitStoredMetadata(metadata).link?.hash) || GENESIS;
  }

  // The head's hash as this connection's last commit left it, and the data_version seen in that
  // transaction: while the data_version read in the next write transaction is the same, no other
  // connection has committed in between, so that hash is still the head's and the log need not be
  // read. Set only once a transaction has committed.
  let knownHead: { hash: string; dataVersion: number } | undefined;
  /** Hash of the head inside a write transaction, and the data_version it was read at. */
  function headInTransaction(): { hash: string; dataVersion: number } {
    const version = dataVersion.get();
    if (version !== undefined && knownHead?.dataVersion === version) return knownHead;
    return { hash: storedHeadHash(), dataVersion: version ?? Number.NaN };
  }

  const releaseCheckpoints = file !== ':memory:' && checkpointer ? keepCheckpointed(db, resolve(file)) : async () => {};

  const committed = new EventEmitter();
  committed.setMaxListeners(0);
  const path = file === ':memory:' ? null : resolve(file);
  const otherConnections = path === null ? null : new BroadcastChannel(`event-store:sqlite:${path}`);
  if (otherConnections) {
    otherConnections.unref();
    otherConnections.onmessage = () => {
      recentIsHead = false;
      committed.emit('commit');
    };
  }

  // Changes when another connection has committed (not for this connection's own commits).
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  let seenDataVersion = dataVersion.get();
  let otherProcessesPoll: NodeJS.Timeout | undefined;
  function pollOtherProcesses(on: boolean): void {
    if (path === null || on === (otherProcessesPoll !== undefined)) return;
    if (!on) {
      clearInterval(otherProcessesPoll);
      otherProcessesPoll = undefined;
      return;
    }
    otherProcessesPoll = setInterval(() => {
      const version = dataVersion.get();
      if (version === seenDataVersion) return;
      seenDataVersion = version;
      recentIsHead = false;
      committed.emit('commit');
    }, OTHER_PROCESSES_POLL_MS);
    otherProcessesPoll.unref();
  }

  const RECENT_KEPT = 4096;
  // Kept as written (JSON texts) and parsed when a subscriber first asks: an append that no one
  // reads back costs no parsing, and one that every subscriber reads is parsed once.
  let recent: RecentEvent[] = [];
  /** Whether the last of `recent` is the last event of the log, as far as this connection knows. */
  let recentIsHead = false;

  function keepRecent(written: RecentEvent[]): void {
    if (written.length === 0) return;
    const last = recent[recent.length - 1];
    // A gap: another connection committed in between, and those events are not here.
    if (last && written[0]!.row.position !== last.row.position + 1) recent = [];
    for (const event of written) recent.push(event);
    if (recent.length > 2 * RECENT_KEPT) recent = recent.slice(-RECENT_KEPT);
    recentIsHead = true;
  }
  let queue: PendingAppend[] = [];
  let flushScheduled = false;
  let closed = false;
  const subscriptions = new Set<Subscription>();

  function currentRevision(stream: string, batchRevisions: Map<string, number>): number | 'no_stream' {
    const inBatch = batchRevisions.get(stream);
    if (inBatch !== undefined) return inBatch;
    const row = stmt.streamRevision.get(stream);
    return row?.revision ?? 'no_stream';
  }

  function expectationHolds(expected: ExpectedRevision, actual: number | 'no_stream'): boolean {
    if (expected === 'any') return true;
    if (expected === 'no_stream') return actual === 'no_stream';
    if (expected === 'stream_exists') return actual !== 'no_stream';
    return actual === expected;
  }

  // EventStoreDB's idempotence: an append whose event ids are already stored, in this stream, right
  // after the revision the writer expected, is a retry; it answers the original result and writes
  // nothing. Returns undefined when the append is not such a retry and its first event id is not
  // stored; 'first_id_stored' when it is not a retry but its first id is taken (a conflict), so the
  // caller need not look that id up again.
  function retryResult(append: PendingAppend): AppendResult | 'first_id_stored' | undefined {
    const first = append.events[0];
    if (!first) return undefined;
    const stored = stmt.byId.get(first.id);
    if (!stored) return undefined;
    if (stored.stream !== append.stream) return 'first_id_stored';
    const expectedFirst =
      typeof append.expected === 'number' ? append.expected + 1 : append.expected === 'no_stream' ? 0 : stored.revision;
    if (stored.revision !== expectedFirst) return 'first_id_stored';
    let last: { revision: number; position: number } = stored;
    for (let i = 1; i < append.events.length; i++) {
      const next = stmt.byStreamRevision.get(append.stream, stored.revision + i);
      if (!next || next.id !== append.events[i]!.id) return 'first_id_stored';
      last = next;
    }
    return { nextRevision: last.revision, position: last.position };
  }

  // Created once (db.transaction() builds five wrapper functions per call). IMMEDIATE takes the write
  // lock at BEGIN instead of upgrading a read lock at the first INSERT.
  let headAfterGroup: { hash: string; dataVersion: number } | undefined;
  const writeGroupTx = db.transaction((group: PendingAppend[], outcomes: Array<AppendResult | Error>, written: RecentEvent[]) => {
    const batchRevisions = new Map<string, number>();
    const now = Date.now();
    let prev: string | undefined;
    let headVersion = 0;
    for (const append of group) {
      const retried = retryResult(append);
      if (retried && retried !== 'first_id_stored') {
        outcomes.push(retried);
        continue;
      }
      const actual = currentRevision(append.stream, batchRevisions);
      if (!expectationHolds(append.expected, actual)) {
        outcomes.push(new WrongExpectedRevisionError(append.stream, append.expected, actual));
        continue;
      }
      const duplicate =
        retried === 'first_id_stored' || append.events.some((e, i) => i > 0 && stmt.idExists.get(e.id) !== undefined);
      if (duplicate) {
        // The same event id cannot be stored twice; to the writer this is a conflict, like in EventStoreDB.
        outcomes.push(new WrongExpectedRevisionError(append.stream, append.expected, actual));
        continue;
      }
      let revision = actual === 'no_stream' ? -1 : actual;
      let position = 0;
      for (const event of append.events) {
        revision += 1;
        if (prev === undefined) ({ hash: prev, dataVersion: headVersion } = headInTransaction());
        const link = nextLink(prev, contentOf(event.id, append.stream, event.type, event.data, event.metadata));
        prev = link.hash;
        const metadata = chainedMetadataJson(event.metadata, link);
        const info = stmt.insert.run(event.id, append.stream, revision, event.type, event.data, metadata, now);
        position = Number(info.lastInsertRowid);
        written.push({
          row: { position, id: event.id, stream: append.stream, revision, type: event.type, data: event.data, metadata, created: now },
          event: undefined,
        });
      }
      batchRevisions.set(append.stream, revision);
      outcomes.push({ nextRevision: revision, position });
    }
    headAfterGroup = prev === undefined ? undefined : { hash: prev, dataVersion: headVersion };
  }).immediate;

  function writeGroup(group: PendingAppend[]): Array<AppendResult | Error> {
    const outcomes: Array<AppendResult | Error> = [];
    const written: RecentEvent[] = [];
    headAfterGroup = undefined;
    writeGroupTx(group, outcomes, written);
    // Committed.
    if (headAfterGroup) knownHead = headAfterGroup;
    keepRecent(written);
    return outcomes;
  }

  function flush(): void {
    flushScheduled = false;
    const group = queue;
    queue = [];
    if (group.length === 0) return;
    let outcomes: Array<AppendResult | Error>;
    try {
      outcomes = writeGroup(group);
    } catch (error) {
      for (const append of group) append.reject(error);
      return;
    }
    group.forEach((append, i) => {
      const outcome = outcomes[i]!;
      if (outcome instanceof Error) append.reject(outcome);
      else append.resolve(outcome);
    });
    committed.emit('commit');
    otherConnections?.postMessage(null);
  }

  function toRecorded(row: EventRow): RecordedEvent {
    const { [CHAIN_FIELD]: chain, ...metadata } = JSON.parse(row.metadata);
    const recorded: RecordedEvent = {
      id: row.id,
      stream: row.stream,
      revision: row.revision,
      position: row.position,
      type: row.type,
      data: JSON.parse(row.data),
      metadata,
      created: new Date(row.created),
    };
    if (chain !== undefined) recorded.chain = chain;
    return recorded;
  }

  function readPage(after: number, limit: number): RecordedEvent[] {
    const first = recent[0];
    if (recentIsHead && first && after >= first.row.position - 1 && after <= recent[recent.length - 1]!.row.position) {
      const from = after - first.row.position + 1;
      const to = Math.min(recent.length, from + limit);
      const page: RecordedEvent[] = new Array(Math.max(0, to - from));
      for (let i = from; i < to; i++) {
        const kept = recent[i]!;
        page[i - from] = kept.event ??= toRecorded(kept.row);
      }
      return page;
    }
    return stmt.readAll.all(after, limit).map(toRecorded);
  }

  /** The log after `after`, up to `maxCount` events, in pages of PAGE: readAll's and readAllPages' one loop. */
  async function* pagesAfter(after: number, maxCount: number): AsyncGenerator<RecordedEvent[]> {
    let remaining = maxCount;
    while (remaining > 0) {
      if (closed) throw new EventStoreClosedError();
      const page = readPage(after, Math.min(PAGE, remaining));
      if (page.length > 0) yield page;
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.position;
      remaining -= page.length;
    }
  }

  const store: EventStore = {
    kind: 'sqlite',
    ...(path === null ? {} : { address: { kind: 'sqlite', file: path } as const }),

    append(stream, events, { expectedRevision }) {
      if (closed) return Promise.reject(new EventStoreClosedError());
      if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
      let toWrite: SerialisedEvent[];
      try {
        // Here, not in the group's transaction: an event JSON cannot hold (a BigInt, a cycle) fails
        // its own append, not the others written with it.
        toWrite = events.map(serialised);
      } catch (error) {
        return Promise.reject(error);
      }
      const done = new Promise<AppendResult>((resolve, reject) => {
        queue.push({ stream, events: toWrite, expected: expectedRevision, resolve, reject });
      });
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
      return done;
    },

    async readStream(stream, options: ReadStreamOptions = {}) {
      if (closed) throw new EventStoreClosedError();
      const limit = options.maxCount ?? -1; // LIMIT -1: no limit
      const rows =
        options.direction === 'backwards'
          ? stmt.readBackwards.all(stream, options.fromRevision ?? Number.MAX_SAFE_INTEGER, limit)
          : options.maxCount === undefined
            ? stmt.readForwardsToEnd.all(stream, options.fromRevision ?? 0)
            : stmt.readForwards.all(stream, options.fromRevision ?? 0, limit);
      return rows.map(toRecorded);
    },

    async *readAll(options: ReadAllOptions = {}) {
      for await (const page of pagesAfter(options.after ?? 0, options.maxCount ?? Number.MAX_SAFE_INTEGER)) {
        for (const event of page) yield event;
      }
    },

    readAllPages(options: { after?: number } = {}) {
      return pagesAfter(options.after ?? 0, Number.MAX_SAFE_INTEGER);
    },

    async *readLinks(options: { after?: number } = {}) {
      let after = options.after ?? 0;
      if (path !== null) {
        // A connection of its own, read only, iterating one statement: three times faster than
        // pages of LIMIT queries, over one snapshot of the log, and this connection's appends go
        // on meanwhile (a statement being iterated would keep this connection busy).
        const reader = new Database(path, { readonly: true, fileMustExist: true });
        try {
          const rows = reader
            .prepare<[number], [number, string, string, number, string, string, string]>(
              'SELECT position, id, stream, revision, type, data, metadata FROM events WHERE position > ? ORDER BY position ASC',
            )
            .raw()
            .iterate(after);
          let page: StoredLink[] = [];
          for (const [position, id, stream, revision, type, data, stored] of rows) {
            const { metadataJson, link } = splitStoredMetadata(stored);
            page.push({ position, stream, revision, content: contentOf(id, stream, type, data, metadataJson), link });
            if (page.length === PAGE * 10) {
              if (closed) throw new EventStoreClosedError();
              yield page;
              page = [];
            }
          }
          if (page.length > 0) yield page;
        } finally {
          reader.close();
        }
        return;
      }
      for (;;) {
        if (closed) throw new EventStoreClosedError();
        const rows = stmt.readLinks.all(after, PAGE * 10);
        if (rows.length === 0) return;
        const page: StoredLink[] = new Array(rows.length);
        for (let i = 0; i < rows.length; i++) {
          const [position, id, stream, revision, type, data, stored] = rows[i]!;
          const { metadataJson, link } = splitStoredMetadata(stored);
          page[i] = { position, stream, revision, content: contentOf(id, stream, type, data, metadataJson), link };
        }
        yield page;
        after = rows[rows.length - 1]![0];
      }
    },

    subscribeToAll(options: SubscribeOptions = {}) {
      if (closed) throw new EventStoreClosedError();
      let after = options.after ?? 0;
      let stopped = false;
      let wake: (() => void) | undefined;
      let markCaughtUp!: () => void;
      const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
      const headAtStart = stmt.lastPosition.get()?.position ?? 0;
      if (after >= headAtStart) markCaughtUp();
      const onCommit = () => {
        const w = wake;
        wake = undefined;
        w?.();
      };
      committed.on('commit', onCommit);
      const subscription: Subscription = {
        caughtUp,
        async stop() {
          stopped = true;
          committed.off('commit', onCommit);
          subscriptions.delete(subscription);
          if (subscriptions.size === 0) pollOtherProcesses(false);
          onCommit();
        },
        async *[Symbol.asyncIterator]() {
          try {
            while (!stopped) {
              const page = readPage(after, PAGE);
              for (const event of page) {
                if (stopped) return;
                after = event.position;
                yield event;
                // Only now, when the consumer asks for the next one, has it handled this one: a
                // follower told "caught up" earlier would act on a state missing the last events.
                if (after >= headAtStart) markCaughtUp();
              }
              if (page.length < PAGE) {
                // Woken by the next commit (or stop); the check and the wait happen in the same
                // turn of the event loop as the read above, so no commit can slip between them. A
                // stop that came while the consumer held the last event has woken no one: not wait.
                const next = new Promise<void>((resolve) => (wake = resolve));
                if (!stopped && readPage(after, 1).length === 0) await next;
                else wake = undefined;
              }
            }
          } finally {
            // A consumer that left (break, return) is done with the last event it was handed.
            if (after >= headAtStart) markCaughtUp();
            await subscription.stop();
          }
        },
      };
      subscriptions.add(subscription);
      pollOtherProcesses(true);
      return subscription;
    },

    async headPosition() {
      return stmt.lastPosition.get()?.position ?? 0;
    },

    async close() {
      if (closed) return;
      closed = true;
      // Appends already accepted are written before the file is released.
      flush();
      await Promise.all([...subscriptions].map((s) => s.stop()));
      pollOtherProcesses(false);
      otherConnections?.close();
      await releaseCheckpoints();
      db.close();
    },
  };
  return store;
}
