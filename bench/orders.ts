// The sales command API over HTTP on the embedded store: 32 concurrent clients (each its own
// customer with a prepaid balance, so that their debits never conflict) place and pay from the
// prepaid account an order of two coupons (POST /api/orders, manual, RIN-FIRMA × 2), one request
// after another, through a real socket (the app listening on 127.0.0.1, a keep-alive agent, a
// logged-in session cookie; the clients run in a worker thread, bench/orderClients.mjs, so that
// they do not take the server's event loop). The whole server runs: the session check against the
// event store, the projections (read-your-writes: the answer waits for the orders and prepaid read
// models) and the reactors, which fulfil each paid order (two coupons, the invoice, the e-mail
// queued; the outbox "sends" into nodemailer's jsonTransport).
//
// Figures: commands per second and p50/p99 latency of the orders; the CPU they cost (steadier than
// throughput on a shared machine): the event loop's, the projections' thread's, the other threads'
// (GC, compiler, WAL checkpointers), all of the server's together, and the clients' worker apart;
// the floor under it, measured in the same run once the server is idle: what the parts the project
// is built on do for the measured orders with nothing else running (the events they caused written
// again through the same read models and as bare INSERTs into the log's table, in batches of 1,000;
// their requests through Fastify with the order route's schemas only; their e-mails composed by
// nodemailer), CPU on all threads: what no code of ours can go below, and the orders per second
// those cores allow at that floor; fulfilments per
// second as the reactors catch up, from the first measured order to the last OrderFulfilled; then
// how fast reactors started afresh (a restart) replay the whole log to rebuild their work lists.
// BENCH_ORDERS_PER_CLIENT=30 for a quicker look;
// BENCH_NO_REACTORS=1 measures the orders with the reactors off (no fulfilment competing for the
// CPU and the store). Everything lives in a temp directory, removed at the end.
import Database from 'better-sqlite3';
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { createSqliteStore } from '../events/adapters/sqlite';
import { keepCheckpointed } from '../events/adapters/walCheckpointer';
import { catalogue } from '../events/index';
import type { EventStore } from '../events/port';
import { projections } from '../projections/index';
import type { Projection, ProjectedEvent } from '../projections/projection';
import { openReadModelDb } from '../projections/readModelDb';
import { ProjectionThread } from '../projections/thread';
import { buildApp } from '../server/app';
import { placeBody, placedAnswer } from '../server/features/orders/routes';
import { partitaIvaCheckDigit } from '../domain/shared/partitaIva';
import { quoteTopUp, registerCustomer, seedGuideProducts, topUpPrepaid } from '../server/features/services';
import { systemContext } from '../server/security/bootstrap';
import { startReactors } from '../server/reactors/index';
import { createStaffUser } from '../server/features/staff/accounts';
import type { BenchModule, Figure } from './run';
import { openBare } from './eventStore';
import { cpuBetween, readProcessCpu } from './threadCpu';

const CLIENTS = 32;
const ORDERS_PER_CLIENT = Number(process.env.BENCH_ORDERS_PER_CLIENT ?? 100);
// A server runs warm. After a warm-up of 5 orders per client, V8 still optimized some 400
// functions during the measured orders, and its compiler threads took about 0.45 ms of CPU per
// order on this 2-core machine: a quarter to a third of what a warm server spends in all.
const WARMUP_PER_CLIENT = 100;
const ORDER_TOTAL_CENTS = 2684; // RIN-FIRMA × 2: 2 × 11,00 € + 22 % VAT
const PASSWORD = 'benchmark password 1';
const FULFILMENT_TIMEOUT_MS = 600_000;

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function post(agent: http.Agent, port: number, path: string, body: unknown, cookie?: string): Promise<Answer> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...(cookie ? { cookie } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** What bench/orderClients.mjs is started with, and what it answers for each phase. */
interface ClientsSetup {
  port: number;
  cookie: string;
  customerIds: string[];
}
export interface PhaseResult {
  latencies: number[];
  orderIds: string[];
  failures: number;
  firstFailure: string;
  /** The first answer the clients got, as it came (the requests' floor answers with it). */
  firstAnswer: { status: number; headers: http.IncomingHttpHeaders; body: string } | null;
  /** Wall-clock ms (performance.timeOrigin + now) when the phase started and ended. */
  startedAt: number;
  endedAt: number;
  /** The clients' thread id (Linux), whose CPU is the load generator's, not the server's. */
  thread: string | null;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** n valid partite IVA (office code 001). */
export function partiteIva(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const first = `${String(7_000_000 + i * 13).padStart(7, '0')}001`;
    return `${first}${partitaIvaCheckDigit(first)}`;
  });
}

