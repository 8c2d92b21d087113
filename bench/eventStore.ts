// The embedded event store (events/adapters/sqlite.ts), measured beside what bare better-sqlite3
// does with the same rows on the same machine:
//   - appends/s of one event each to distinct streams, 1 writer and 64 concurrent writers, against
//     bare inserts at 1 and 64 rows per transaction (same table, same JSON, WAL + synchronous=FULL);
//   - readAll and a catch-up subscription over 1,000,000 events, with RSS samples to show memory
//     stays flat, readAll beside the same page query on a bare connection, and bytes on disk per
//     event.
// The disk and CPU here are shared and their speed drifts within seconds, so each adapter figure
// and its limit are measured interleaved (alternating short slices or 100,000-event chunks), and
// their ratio is the figure to trust; absolute rates vary from run to run.
// Every store lives in a fresh temp directory, removed at the end.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../events/adapters/sqlite';
import type { EventStore, EventToAppend } from '../events/port';
import type { BenchModule, Figure } from './run';

const APPEND_SECONDS = 3;
const CONCURRENT_WRITERS = 64;
const TOTAL_EVENTS = 1_000_000;
const FILL_BATCH = 1000; // events per append while filling, and events per stream
const FILL_IN_FLIGHT = 4; // fill appends queued at once (the store writes them in one group)

// --- events --------------------------------------------------------------------------------------

const BASE_TIME = Date.parse('2025-01-01T08:00:00.000Z');
const DEVICES = ['SIG-PAD-10', 'SIG-PAD-13', 'SIG-PEN-2', 'SIG-KIOSK-1'] as const;
let sequence = 0;
let streams = 0;

/**
 * A time-ordered (version 7) UUID for millisecond `ms`. The catalogue stamps random (v4) ids, and the
 * append figures use those; the 1,000,000-event fill uses these so that the UNIQUE index on the id
 * grows at its right edge: with random ids every event of a 1000-event commit dirties its own index
 * page and the fill writes ~4 KB of WAL per event (see the report), which would make it take minutes.
 */
