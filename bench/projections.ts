// The projection runner (projections/runner.ts) over 1,000,000 events of the embedded store:
//   - rebuild of five representative projections at once (customers, orders, devices, invoices,
//     daily sales: inserts, updates by key, upserted aggregates), from the first event into a fresh
//     read-model database, in events per second (target: 50,000), with RSS samples to show memory
//     stays flat: as the server and the CLI rebuild, reading ahead on another thread
//     (projections/readAhead.ts), and again on one thread for comparison;
//   - beside each rebuild, the limit without projections: the catch-up subscription plus decoding
//     (zod) of the events the projections handle, on one thread, which every rebuild pays. It is
//     measured right before and right after each rebuild, and the rebuild is compared with their
//     mean: this VM's speed drifts by half within minutes, which one limit measured earlier hides;
//   - the projections' own work alone (events decoded beforehand), and from it the ceiling of a
//     rebuild on one thread;
//   - live: the time from an append to its being visible in every read model (runner.waitFor).
// The events are representative of the back office (a bench catalogue of the same shape: zod
// schemas of a few fields and nested order lines, the real metadata schema), so this bench does not
// move when the domain catalogue changes. Everything lives in a temp directory, removed at the end.
// The rebuild is also given per CPU-second of the process, which a busy machine does not distort.
// BENCH_PROJECTION_EVENTS=200000 runs it over fewer events (for a quick look, or a profile through
// `internals`).
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { createSqliteStore } from '../events/adapters/sqlite';
import { keepCheckpointed } from '../events/adapters/walCheckpointer';
import { EventCatalogue, defineEvent, type EventOf } from '../events/eventCatalogue';
import type { EventStore, EventToAppend } from '../events/port';
import { sql, type Projection, type ProjectedEvent } from '../projections/projection';
import { openReadModelDb } from '../projections/readModelDb';
import { ProjectionRunner } from '../projections/runner';
import type { BenchModule, Figure } from './run';

const TOTAL_EVENTS = Number(process.env.BENCH_PROJECTION_EVENTS ?? 1_000_000);
const FILL_BATCH = 1000;
const FILL_IN_FLIGHT = 4;
/** The runner's default batch (projections/runner.ts): events applied per transaction. */
const BATCH = 1000;
const LIVE_SAMPLES = 200;
const TARGET = 50_000;

// --- a representative catalogue ------------------------------------------------------------------

const money = z.number().int().nonnegative();
const customerRegistered = defineEvent(
  'CustomerRegistered',
  z.object({
    customerId: z.string().min(1),
    kind: z.enum(['person', 'company']),
    name: z.string().min(1),
    codiceFiscale: z.string().min(11).max(16),
    email: z.email(),
    city: z.string(),
  }),
);
const orderPlaced = defineEvent(
  'OrderPlaced',
  z.object({
    orderId: z.string().min(1),
    customerId: z.string().min(1),
    lines: z.array(z.object({ productId: z.string(), quantity: z.number().int().positive(), unitPriceCents: money })).min(1),
    totalCents: money,
    currency: z.literal('EUR'),
  }),
);
const orderPaid = defineEvent(
  'OrderPaid',
  z.object({ orderId: z.string(), paymentId: z.string(), amountCents: money, method: z.enum(['card', 'cash', 'transfer']) }),
);
const deviceAssigned = defineEvent(
  'DeviceAssigned',
  z.object({ deviceId: z.string(), serial: z.string(), model: z.string(), orderId: z.string(), customerId: z.string() }),
);
const invoiceIssued = defineEvent(
  'InvoiceIssued',
  z.object({
    invoiceId: z.string(),
    number: z.number().int().positive(),
    year: z.number().int(),
    orderId: z.string(),
    customerId: z.string(),
    netCents: money,
    vatCents: money,
  }),
);
const definitions = [customerRegistered, orderPlaced, orderPaid, deviceAssigned, invoiceIssued];
type BenchEvent =
  | EventOf<typeof customerRegistered>
  | EventOf<typeof orderPlaced>
  | EventOf<typeof orderPaid>
  | EventOf<typeof deviceAssigned>
  | EventOf<typeof invoiceIssued>;