const ALONE_BATCH = 1000;

/** `write` over `items` in slices of ALONE_BATCH (a replay's batches, one transaction each). */
function inBatches<T>(items: T[], write: (batch: T[]) => void): void {
  for (let i = 0; i < items.length; i += ALONE_BATCH) write(items.slice(i, i + ALONE_BATCH));
}

/**
 * CPU ms of `write` on this thread and of the others meanwhile (the WAL checkpointer copying what
 * it wrote, the GC), `db`'s log checkpointed before the clock starts and once more before it stops,
 * so that the copying of exactly these writes is counted; CPU, not wall time, so that waiting for
 * an fsync is not. The server is idle by then (its clients gone, its reactors and projections
 * caught up).
 */
function cpuOfWrites(db: Database.Database, write: () => void): { ms: number; otherThreadsMs: number } {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const before = readProcessCpu();
  write();
  db.pragma('wal_checkpoint(PASSIVE)');
  const cpu = cpuBetween(before, readProcessCpu());
  return { ms: cpu.eventLoopMs, otherThreadsMs: cpu.allThreadsMs - cpu.eventLoopMs };
}

/**
 * The server's projections applying the log's events after `from` up to `to` on this thread, and
 * nothing else: the events read and decoded beforehand, outside the clock, those up to `from`
 * applied first, unmeasured, so that the tables hold what the server's held. Batches of 1,000 (a
 * replay's): the cheapest way these read models can be written, a floor under what the
 * projections' thread spends on the same events.
 */
async function readModelsAlone(
  store: EventStore,
  file: string,
  from: number,
  to: number,
): Promise<{ ms: number; otherThreadsMs: number; events: number; byProjection: Map<string, number> }> {
  const db = openReadModelDb(file);
  const releaseCheckpoints = keepCheckpointed(db, resolve(file));
  const t = (logical: string) => logical;
  const handlers = new Map<string, Array<Projection<any>>>();
  for (const p of projections) for (const type of p.handles) handlers.set(type, [...(handlers.get(type) ?? []), p]);
  // Each projection's own ms, while measuring (the clock's reading costs some 0.1 µs a call).
  let byProjection: Map<string, number> | undefined;
  const apply = db.transaction((batch: ProjectedEvent[]) => {
    for (const event of batch) {
      for (const p of handlers.get(event.type)!) {
        const started = byProjection ? performance.now() : 0;
        p.apply(db, event, t);
        if (byProjection) byProjection.set(p.name, (byProjection.get(p.name) ?? 0) + performance.now() - started);
      }
    }
  });
  try {
    db.transaction(() => {
      for (const p of projections) p.setup(db, t);
    })();
    const before: ProjectedEvent[] = [];
    const measured: ProjectedEvent[] = [];
    let events = 0;
    for await (const event of store.readAll()) {
      if (event.position > to) break;
      if (event.position > from) events++;
      if (handlers.has(event.type)) (event.position > from ? measured : before).push(catalogue.decode(event) as ProjectedEvent);
    }
    inBatches(before, apply);
    byProjection = new Map();
    return { ...cpuOfWrites(db, () => inBatches(measured, apply)), events, byProjection };
  } finally {
    await releaseCheckpoints();
    db.close();
  }
}

/**
 * The event log's share of the floor: the rows of the server's log after `from` up to `to`, as it
 * stored them (their hash chain's links included), inserted with bare better-sqlite3 into the
 * adapter's table at its durability (bench/eventStore.ts), in transactions of 1,000: what storing
 * these events costs SQLite at the least, before any check, hash or group commit of the adapter.
 * The rows up to `from` go in first, unmeasured, so that the indexes are as deep as the server's.
 */