function timeOrderedUuid(ms: number): string {
  const time = ms.toString(16).padStart(12, '0');
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19)}`;
}

/** A realistic order event: ~80 bytes of data, ~185 bytes of catalogue-style metadata. */
function makeEvent(options: { correlationId?: string; timeOrderedId?: boolean } = {}): EventToAppend {
  const n = sequence++;
  const at = BASE_TIME + n;
  return {
    id: options.timeOrderedId ? timeOrderedUuid(at) : randomUUID(),
    type: 'OrderPlaced',
    data: {
      orderId: `ORD-${String(n).padStart(9, '0')}`,
      device: DEVICES[n % DEVICES.length],
      quantity: 1 + (n % 5),
      totalCents: 18_900 * (1 + (n % 5)),
    },
    metadata: {
      actor: { userId: `u-${1000 + (n % 40)}`, role: 'operator' },
      at: new Date(at).toISOString(),
      correlationId: options.correlationId ?? randomUUID(),
      causationId: n % 2 === 0 ? null : randomUUID(),
      schemaVersion: 1,
    },
  };
}

// --- helpers -------------------------------------------------------------------------------------

const rssMB = () => process.memoryUsage.rss() / 1048576;
const progress = (message: string) => process.stderr.write(`  eventstore: ${message}\n`);

function fileBytes(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** The adapter's table, for the bare-SQLite limits (kept identical to events/adapters/sqlite.ts). */
export function openBare(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
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
  return db;
}

// --- appends -------------------------------------------------------------------------------------
//
// fsync latency on a shared virtual disk drifts by a factor of 2-5 within seconds, so the adapter
// and its limit are not run one after the other: both files stay open and the run alternates
// between them in short slices, each side getting APPEND_SECONDS in all. The ratio is the median
// of the rounds' ratios, so that one stalled fsync does not decide it.

const SLICE_MS = 200;

interface Tally {
  count: number;
  seconds: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `slice` and returns its rate (count/s) while adding it to `tally`. */
async function measured(tally: Tally, slice: (tally: Tally) => Promise<void> | void): Promise<number> {
  const before = { ...tally };
  await slice(tally);
  return (tally.count - before.count) / (tally.seconds - before.seconds);
}

/** One slice through the adapter: `writers` loops, each awaiting its own one-event appends. */
async function adapterSlice(store: EventStore, writers: number, tally: Tally): Promise<void> {
  const t0 = performance.now();
  const end = t0 + SLICE_MS;
  const writer = async () => {
    while (performance.now() < end) {
      await store.append(`order-${streams++}`, [makeEvent()], { expectedRevision: 'no_stream' });
      tally.count++;
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  tally.seconds += (performance.now() - t0) / 1000;
}

/**
 * The limit: the same events, serialised the same way, inserted with bare better-sqlite3 at
 * `rowsPerTransaction` rows per COMMIT (1: autocommit). Event creation and JSON.stringify are
 * included, as any store of these events pays them; only the adapter's own work is left out.
 */
function bareInserter(db: Database.Database, rowsPerTransaction: number) {
  const insert = db.prepare(
    'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertOne = (event: EventToAppend, now: number) =>
    insert.run(event.id, `order-${streams++}`, 0, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), now);
  const insertMany = db.transaction((events: EventToAppend[], now: number) => {
    for (const event of events) insertOne(event, now);
  });
  return (tally: Tally) => {
    const t0 = performance.now();
    const end = t0 + SLICE_MS;
    while (performance.now() < end) {
      if (rowsPerTransaction === 1) {
        insertOne(makeEvent(), Date.now());
      } else {
        insertMany(Array.from({ length: rowsPerTransaction }, () => makeEvent()), Date.now());
      }
      tally.count += rowsPerTransaction;
    }
    tally.seconds += (performance.now() - t0) / 1000;
  };
}

/** Events/s of the adapter with `writers` writers and of bare inserts of `writers` rows per transaction. */
async function appendsBesideLimit(dir: string, writers: number): Promise<{ adapter: number; limit: number; ratio: number }> {
  const store = createSqliteStore({ file: join(dir, `append-${writers}.db`) });
  const bare = openBare(join(dir, `bare-${writers}.db`));
  const adapter: Tally = { count: 0, seconds: 0 };
  const limit: Tally = { count: 0, seconds: 0 };
  const ratios: number[] = [];
  try {
    const bareSlice = bareInserter(bare, writers);
    const adapterSide = (tally: Tally) => adapterSlice(store, writers, tally);
    const rounds = Math.round((APPEND_SECONDS * 1000) / SLICE_MS);
    for (let round = 0; round < rounds; round++) {
      // Alternate which side goes first, so neither always follows the other's checkpoint.
      let a: number;
      let b: number;
      if (round % 2 === 0) {
        a = await measured(adapter, adapterSide);
        b = await measured(limit, bareSlice);
      } else {
        b = await measured(limit, bareSlice);
        a = await measured(adapter, adapterSide);
      }
      ratios.push(a / b);
    }
  } finally {
    await store.close();
    bare.close();
  }
  return { adapter: adapter.count / adapter.seconds, limit: limit.count / limit.seconds, ratio: median(ratios) };
}

const ROUNDS_NOTE = `median of ${Math.round((APPEND_SECONDS * 1000) / SLICE_MS)} interleaved rounds`;

async function appendFigures(dir: string): Promise<Figure[]> {
  progress(`appends, 1 writer, beside bare inserts of 1 row per transaction (2 x ${APPEND_SECONDS} s)`);
  const one = await appendsBesideLimit(dir, 1);
  progress(`appends, ${CONCURRENT_WRITERS} writers, beside bare inserts of ${CONCURRENT_WRITERS} rows per transaction (2 x ${APPEND_SECONDS} s)`);
  const many = await appendsBesideLimit(dir, CONCURRENT_WRITERS);
  return [
    { name: 'append 1 event, 1 writer', value: one.adapter, unit: 'events/s' },
    { name: '  limit: bare insert, 1 row/tx', value: one.limit, unit: 'rows/s' },
    { name: '  1 writer / limit', value: 100 * one.ratio, unit: '%', target: { atLeast: 90 }, note: ROUNDS_NOTE },
    { name: `append 1 event, ${CONCURRENT_WRITERS} writers`, value: many.adapter, unit: 'events/s' },
    { name: `  limit: bare insert, ${CONCURRENT_WRITERS} rows/tx`, value: many.limit, unit: 'rows/s' },
    { name: `  ${CONCURRENT_WRITERS} writers / limit`, value: 100 * many.ratio, unit: '%', target: { atLeast: 50 }, note: ROUNDS_NOTE },
  ];
}

// --- 1,000,000 events: fill, size, readAll, subscription -----------------------------------------

async function fill(store: EventStore): Promise<number> {
  const t0 = performance.now();
  let inFlight: Promise<unknown>[] = [];
  for (let s = 0; s < TOTAL_EVENTS / FILL_BATCH; s++) {
    const correlationId = randomUUID();
    const events = Array.from({ length: FILL_BATCH }, () => makeEvent({ correlationId, timeOrderedId: true }));
    inFlight.push(store.append(`fill-${s}`, events, { expectedRevision: 'no_stream' }));
    if (inFlight.length >= FILL_IN_FLIGHT) {
      await Promise.all(inFlight);
      inFlight = [];
    }
  }
  await Promise.all(inFlight);
  return (performance.now() - t0) / 1000;
}

/** Checkpoints the WAL from a second connection and returns database + WAL bytes. */
function checkpointedBytes(file: string): number {
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return fileBytes(file) + fileBytes(`${file}-wal`);
}

const READ_CHUNK = 100_000;

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

/**
 * The read limit: the adapter's page query on a second, bare better-sqlite3 connection, each row
 * parsed into the same object as the adapter's. Read chunk by chunk, in step with readAll.
 */
function bareReader(file: string) {
  const db = new Database(file, { readonly: true });
  const page = db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?');
  const tally: Tally = { count: 0, seconds: 0 };
  const chunkSeconds: number[] = [];
  let after = 0;
  return {
    tally,
    chunkSeconds,
    readChunk(size: number): void {
      const t0 = performance.now();
      let remaining = size;
      while (remaining > 0) {
        const rows = page.all(after, Math.min(1000, remaining));
        for (const row of rows) {
          const event = {
            id: row.id,
            stream: row.stream,
            revision: row.revision,
            position: row.position,
            type: row.type,
            data: JSON.parse(row.data) as unknown,
            metadata: JSON.parse(row.metadata) as Record<string, unknown>,
            created: new Date(row.created),
          };
          after = event.position;
        }
        tally.count += rows.length;
        remaining -= rows.length;
        if (rows.length === 0) break;
      }
      const seconds = (performance.now() - t0) / 1000;
      tally.seconds += seconds;
      chunkSeconds.push(seconds);
    },
    close: () => db.close(),
  };
}

interface ReadResult {
  perSecond: number;
  /** Seconds per READ_CHUNK events, in order. */
  chunkSeconds: number[];
  rss: [number, number, number];
}

/**
 * Events/s of iterating `source` until position `stopAt`, with RSS at start, middle and end. Every
 * READ_CHUNK events the clock stops and `between` runs (the bare reader, so both see the same
 * machine conditions).
 */
async function timedRead(
  source: AsyncIterable<{ position: number }>,
  stopAt: number,
  between: () => void = () => {},
): Promise<ReadResult> {
  const start = rssMB();
  let middle = start;
  let count = 0;
  let last = 0;
  const chunkSeconds: number[] = [];
  let t0 = performance.now();
  for await (const event of source) {
    if (event.position <= last) throw new Error(`positions out of order: ${event.position} after ${last}`);
    last = event.position;
    if (++count === TOTAL_EVENTS / 2) middle = rssMB();
    if (last >= stopAt) break;
    if (count % READ_CHUNK === 0) {
      chunkSeconds.push((performance.now() - t0) / 1000);
      between();
      t0 = performance.now();
    }
  }
  chunkSeconds.push((performance.now() - t0) / 1000);
  const end = rssMB();
  if (count !== TOTAL_EVENTS) throw new Error(`read ${count} events, expected ${TOTAL_EVENTS}`);
  const seconds = chunkSeconds.reduce((sum, s) => sum + s, 0);
  return { perSecond: count / seconds, chunkSeconds, rss: [start, middle, end] };
}

async function millionFigures(dir: string): Promise<Figure[]> {
  const file = join(dir, 'million.db');
  const store = createSqliteStore({ file });
  try {
    progress(`filling ${TOTAL_EVENTS.toLocaleString('en-US')} events, ${FILL_BATCH} per append`);
    const fillSeconds = await fill(store);
    const head = await store.headPosition();
    if (head !== TOTAL_EVENTS) throw new Error(`head is ${head} after the fill, expected ${TOTAL_EVENTS}`);
    const bytes = checkpointedBytes(file);

    progress('readAll, in step with bare better-sqlite3 pages');
    const bare = bareReader(file);
    bare.readChunk(READ_CHUNK);
    const read = await timedRead(store.readAll(), head, () => bare.readChunk(READ_CHUNK));
    bare.close();
    if (bare.tally.count !== TOTAL_EVENTS) throw new Error(`bare read saw ${bare.tally.count} events`);
    const readLimit = bare.tally.count / bare.tally.seconds;
    const readRatio = median(read.chunkSeconds.map((s, i) => bare.chunkSeconds[i]! / s));
    progress('catch-up subscription');
    const subscription = store.subscribeToAll();
    const sub = await timedRead(subscription, head);
    await subscription.stop();

    const rssFigures = (label: string, [start, middle, end]: [number, number, number]): Figure[] => [
      { name: `  ${label} RSS at start`, value: start, unit: 'MB' },
      { name: `  ${label} RSS at middle`, value: middle, unit: 'MB' },
      { name: `  ${label} RSS at end`, value: end, unit: 'MB' },
    ];
    return [
      { name: `fill ${TOTAL_EVENTS.toLocaleString('en-US')} events (${FILL_BATCH}/append)`, value: TOTAL_EVENTS / fillSeconds, unit: 'events/s', note: `${fillSeconds.toFixed(1)} s` },
      { name: 'database size (db + WAL, checkpointed)', value: bytes / TOTAL_EVENTS, unit: 'bytes/event', note: `${(bytes / 1048576).toFixed(0)} MB` },
      { name: `readAll over ${TOTAL_EVENTS.toLocaleString('en-US')} events`, value: read.perSecond, unit: 'events/s', target: { atLeast: 200_000 } },
      { name: '  limit: bare pages + JSON.parse', value: readLimit, unit: 'events/s' },
      { name: '  readAll / limit', value: 100 * readRatio, unit: '%', note: `median of ${read.chunkSeconds.length} interleaved chunks` },
      ...rssFigures('readAll', read.rss),
      { name: `catch-up subscription over ${TOTAL_EVENTS.toLocaleString('en-US')}`, value: sub.perSecond, unit: 'events/s' },
      ...rssFigures('subscription', sub.rss),
    ];
  } finally {
    await store.close();
  }
}

/** For profiling: the pieces of the bench (e.g. the append comparison alone). */
export const internals = { appendsBesideLimit, makeEvent };

// --- the module ----------------------------------------------------------------------------------

function jsonSizeFigure(): Figure {
  const samples = Array.from({ length: 1000 }, () => makeEvent());
  const bytes = samples.reduce((sum, e) => sum + JSON.stringify(e.data).length + JSON.stringify(e.metadata).length, 0);
  return { name: 'event JSON size (data + metadata)', value: bytes / samples.length, unit: 'bytes' };
}

export const eventStoreBench: BenchModule = {
  name: 'eventstore',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'bench-eventstore-'));
    try {
      const figures = [jsonSizeFigure(), ...(await appendFigures(dir)), ...(await millionFigures(dir))];
      figures.push({ name: 'process peak RSS (maxRSS)', value: process.resourceUsage().maxRSS / 1024, unit: 'MB' });
      return figures;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