/** Exported for the read-ahead thread of the rebuild, which imports it from this module. */
export const catalogue = new EventCatalogue<BenchEvent>(definitions);

// --- events: cycles of 10 per customer, one of them of a type no projection handles --------------

const BASE_TIME = Date.parse('2025-01-01T08:00:00.000Z');
const MODELS = ['SIG-PAD-10', 'SIG-PAD-13', 'SIG-PEN-2', 'SIG-KIOSK-1'] as const;

function eventData(n: number): { type: string; data: unknown } {
  const c = Math.floor(n / 10);
  const customerId = `CUS-${String(c).padStart(7, '0')}`;
  const order = (k: number) => `ORD-${String(c * 3 + k).padStart(8, '0')}`;
  switch (n % 10) {
    case 0:
      return {
        type: 'CustomerRegistered',
        data: {
          customerId,
          kind: c % 5 === 0 ? 'company' : 'person',
          name: `Customer ${c}`,
          codiceFiscale: `RSSMRA80A01H${String(c % 1000).padStart(3, '0')}Z`,
          email: `customer${c}@example.it`,
          city: ['Milano', 'Roma', 'Torino', 'Napoli'][c % 4],
        },
      };
    case 1:
    case 2:
    case 3: {
      const quantity = 1 + (n % 3);
      return {
        type: 'OrderPlaced',
        data: {
          orderId: order(n % 10),
          customerId,
          lines: [{ productId: MODELS[n % 4], quantity, unitPriceCents: 18_900 }],
          totalCents: quantity * 18_900,
          currency: 'EUR',
        },
      };
    }
    case 4:
    case 5:
      return {
        type: 'OrderPaid',
        data: { orderId: order((n % 10) - 3), paymentId: `PAY-${n}`, amountCents: 18_900, method: n % 2 ? 'card' : 'transfer' },
      };
    case 6:
    case 7:
      return {
        type: 'DeviceAssigned',
        data: { deviceId: `DEV-${n}`, serial: `SN${n}`, model: MODELS[c % 4], orderId: order((n % 10) - 5), customerId },
      };
    case 8:
      return {
        type: 'InvoiceIssued',
        data: { invoiceId: `INV-${n}`, number: 1 + c, year: 2025, orderId: order(1), customerId, netCents: 18_900, vatCents: 4_158 },
      };
    default:
      return { type: 'CouponChecked', data: { code: `CPN-${n}`, valid: n % 3 === 0 } };
  }
}

function makeEvent(n: number, correlationId: string): EventToAppend {
  const { type, data } = eventData(n);
  return {
    id: randomUUID(),
    type,
    data,
    metadata: {
      actor: { userId: `u-${1000 + (n % 40)}`, role: 'operator' },
      at: new Date(BASE_TIME + n * 1000).toISOString(),
      correlationId,
      causationId: null,
      schemaVersion: 1,
    },
  };
}

// --- representative projections --------------------------------------------------------------------

type P = Projection<BenchEvent>;

const customers: P = {
  name: 'customers',
  version: 1,
  tables: ['customers', 'customer_orders'],
  handles: ['CustomerRegistered', 'OrderPlaced', 'OrderPaid'],
  setup(db, t) {
    db.exec(`CREATE TABLE ${t('customers')} (id TEXT PRIMARY KEY, kind TEXT, name TEXT, tax_code TEXT, email TEXT, city TEXT,
      orders INTEGER NOT NULL DEFAULT 0, ordered_cents INTEGER NOT NULL DEFAULT 0, paid_cents INTEGER NOT NULL DEFAULT 0)`);
    db.exec(`CREATE INDEX ${t('customers')}_by_name ON ${t('customers')} (name)`);
    db.exec(`CREATE TABLE ${t('customer_orders')} (order_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL) WITHOUT ROWID`);
  },
  apply(db, e, t) {
    const table = t('customers');
    if (e.type === 'CustomerRegistered') {
      const d = e.data;
      sql(db)`INSERT INTO ${table} (id, kind, name, tax_code, email, city) VALUES (?, ?, ?, ?, ?, ?)`.run(
        d.customerId, d.kind, d.name, d.codiceFiscale, d.email, d.city,
      );
    } else if (e.type === 'OrderPlaced') {
      sql(db)`UPDATE ${table} SET orders = orders + 1, ordered_cents = ordered_cents + ? WHERE id = ?`.run(
        e.data.totalCents,
        e.data.customerId,
      );
      sql(db)`INSERT INTO ${t('customer_orders')} VALUES (?, ?)`.run(e.data.orderId, e.data.customerId);
    } else if (e.type === 'OrderPaid') {
      // A payment names the order only: the customer is looked up in the projection's own table.
      const customerId = sql(db)<[string], string>`SELECT customer_id FROM ${t('customer_orders')} WHERE order_id = ?`
        .pluck()
        .get(e.data.orderId);
      if (customerId) sql(db)`UPDATE ${table} SET paid_cents = paid_cents + ? WHERE id = ?`.run(e.data.amountCents, customerId);
    }
  },
};