async function eventLogAlone(logFile: string, file: string, from: number, to: number): Promise<{ ms: number; otherThreadsMs: number; events: number }> {
  type Row = [string, string, number, string, string, string, number];
  const log = new Database(logFile, { readonly: true, fileMustExist: true });
  const rows = log
    .prepare<[number], Row>('SELECT id, stream, revision, type, data, metadata, created FROM events WHERE position <= ? ORDER BY position')
    .raw()
    .all(to);
  const firstMeasured = log.prepare<[number], number>('SELECT count(*) FROM events WHERE position <= ?').pluck().get(from)!;
  log.close();
  const db = openBare(file);
  const releaseCheckpoints = keepCheckpointed(db, resolve(file));
  const insert = db.prepare<Row>('INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertAll = db.transaction((batch: Row[]) => {
    for (const row of batch) insert.run(...row);
  });
  try {
    inBatches(rows.slice(0, firstMeasured), insertAll);
    const measured = rows.slice(firstMeasured);
    return { ...cpuOfWrites(db, () => inBatches(measured, insertAll)), events: measured.length };
  } finally {
    await releaseCheckpoints();
    db.close();
  }
}

type Phase = (ordersPerClient: number, ports?: number[]) => Promise<PhaseResult>;

// Headers Node writes itself, per connection and per answer; Fastify, the content type.
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'date', 'transfer-encoding', 'content-length', 'content-type']);

/**
 * The requests' share of the floor: the same clients send `ordersPerClient` orders each (after a warm-up) to a
 * Fastify app on this thread that has the order route's own schemas and nothing else (no session,
 * no access check, no other plugin): the body validated by the route's zod schema, the answer, one
 * the server gave (its status, headers and body), serialised by the route's answer schema. What
 * the chosen parts cost to take in and answer these requests at the least, before any command.
 * CPU of every thread but the clients', the server idle meanwhile.
 */
async function requestsAlone(phase: Phase, answer: NonNullable<PhaseResult['firstAnswer']>, ordersPerClient: number): Promise<{ msPerRequest: number; requests: number }> {
  const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !CONNECTION_HEADERS.has(name)));
  const body = JSON.parse(answer.body) as unknown;
  const bare = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  bare.setValidatorCompiler(validatorCompiler);
  bare.setSerializerCompiler(serializerCompiler);
  bare.post('/api/orders', { schema: { body: placeBody, response: { 201: placedAnswer } } }, async (_request, reply) => {
    reply.status(201).headers(headers);
    return body as never;
  });
  await bare.listen({ host: '127.0.0.1', port: 0 });
  try {
    const port = (bare.server.address() as { port: number }).port;
    await phase(Math.ceil(ordersPerClient / 5), [port]);
    const before = readProcessCpu();
    const measured = await phase(ordersPerClient, [port]);
    if (measured.failures > 0) throw new Error(`the requests alone were refused: ${measured.firstFailure}`);
    const requests = measured.latencies.length;
    return { msPerRequest: cpuBetween(before, readProcessCpu(), measured.thread ? [measured.thread] : []).allThreadsMs / requests, requests };
  } finally {
    await bare.close();
  }
}

/**
 * The e-mails' share of the floor: the measured orders' e-mails, as the outbox handed them to
 * nodemailer, composed again by a transport of the same kind, one after the other: what the chosen
 * mailer costs for them at the least, before any reading or deciding of the outbox. CPU of every
 * thread.
 */
async function emailsAlone(mails: SendMailOptions[]): Promise<{ ms: number }> {
  const transport = nodemailer.createTransport({ jsonTransport: true });
  try {
    for (const mail of mails.slice(0, 100)) await transport.sendMail(mail); // warm
    const before = readProcessCpu();
    for (const mail of mails) await transport.sendMail(mail);
    return { ms: cpuBetween(before, readProcessCpu()).allThreadsMs };
  } finally {
    transport.close();
  }
}