const orders: P = {
  name: 'orders',
  version: 1,
  tables: ['orders'],
  handles: ['OrderPlaced', 'OrderPaid', 'DeviceAssigned'],
  setup(db, t) {
    db.exec(`CREATE TABLE ${t('orders')} (id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, lines TEXT NOT NULL,
      total_cents INTEGER NOT NULL, paid_cents INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL, devices INTEGER NOT NULL DEFAULT 0,
      placed_at TEXT NOT NULL)`);
    db.exec(`CREATE INDEX ${t('orders')}_by_customer ON ${t('orders')} (customer_id)`);
    db.exec(`CREATE INDEX ${t('orders')}_by_status ON ${t('orders')} (status, placed_at)`);
  },
  apply(db, e, t) {
    const table = t('orders');
    if (e.type === 'OrderPlaced') {
      sql(db)`INSERT INTO ${table} (id, customer_id, lines, total_cents, status, placed_at) VALUES (?, ?, ?, ?, 'placed', ?)`.run(
        e.data.orderId, e.data.customerId, JSON.stringify(e.data.lines), e.data.totalCents, e.metadata.at,
      );
    } else if (e.type === 'OrderPaid') {
      sql(db)`UPDATE ${table} SET paid_cents = paid_cents + ?, status = 'paid' WHERE id = ?`.run(e.data.amountCents, e.data.orderId);
    } else if (e.type === 'DeviceAssigned') {
      sql(db)`UPDATE ${table} SET devices = devices + 1 WHERE id = ?`.run(e.data.orderId);
    }
  },
};

const devices: P = {
  name: 'devices',
  version: 1,
  tables: ['devices'],
  handles: ['DeviceAssigned'],
  setup(db, t) {
    db.exec(`CREATE TABLE ${t('devices')} (id TEXT PRIMARY KEY, serial TEXT NOT NULL UNIQUE, model TEXT NOT NULL,
      order_id TEXT NOT NULL, customer_id TEXT NOT NULL, assigned_at TEXT NOT NULL)`);
    db.exec(`CREATE INDEX ${t('devices')}_by_customer ON ${t('devices')} (customer_id)`);
  },
  apply(db, e, t) {
    if (e.type !== 'DeviceAssigned') return;
    sql(db)`INSERT INTO ${t('devices')} VALUES (?, ?, ?, ?, ?, ?)`.run(
      e.data.deviceId, e.data.serial, e.data.model, e.data.orderId, e.data.customerId, e.metadata.at,
    );
  },
};

const invoices: P = {
  name: 'invoices',
  version: 1,
  tables: ['invoices'],
  handles: ['InvoiceIssued'],
  setup(db, t) {
    db.exec(`CREATE TABLE ${t('invoices')} (id TEXT PRIMARY KEY, number INTEGER NOT NULL, year INTEGER NOT NULL,
      order_id TEXT NOT NULL, customer_id TEXT NOT NULL, net_cents INTEGER NOT NULL, vat_cents INTEGER NOT NULL, issued_at TEXT NOT NULL)`);
    db.exec(`CREATE UNIQUE INDEX ${t('invoices')}_by_number ON ${t('invoices')} (year, number)`);
  },
  apply(db, e, t) {
    if (e.type !== 'InvoiceIssued') return;
    const d = e.data;
    sql(db)`INSERT INTO ${t('invoices')} VALUES (?, ?, ?, ?, ?, ?, ?, ?)`.run(
      d.invoiceId, d.number, d.year, d.orderId, d.customerId, d.netCents, d.vatCents, e.metadata.at,
    );
  },
};

const dailySales: P = {
  name: 'daily-sales',
  version: 1,
  tables: ['daily_sales'],
  handles: ['OrderPlaced', 'OrderPaid'],
  setup(db, t) {
    db.exec(`CREATE TABLE ${t('daily_sales')} (day TEXT PRIMARY KEY, orders INTEGER NOT NULL DEFAULT 0,
      ordered_cents INTEGER NOT NULL DEFAULT 0, paid_cents INTEGER NOT NULL DEFAULT 0)`);
  },
  apply(db, e, t) {
    const day = e.metadata.at.slice(0, 10);
    const [orders, ordered, paid] =
      e.type === 'OrderPlaced' ? [1, e.data.totalCents, 0] : e.type === 'OrderPaid' ? [0, 0, e.data.amountCents] : [0, 0, 0];
    sql(db)`INSERT INTO ${t('daily_sales')} (day, orders, ordered_cents, paid_cents) VALUES (?, ?, ?, ?)
       ON CONFLICT (day) DO UPDATE SET orders = orders + excluded.orders,
         ordered_cents = ordered_cents + excluded.ordered_cents, paid_cents = paid_cents + excluded.paid_cents`.run(day, orders, ordered, paid);
  },
};

const projections: P[] = [customers, orders, devices, invoices, dailySales];

// --- measurements --------------------------------------------------------------------------------

const rssMB = () => process.memoryUsage.rss() / 1048576;
const progress = (message: string) => process.stderr.write(`  projections: ${message}\n`);

async function fill(store: EventStore): Promise<number> {
  const t0 = performance.now();
  let inFlight: Promise<unknown>[] = [];
  let n = 0;
  for (let s = 0; s < TOTAL_EVENTS / FILL_BATCH; s++) {
    const correlationId = randomUUID();
    const events = Array.from({ length: FILL_BATCH }, () => makeEvent(n++, correlationId));
    inFlight.push(store.append(`bench-${s}`, events, { expectedRevision: 'no_stream' }));
    if (inFlight.length >= FILL_IN_FLIGHT) {
      await Promise.all(inFlight);
      inFlight = [];
    }
  }
  await Promise.all(inFlight);
  return (performance.now() - t0) / 1000;
}