async function run(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-orders-'));
  const store = createSqliteStore({ file: join(dir, 'events.db') });
  const transport = nodemailer.createTransport({ jsonTransport: true });
  // What the outbox hands over, for the e-mails' share of the floor.
  const mailed: SendMailOptions[] = [];
  /** When each was handed over (the clients' clock: performance.timeOrigin + now). */
  const mailedAt: number[] = [];
  const sendMail = transport.sendMail.bind(transport);
  transport.sendMail = ((mail: SendMailOptions) => {
    mailed.push(mail);
    mailedAt.push(performance.timeOrigin + performance.now());
    return sendMail(mail);
  }) as typeof transport.sendMail;
  const app = await buildApp({
    store,
    dataDir: dir,
    logger: false,
    security: { passwordHashLogN: 12 },
    sales: { transport: transport as never, reactors: process.env.BENCH_NO_REACTORS ? false : true },
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    // --- setup, through the services: products, the desk user, 32 customers with a balance ------
    const ctx = systemContext();
    await seedGuideProducts(app.sales, ctx);
    await createStaffUser(store, { username: 'banco', displayName: 'Banco', roles: ['operator'], password: PASSWORD }, ctx, { passwordHashLogN: 12 });
    const login = await post(agent, port, '/api/auth/login', { username: 'banco', password: PASSWORD });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${login.body}`);
    const sessionLine = (login.headers['set-cookie'] ?? []).find((c) => c.startsWith('bo_session='));
    if (!sessionLine) throw new Error('no session cookie');
    const setCookie = sessionLine.split(';')[0]!;
    const customers: string[] = [];
    const balance = (ORDERS_PER_CLIENT + WARMUP_PER_CLIENT) * ORDER_TOTAL_CENTS;
    for (const [i, partitaIva] of partiteIva(CLIENTS).entries()) {
      const { customerId } = await registerCustomer(
        app.sales,
        {
          kind: 'firm',
          name: `Studio ${i}`,
          partitaIva,
          email: `studio${i}@example.it`,
          billingAddress: { street: 'Via Roma 1', postalCode: '00100', city: 'Roma', province: 'RM' },
        },
        ctx,
      );
      await topUpPrepaid(
        app.sales,
        { customerId, amountReceivedCents: quoteTopUp(app.sales, balance).toPayCents, method: 'bank_transfer', reference: 'bench', receivedOn: '2026-01-01' },
        ctx,
      );
      customers.push(customerId);
    }
    const clients = new Worker(new URL('./orderClients.mjs', import.meta.url), {
      workerData: { port, cookie: setCookie, customerIds: customers } satisfies ClientsSetup,
    });
    const phase: Phase = (ordersPerClient, ports) =>
      new Promise<PhaseResult>((resolve, reject) => {
        clients.once('message', resolve);
        clients.once('error', reject);
        clients.postMessage({ ordersPerClient, ...(ports ? { ports } : {}) });
      });

    // --- warm-up (JIT, caches, first fulfilments), then wait for the reactors -------------------
    const warmUp = await phase(WARMUP_PER_CLIENT);
    if (warmUp.failures > 0) throw new Error(`warm-up order: ${warmUp.firstFailure}`);
    await app.salesReactors?.idle();
    const mailedBefore = mailed.length;

    // --- measured: 32 clients, one order after another each -------------------------------------
    // When each order was paid and fulfilled, as a live subscription sees the events (the same
    // delay for both, so their difference is the fulfilment's).
    const paid = new Map<string, number>();
    const fulfilled = new Map<string, number>();
    const measuredFrom = await store.headPosition();
    const subscription = store.subscribeToAll({ after: measuredFrom });
    const following = (async () => {
      for await (const e of subscription) {
        if (e.type === 'OrderPaid') paid.set((e.data as { orderId: string }).orderId, performance.timeOrigin + performance.now());
        if (e.type === 'OrderFulfilled') fulfilled.set((e.data as { orderId: string }).orderId, performance.timeOrigin + performance.now());
      }
    })();
    const cpuBefore = readProcessCpu();
    const measured = await phase(ORDERS_PER_CLIENT);
    const cpu = cpuBetween(cpuBefore, readProcessCpu(), measured.thread ? [measured.thread] : []);
    const projectionsThread = app.projections instanceof ProjectionThread ? app.projections.osThread : null;
    const projectionsMs = projectionsThread ? (cpu.threads.get(projectionsThread) ?? 0) : NaN;
    const { latencies, failures, firstFailure } = measured;
    const measuredOrders = new Set(measured.orderIds);
    const started = measured.startedAt;
    const ordersDone = measured.endedAt;

    // --- fulfilment: until every measured order is fulfilled ------------------------------------
    const deadline = Date.now() + FULFILMENT_TIMEOUT_MS;
    const pending = () => [...measuredOrders].filter((id) => !fulfilled.has(id)).length;
    while (app.salesReactors && pending() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await subscription.stop();
    await following;
    const lastFulfilled = Math.max(...[...measuredOrders].map((id) => fulfilled.get(id) ?? NaN));
    const fulfilledCount = measuredOrders.size - pending();

    // --- the floor: the same events written alone, the server idle (e-mails sent, read models caught up)
    await app.salesReactors?.idle();
    const measuredTo = await store.headPosition();
    // Read models still catching up would put their thread's CPU into the floor's "other threads".
    if (!(await app.projections.waitFor(measuredTo, undefined, FULFILMENT_TIMEOUT_MS))) {
      throw new Error(`the read models did not reach position ${measuredTo} within ${FULFILMENT_TIMEOUT_MS / 1000} s`);
    }
    const alone = await readModelsAlone(store, join(dir, 'alone.db'), measuredFrom, measuredTo);
    const logAlone = await eventLogAlone(join(dir, 'events.db'), join(dir, 'log-alone.db'), measuredFrom, measuredTo);
    if (!measured.firstAnswer) throw new Error('no answer to replay for the requests alone');
    const httpAlone = await requestsAlone(phase, measured.firstAnswer, ORDERS_PER_CLIENT);
    const measuredMails = mailed.slice(mailedBefore);
    const lastMailed = Math.max(...mailedAt.slice(mailedBefore));
    const mailedWhileOrdering = mailedAt.slice(mailedBefore).filter((at) => at <= ordersDone).length;
    const mailAlone = await emailsAlone(measuredMails);
    await clients.terminate();

    // --- a restart: fresh reactors replay the whole log to rebuild their work lists ---------------
    const events = await store.headPosition();
    const replayStarted = performance.now();
    const restarted = startReactors({ ...app.sales, transport: transport as never });
    await restarted.idle();
    const replayMs = performance.now() - replayStarted;
    await restarted.stop();

    const seconds = (ordersDone - started) / 1000;
    latencies.sort((a, b) => a - b);
    const fulfilmentSeconds = (lastFulfilled - started) / 1000;
    const fulfilmentLatencies = [...measuredOrders]
      .filter((id) => paid.has(id) && fulfilled.has(id))
      .map((id) => fulfilled.get(id)! - paid.get(id)!)
      .sort((a, b) => a - b);
    const orderRate = measuredOrders.size / seconds;
    const ranked = [...alone.byProjection].sort((x, y) => y[1] - x[1]);
    const msOf = (projectionsMs: Array<[string, number]>) => projectionsMs.reduce((sum, [, ms]) => sum + ms, 0);
    const fulfilmentRate = fulfilledCount / fulfilmentSeconds;
    const floorMs = (alone.ms + alone.otherThreadsMs + logAlone.ms + logAlone.otherThreadsMs + mailAlone.ms) / measuredOrders.size + httpAlone.msPerRequest;
    const cores = availableParallelism();
    const figures: Figure[] = [
      {
        name: `orders placed + paid (prepaid, 2 coupons), ${CLIENTS} clients`,
        value: orderRate,
        unit: 'commands/s',
        target: { atLeast: 3000 }, // issue #20
        note: `${measuredOrders.size} orders in ${seconds.toFixed(1)} s, after ${CLIENTS * WARMUP_PER_CLIENT} to warm up${failures ? `; ${failures} refused, first: ${firstFailure}` : ''}`,
      },
      {
        name: '  limit: the cores / the floor below',
        value: (cores * 1000) / floorMs,
        unit: 'orders/s',
        note: `${cores} cores, each order costing at least the floor's ${floorMs.toFixed(2)} ms`,
      },
      { name: 'order latency p50', value: percentile(latencies, 50), unit: 'ms' },
      { name: 'order latency p99', value: percentile(latencies, 99), unit: 'ms', target: { atMost: 25 } },
      { name: 'CPU per order while ordering, event loop', value: cpu.eventLoopMs / measuredOrders.size, unit: 'ms' },
      {
        name: 'CPU per order while ordering, all threads',
        value: cpu.allThreadsMs / measuredOrders.size,
        unit: 'ms',
        target: { atMost: 0.6 },
        note: `projections, GC, checkpoints...; ${(cpu.allThreadsMs / (ordersDone - started)).toFixed(2)} cores`,
      },
      {
        name: "  the projections' thread",
        value: projectionsMs / measuredOrders.size,
        unit: 'ms',
        note: projectionsThread ? 'the read models' : 'its thread not known here (no /proc, or no thread)',
      },
      {
        name: '  the other threads',
        value: (cpu.allThreadsMs - cpu.eventLoopMs - (projectionsThread ? projectionsMs : 0)) / measuredOrders.size,
        unit: 'ms',
        note: "V8's garbage collector and compiler, the WAL checkpointers, libuv's pool",
      },
      {
        // What no code of ours can go below on SQLite: the target is out of reach by this much at least.
        name: '  floor: the chosen parts alone',
        value: floorMs,
        unit: 'ms',
        note: 'the four below, CPU on all threads: SQLite writing the events the orders caused (fulfilment and e-mails too), Fastify and zod on their requests, nodemailer on their e-mails',
      },
      {
        name: "    the read models' SQL alone",
        value: (alone.ms + alone.otherThreadsMs) / measuredOrders.size,
        unit: 'ms',
        note: `the ${alone.events.toLocaleString('en')} events through the ${projections.length} projections, batches of ${ALONE_BATCH.toLocaleString('en')}, decoded beforehand`,
      },
      ...ranked.slice(0, 3).map(([name, ms]): Figure => ({ name: `      ${name}`, value: ms / measuredOrders.size, unit: 'ms', note: 'its apply' })),
      { name: `      the other ${ranked.length - 3} read models`, value: msOf(ranked.slice(3)) / measuredOrders.size, unit: 'ms' },
      {
        name: '      the commits',
        value: (alone.ms - msOf(ranked)) / measuredOrders.size,
        unit: 'ms',
        note: 'the loop around the applies, and the last checkpoint',
      },
      {
        name: '      WAL checkpoints, GC',
        value: alone.otherThreadsMs / measuredOrders.size,
        unit: 'ms',
        note: 'the other threads meanwhile',
      },
      {
        name: "    the event log's rows alone",
        value: (logAlone.ms + logAlone.otherThreadsMs) / measuredOrders.size,
        unit: 'ms',
        note: `the same events' rows as stored, bare INSERTs into the log's table, batches of ${ALONE_BATCH.toLocaleString('en')}; other threads ${(logAlone.otherThreadsMs / measuredOrders.size).toFixed(2)} ms`,
      },
      {
        name: '    the requests alone',
        value: httpAlone.msPerRequest,
        unit: 'ms',
        note: `the same clients' ${httpAlone.requests.toLocaleString('en')} POSTs to Fastify with the route's schemas only, answered with the server's answer`,
      },
      {
        name: '    the e-mails alone',
        value: mailAlone.ms / measuredOrders.size,
        unit: 'ms',
        note: `the ${measuredMails.length.toLocaleString('en')} e-mails the outbox handed to nodemailer, composed again by a jsonTransport`,
      },
      {
        name: "CPU per order while ordering, the clients' worker",
        value: cpu.apartMs / measuredOrders.size,
        unit: 'ms',
        note: measured.thread ? 'the load generator: not counted above' : 'its thread not known here (no /proc): counted above',
      },
      {
        name: 'fulfilment (coupons + invoice + queued e-mail)',
        value: fulfilmentRate,
        unit: 'orders/s',
        note: `${fulfilledCount} of ${measuredOrders.size} fulfilled ${fulfilmentSeconds.toFixed(1)} s after the first order (${((lastFulfilled - ordersDone) / 1000).toFixed(1)} s after the last)`,
      },
      {
        // The limit measured in the same run: fulfilment keeps pace when it is at least the order rate.
        name: 'fulfilment rate / order rate, same run',
        value: (fulfilmentRate / orderRate) * 100,
        unit: '%',
        target: { atLeast: 100 },
        note: `${fulfilmentRate.toFixed(0)} against ${orderRate.toFixed(0)} orders/s`,
      },
      {
        // Handed to nodemailer's jsonTransport, which answers at once: what the outbox itself takes.
        name: "e-mails: the last one sent, after the last order",
        value: (lastMailed - ordersDone) / 1000,
        unit: 's',
        note: `${mailedWhileOrdering} of ${measuredMails.length} sent while the orders arrived`,
      },
      { name: 'paid -> fulfilled p50', value: percentile(fulfilmentLatencies, 50), unit: 'ms' },
      {
        name: 'paid -> fulfilled p99',
        value: percentile(fulfilmentLatencies, 99),
        unit: 'ms',
        target: { atMost: 1000 },
        note: `over ${fulfilmentLatencies.length} orders; max ${percentile(fulfilmentLatencies, 100).toFixed(0)} ms`,
      },
      {
        name: "reactors' start: replay of the log to their work lists",
        value: (events / replayMs) * 1000,
        unit: 'events/s',
        note: `${events.toLocaleString('en')} events in ${replayMs.toFixed(0)} ms, nothing left to do`,
      },
    ];
    return figures;
  } finally {
    agent.destroy();
    await app.close();
    transport.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const ordersBench: BenchModule = { name: 'sales orders over HTTP', run };