/** The limit: subscription + decoding of the handled events, no projection. */
async function readAndDecode(store: EventStore, head: number): Promise<number> {
  const handled = new Set<string>(projections.flatMap((p) => p.handles));
  const subscription = store.subscribeToAll();
  const t0 = performance.now();
  let count = 0;
  for await (const event of subscription) {
    count++;
    if (handled.has(event.type)) catalogue.decode(event);
    if (event.position >= head) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  await subscription.stop();
  if (count !== TOTAL_EVENTS) throw new Error(`read ${count} events, expected ${TOTAL_EVENTS}`);
  return count / seconds;
}

interface RebuildResult {
  perSecond: number;
  perCpuSecond: number;
  /** CPU-seconds of every thread of the process per second of the rebuild. */
  cpus: number;
  seconds: number;
  rss: { start: number; middle: number; end: number; max: number };
  rows: number;
}

async function rebuildAll(store: EventStore, file: string, head: number, { readAhead = true } = {}): Promise<RebuildResult> {
  const db = openReadModelDb(file);
  const runner = new ProjectionRunner({
    store,
    catalogue,
    db,
    projections,
    ...(readAhead ? { readAhead: { catalogue: { module: new URL(import.meta.url), name: 'catalogue' } } } : {}),
  });
  const start = rssMB();
  let middle = start;
  let max = start;
  const sampler = setInterval(() => {
    const rss = rssMB();
    max = Math.max(max, rss);
    if (middle === start && (runner.snapshot()[0]?.position ?? 0) >= head / 2) middle = rss;
  }, 100);
  const cpu = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const t0 = performance.now();
  const cpu0 = cpu();
  try {
    await runner.start();
    await runner.whenCaughtUp();
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = cpu() - cpu0;
    const failed = runner.snapshot().filter((s) => s.error);
    if (failed.length > 0) throw new Error(`${failed[0]!.name} failed: ${failed[0]!.error!.message}`);
    if (runner.snapshot().some((s) => s.position !== head)) throw new Error('a projection did not reach the head');
    const end = rssMB();
    const rows = countRows(db);
    return { perSecond: TOTAL_EVENTS / seconds, perCpuSecond: TOTAL_EVENTS / cpuSeconds, cpus: cpuSeconds / seconds, seconds, rss: { start, middle, end, max: Math.max(max, end) }, rows };
  } finally {
    clearInterval(sampler);
    await runner.stop();
    db.close();
  }
}

function countRows(db: Database.Database): number {
  return ['customers', 'orders', 'devices', 'invoices', 'daily_sales'].reduce(
    (sum, table) => sum + (db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number),
    0,
  );
}

/**
 * The projections' own work alone: the same apply functions and statements over the same events,
 * in transactions of the runner's batch size, with the events read and decoded beforehand, outside
 * the clock. What a rebuild on one thread pays is this plus the limit, so its best ratio to the limit
 * is this rate / (this rate + limit), however lean the runner.
 */
async function applyAlone(store: EventStore, file: string): Promise<number> {
  const db = openReadModelDb(file);
  const releaseCheckpoints = keepCheckpointed(db, resolve(file));
  const t = (logical: string) => logical;
  const handlers = new Map<string, P[]>();
  for (const p of projections) for (const type of p.handles) handlers.set(type, [...(handlers.get(type) ?? []), p]);
  let applySeconds = 0;
  let count = 0;
  const applyBatch = db.transaction((batch: Array<ProjectedEvent<BenchEvent>>) => {
    for (const event of batch) for (const p of handlers.get(event.type)!) p.apply(db, event, t);
  });
  try {
    db.transaction(() => {
      for (const p of projections) p.setup(db, t);
    })();
    let batch: Array<ProjectedEvent<BenchEvent>> = [];
    const run = () => {
      const t0 = performance.now();
      applyBatch(batch);
      applySeconds += (performance.now() - t0) / 1000;
      batch = [];
    };
    for await (const event of store.readAll()) {
      count++;
      if (handlers.has(event.type)) batch.push(catalogue.decode(event) as ProjectedEvent<BenchEvent>);
      if (count % BATCH === 0) run();
    }
    run();
  } finally {
    await releaseCheckpoints();
    db.close();
  }
  if (count !== TOTAL_EVENTS) throw new Error(`read ${count} events, expected ${TOTAL_EVENTS}`);
  return count / applySeconds;
}

/** Append → visible in every read model, one event at a time, with the runner live. */
async function liveLatency(store: EventStore, file: string): Promise<{ p50: number; p99: number }> {
  const db = openReadModelDb(file);
  const runner = new ProjectionRunner({ store, catalogue, db, projections });
  try {
    await runner.start();
    await runner.whenCaughtUp();
    const samples: number[] = [];
    for (let i = 0; i < LIVE_SAMPLES; i++) {
      const t0 = performance.now();
      const { position } = await store.append(`live-${i}`, [makeEvent(TOTAL_EVENTS + i, randomUUID())], {
        expectedRevision: 'no_stream',
      });
      if (!(await runner.waitFor(position, undefined, 5000))) throw new Error(`position ${position} not reached in 5 s`);
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    return { p50: samples[Math.floor(samples.length * 0.5)]!, p99: samples[Math.floor(samples.length * 0.99)]! };
  } finally {
    await runner.stop();
    db.close();
  }
}

/** For profiling: the pieces of the bench. */
export const internals = { fill, readAndDecode, applyAlone, rebuildAll, liveLatency, catalogue, projections };

export const projectionsBench: BenchModule = {
  name: 'projections',
  async run(): Promise<Figure[]> {
    const dir = mkdtempSync(join(tmpdir(), 'bench-projections-'));
    const store = createSqliteStore({ file: join(dir, 'events.db') });
    try {
      progress(`filling ${TOTAL_EVENTS.toLocaleString('en-US')} events`);
      const fillSeconds = await fill(store);
      const head = await store.headPosition();
      // The limit right before and right after each rebuild: each rebuild is compared with their mean.
      const limitOf = async () => {
        progress('limit: catch-up subscription + decoding, no projection');
        return readAndDecode(store, head);
      };
      const limits = [await limitOf()];
      progress(`rebuild of ${projections.length} projections from the first event, reading ahead on another thread`);
      const rebuild = await rebuildAll(store, join(dir, 'read.db'), head);
      limits.push(await limitOf());
      progress(`the same rebuild on one thread`);
      const oneThread = await rebuildAll(store, join(dir, 'one-thread.db'), head, { readAhead: false });
      limits.push(await limitOf());
      progress('the projections\' own work alone: events decoded beforehand, outside the clock');
      const alone = await applyAlone(store, join(dir, 'alone.db'));
      const limit = (limits[0]! + limits[1]!) / 2;
      const oneThreadLimit = (limits[1]! + limits[2]!) / 2;
      // One thread reads, decodes and applies in turn: its best is the harmonic sum of the two rates.
      const ceiling = (100 * alone) / (alone + oneThreadLimit);
      progress(`live: append → visible in every read model (${LIVE_SAMPLES} appends)`);
      const live = await liveLatency(store, join(dir, 'read.db'));
      const million = TOTAL_EVENTS.toLocaleString('en-US');
      const rate = (n: number) => Math.round(n).toLocaleString('en-US');
      return [
        { name: `fill ${million} events`, value: TOTAL_EVENTS / fillSeconds, unit: 'events/s', note: `${fillSeconds.toFixed(1)} s` },
        {
          name: `rebuild ${projections.length} projections over ${million} events`,
          value: rebuild.perSecond,
          unit: 'events/s',
          target: { atLeast: TARGET },
          note: `${rebuild.seconds.toFixed(1)} s, ${rebuild.rows.toLocaleString('en-US')} rows, reading ahead on another thread`,
        },
        { name: '  per CPU-second of the process', value: rebuild.perCpuSecond, unit: 'events/s' },
        { name: '  CPUs busy (of 2)', value: rebuild.cpus, unit: 'CPUs', note: 'both threads, the checkpointer and the GC' },
        {
          name: '  limit: subscription + decoding only',
          value: limit,
          unit: 'events/s',
          note: `mean of ${rate(limits[0]!)} before and ${rate(limits[1]!)} after`,
        },
        { name: '  rebuild / limit', value: (100 * rebuild.perSecond) / limit, unit: '%', target: { atLeast: 75 } },
        { name: 'rebuild on one thread', value: oneThread.perSecond, unit: 'events/s', note: `${oneThread.seconds.toFixed(1)} s, no read-ahead` },
        {
          name: '  limit: subscription + decoding only',
          value: oneThreadLimit,
          unit: 'events/s',
          note: `mean of ${rate(limits[1]!)} before and ${rate(limits[2]!)} after`,
        },
        { name: '  rebuild on one thread / limit', value: (100 * oneThread.perSecond) / oneThreadLimit, unit: '%' },
        { name: '  projections\' own work alone', value: alone, unit: 'events/s', note: 'same statements, events decoded beforehand' },
        {
          name: '  one-thread ceiling / limit',
          value: ceiling,
          unit: '%',
          note: 'alone / (alone + limit): what reading, decoding and applying in turn can reach',
        },
        { name: '  two threads / one thread', value: (100 * rebuild.perSecond) / oneThread.perSecond, unit: '%' },
        { name: '  RSS at start', value: rebuild.rss.start, unit: 'MB' },
        { name: '  RSS at middle', value: rebuild.rss.middle, unit: 'MB' },
        { name: '  RSS at end', value: rebuild.rss.end, unit: 'MB' },
        { name: '  RSS growth during the rebuild', value: rebuild.rss.max - rebuild.rss.start, unit: 'MB', target: { atMost: 200 } },
        { name: 'live: append → visible, p50', value: live.p50, unit: 'ms' },
        { name: 'live: append → visible, p99', value: live.p99, unit: 'ms', target: { atMost: 50 } },
      ];
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default projectionsBench;
