// The orders benchmark's traffic (bench/orders.ts: 32 clients in a worker thread, each its own
// customer with a prepaid balance, placing and paying an order of two coupons one after another)
// against real back-office processes (`server/main.ts`, as faults/backoffice.ts starts them):
// first one server on the embedded store (the reference measured in the same run), then one, two
// and three servers on ONE EventStoreDB test server, the requests dealt round robin across them as
// a load balancer would. The servers run as separate processes, so they do not share an event
// loop; on EventStoreDB their reactors are competing consumers of the persistent subscriptions,
// each read model is the server's own, and the session (logged in once, through the first server)
// is recognised by all.
//
// What the figures show: the design's overhead, not a cluster's speed. The test server is an
// in-memory gRPC server in this very process (test/events/eventstoredb/testServer.ts), sharing the
// machine's cores with the servers and the clients; on 2 cores it is the limit, so more servers
// do not mean more orders per second here. Each phase reports orders/s, p50/p99 latency, and
// whether fulfilment kept pace: how many of the phase's paid orders were fulfilled (coupons,
// invoice, e-mail queued) by the end, and fulfilments per second against orders per second.
//
// BENCH_ORDERS_PER_CLIENT (default 4) and BENCH_WARMUP_PER_CLIENT (default 1) size each phase, whose
// fulfilment is awaited BENCH_FULFILMENT_TIMEOUT_S (default 60) at most;
// every wait has a deadline, every process is stopped and the temp directory removed at the end,
// also when a phase fails.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { guideProducts } from '../domain/catalogue/decider';
import { createEventStoreDbStore } from '../events/adapters/eventstoredb';
import { ApiClient, expectStatus } from '../faults/api';
import { ADMIN, BackOffice } from '../faults/backoffice';
import { readLog, type LogSource } from '../faults/log';
import { FaultySmtp } from '../faults/smtp';
import { EventStoreTestServer } from '../test/events/eventstoredb/testServer';
import { partiteIva, percentile, type PhaseResult } from './orders';
import type { BenchModule, Figure } from './run';
import { cpuBetween, readProcessCpu } from './threadCpu';

const CLIENTS = 32;
// Small by default: on the 2 shared cores the servers on the test server fulfil a few orders a
// second, and the module should take about 3 minutes; the lead's quiet run may ask for more.
const ORDERS_PER_CLIENT = Number(process.env.BENCH_ORDERS_PER_CLIENT ?? 4);
const WARMUP_PER_CLIENT = Number(process.env.BENCH_WARMUP_PER_CLIENT ?? 1);
const SERVER_COUNTS = [1, 2, 3];
const ORDER_TOTAL_CENTS = 2684; // RIN-FIRMA × 2: 2 × 11,00 € + 22 % VAT
const STAFF = { username: 'benchdesk', password: 'benchmark desk password 1' };
/** The orders of one phase, and the fulfilment after them: each bounded. */
const ORDERS_TIMEOUT_MS = Number(process.env.BENCH_PHASE_TIMEOUT_S ?? 180) * 1000;
const FULFILMENT_TIMEOUT_MS = Number(process.env.BENCH_FULFILMENT_TIMEOUT_S ?? 60) * 1000;

interface PhaseFigures {
  label: string;
  orders: number;
  seconds: number;
  orderRate: number;
  p50: number;
  p99: number;
  failures: number;
  firstFailure: string;
  fulfilled: number;
  /** Fulfilled orders per second, from the phase's first order to its last fulfilment. */
  fulfilmentRate: number;
  /** Seconds after the last answered order until the last fulfilment (NaN: not all fulfilled). */
  fulfilmentTail: number;
  /** Warm-up orders still unfulfilled when the measured orders began (the wait is bounded). */
  warmUpBacklog: number;
  /** CPU ms per order: the servers' processes, and this process (clients, SMTP, the test server). */
  serversCpuMs: number;
  benchCpuMs: number;
}

/** CPU ms (user + system) of a whole process so far, from /proc; 0 when unreadable. */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ is 100
  } catch {
    return 0;
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The staff user, the guide's products and 32 firms with enough prepaid balance for every phase. */
async function setUp(baseUrl: string, phases: number): Promise<{ customerIds: string[]; cookie: string }> {
  const admin = new ApiClient(baseUrl, 60_000);
  await admin.login(ADMIN.username, ADMIN.password);
  expectStatus(await admin.post('/api/staff-users', { username: STAFF.username, displayName: 'Benchmark', roles: ['operator', 'supervisor'], password: STAFF.password }), 201);
  const staff = new ApiClient(baseUrl, 60_000);
  await staff.login(STAFF.username, STAFF.password);
  for (const product of guideProducts) {
    const body = Object.fromEntries(Object.entries(product).filter(([, v]) => v !== undefined));
    expectStatus(await staff.post('/api/products', body), 201);
  }
  const balance = phases * (ORDERS_PER_CLIENT + WARMUP_PER_CLIENT) * ORDER_TOTAL_CENTS;
  const customerIds: string[] = [];
  for (const [i, partitaIva] of partiteIva(CLIENTS).entries()) {
    const created = expectStatus(
      await staff.post('/api/customers', {
        kind: 'firm',
        name: `Studio ${i}`,
        partitaIva,
        email: `studio${i}@example.it`,
        billingAddress: { street: 'Via Roma 1', postalCode: '00100', city: 'Roma', province: 'RM' },
      }),
      201,
    );
    const id = created.body.id as string;
    const quote = expectStatus(await staff.get(`/api/customers/${id}/prepaid/top-up-quote?creditedCents=${balance}`), 200).body;
    expectStatus(
      await staff.post(`/api/customers/${id}/prepaid/top-ups`, { amountReceivedCents: quote.toPayCents, method: 'bank_transfer', reference: 'bench', receivedOn: '2026-01-01' }),
      201,
    );
    customerIds.push(id);
  }
  return { customerIds, cookie: await sessionCookie(baseUrl) };
}

/** A session of the staff user, as the clients' worker sends it (one login, recognised by every server). */
async function sessionCookie(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(STAFF),
    signal: AbortSignal.timeout(60_000),
  });
  if (response.status !== 200) throw new Error(`login: ${response.status} ${await response.text()}`);
  const line = response.headers.getSetCookie().find((c) => c.startsWith('bo_session='));
  if (!line) throw new Error('no session cookie');
  return line.split(';')[0]!;
}

/** The last lines of a server's log, for the report of a failed run (the directory is removed). */
function logTail(file: string, lines = 8): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** When orders were fulfilled (ms since the epoch), as the benchmark learns it from the log. */
interface Fulfilments {
  /** Those of `orderIds` fulfilled, waiting until all are or the deadline passes. */
  of(orderIds: Set<string>, deadline: number): Promise<Map<string, number>>;
  close(): Promise<void>;
}

async function until(orderIds: Set<string>, deadline: number, pollMs: number, look: () => Promise<Map<string, number>>): Promise<Map<string, number>> {
  for (;;) {
    const all = await look();
    const fulfilled = new Map([...orderIds].filter((id) => all.has(id)).map((id) => [id, all.get(id)!]));
    if (fulfilled.size >= orderIds.size || Date.now() >= deadline) return fulfilled;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** The embedded store's file read apart from the server (cheap): the store's own clock. */
function fulfilmentsInSqlite(dataDir: string): Fulfilments {
  const source: LogSource = { kind: 'sqlite', dataDir };
  const look = async () => new Map((await readLog(source)).filter((e) => e.type === 'OrderFulfilled').map((e) => [e.data.orderId as string, e.created]));
  return { of: (orderIds, deadline) => until(orderIds, deadline, 500, look), close: async () => {} };
}

/**
 * A live subscription to $all from its head: reading the whole log at each look would load the
 * test server, which shares this process, with work of the benchmark's own.
 */
async function fulfilmentsInEventStoreDb(url: string): Promise<Fulfilments> {
  const store = createEventStoreDbStore(url);
  const seen = new Map<string, number>();
  const subscription = store.subscribeToAll({ after: await store.headPosition() });
  const following = (async () => {
    for await (const e of subscription) if (e.type === 'OrderFulfilled') seen.set((e.data as { orderId: string }).orderId, Date.now());
  })();
  return {
    of: (orderIds, deadline) => until(orderIds, deadline, 100, async () => seen),
    close: async () => {
      await subscription.stop();
      await following.catch(() => {});
      await store.close();
    },
  };
}

class Clients {
  private readonly worker: Worker;
  constructor(cookie: string, customerIds: string[]) {
    this.worker = new Worker(new URL('./orderClients.mjs', import.meta.url), { workerData: { port: 0, cookie, customerIds } });
  }
  phase(ordersPerClient: number, urls: string[]): Promise<PhaseResult> {
    const ports = urls.map((u) => Number(new URL(u).port));
    const answer = new Promise<PhaseResult>((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.postMessage({ ordersPerClient, ports });
    });
    return withDeadline(answer, ORDERS_TIMEOUT_MS, `${ordersPerClient} orders per client`);
  }
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Warm-up, then the measured orders, then the wait for their fulfilment. */
async function measure(label: string, clients: Clients, servers: BackOffice[], fulfilments: Fulfilments): Promise<PhaseFigures> {
  const urls = servers.map((s) => s.url);
  const warmUp = await clients.phase(WARMUP_PER_CLIENT, urls);
  if (warmUp.failures > 0) throw new Error(`${label}, warm-up order: ${warmUp.firstFailure}`);
  // The warm-up's fulfilment is not left to compete with the measured orders.
  const warmUpOrders = new Set(warmUp.orderIds);
  const warmedUp = await fulfilments.of(warmUpOrders, Date.now() + FULFILMENT_TIMEOUT_MS);
  const warmUpBacklog = warmUpOrders.size - warmedUp.size;
  const serversBefore = servers.map((s) => processCpuMs(s.pid));
  const benchBefore = readProcessCpu();
  const measured = await clients.phase(ORDERS_PER_CLIENT, urls);
  const serversCpu = servers.reduce((sum, s, i) => sum + processCpuMs(s.pid) - serversBefore[i]!, 0);
  const benchCpu = cpuBetween(benchBefore, readProcessCpu()).allThreadsMs;
  const orderIds = new Set(measured.orderIds);
  const fulfilled = await fulfilments.of(orderIds, Date.now() + FULFILMENT_TIMEOUT_MS);
  const lastFulfilled = Math.max(...fulfilled.values());
  const latencies = [...measured.latencies].sort((a, b) => a - b);
  const seconds = (measured.endedAt - measured.startedAt) / 1000;
  return {
    label,
    orders: orderIds.size,
    seconds,
    orderRate: orderIds.size / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures: measured.failures,
    firstFailure: measured.firstFailure,
    fulfilled: fulfilled.size,
    fulfilmentRate: fulfilled.size === 0 ? 0 : fulfilled.size / ((lastFulfilled - measured.startedAt) / 1000),
    fulfilmentTail: fulfilled.size === orderIds.size ? (lastFulfilled - measured.endedAt) / 1000 : NaN,
    warmUpBacklog,
    serversCpuMs: serversCpu / Math.max(1, orderIds.size),
    benchCpuMs: benchCpu / Math.max(1, orderIds.size),
  };
}

function figuresOf(phase: PhaseFigures, reference: PhaseFigures | undefined, note: string): Figure[] {
  const refused = phase.failures ? `; ${phase.failures} refused, first: ${phase.firstFailure.slice(0, 120)}` : '';
  const figures: Figure[] = [
    {
      name: `${phase.label}: orders placed + paid`,
      value: phase.orderRate,
      unit: 'orders/s',
      note: `${phase.orders} orders in ${phase.seconds.toFixed(1)} s, ${CLIENTS} clients${phase.warmUpBacklog ? `, ${phase.warmUpBacklog} warm-up orders still to fulfil` : ''}${note}${refused}`,
    },
  ];
  if (reference) {
    figures.push({
      // The limit measured in the same run: the same traffic on one server on the embedded store.
      name: `${phase.label}: orders/s / 1 server on SQLite, same run`,
      value: (phase.orderRate / reference.orderRate) * 100,
      unit: '%',
      note: `${phase.orderRate.toFixed(0)} against ${reference.orderRate.toFixed(0)} orders/s`,
    });
  }
  figures.push(
    { name: `${phase.label}: order latency p50`, value: phase.p50, unit: 'ms' },
    { name: `${phase.label}: order latency p99`, value: phase.p99, unit: 'ms' },
    {
      name: `${phase.label}: paid orders fulfilled by the end`,
      value: (phase.fulfilled / Math.max(1, phase.orders)) * 100,
      unit: '%',
      target: { atLeast: 100 },
      note: `${phase.fulfilled} of ${phase.orders}${Number.isNaN(phase.fulfilmentTail) ? ` within ${FULFILMENT_TIMEOUT_MS / 1000} s after the orders` : `, the last ${phase.fulfilmentTail.toFixed(1)} s after the last order`}`,
    },
    {
      name: `${phase.label}: fulfilment rate / order rate`,
      value: (phase.fulfilmentRate / phase.orderRate) * 100,
      unit: '%',
      target: { atLeast: 100 },
      note: `${phase.fulfilmentRate.toFixed(0)} against ${phase.orderRate.toFixed(0)} orders/s`,
    },
    {
      name: `${phase.label}: CPU per order, server processes`,
      value: phase.serversCpuMs,
      unit: 'ms',
      note: `this process (clients, SMTP${phase.label.includes('EventStoreDB') ? ', the test server' : ''}): ${phase.benchCpuMs.toFixed(2)} ms`,
    },
  );
  return figures;
}

async function run(): Promise<Figure[]> {
  const root = mkdtempSync(join(tmpdir(), 'bench-orders-on-servers-'));
  const smtp = await FaultySmtp.start();
  const backOffices: BackOffice[] = [];
  const clientSets: Clients[] = [];
  let esdb: EventStoreTestServer | undefined;
  const followers: Fulfilments[] = [];
  const newServer = (name: string, eventStoreUrl?: string) => {
    const dataDir = join(root, name);
    mkdirSync(dataDir);
    const logFile = join(root, `${name}.log`);
    logFiles.push([name, logFile]);
    const backOffice = new BackOffice({ dataDir, smtpUrl: smtp.url, eventStoreUrl, logFile, startTimeoutMs: 120_000 });
    backOffices.push(backOffice);
    return backOffice;
  };
  const logFiles: Array<[string, string]> = [];
  try {
    // --- the reference: one server on the embedded store ------------------------------------------
    const sqliteServer = newServer('sqlite');
    await sqliteServer.start();
    const sqliteWorld = await setUp(sqliteServer.url, 1);
    const sqliteClients = new Clients(sqliteWorld.cookie, sqliteWorld.customerIds);
    clientSets.push(sqliteClients);
    const sqliteFulfilments = fulfilmentsInSqlite(join(root, 'sqlite'));
    const reference = await measure('1 server, SQLite', sqliteClients, [sqliteServer], sqliteFulfilments);
    await sqliteServer.stop();

    // --- one EventStoreDB test server; a server joins before each phase --------------------------
    esdb = await EventStoreTestServer.start();
    const running: BackOffice[] = [];
    const phases: PhaseFigures[] = [];
    let clients: Clients | undefined;
    let fulfilments: Fulfilments | undefined;
    for (const count of SERVER_COUNTS) {
      while (running.length < count) {
        const server = newServer(`eventstoredb-${running.length + 1}`, esdb.connectionString);
        await server.start();
        running.push(server);
      }
      if (!clients) {
        const world = await setUp(running[0]!.url, SERVER_COUNTS.length);
        clients = new Clients(world.cookie, world.customerIds);
        clientSets.push(clients);
        fulfilments = await fulfilmentsInEventStoreDb(esdb.connectionString);
        followers.push(fulfilments);
      }
      phases.push(await measure(`${count} server${count > 1 ? 's' : ''}, EventStoreDB`, clients, running, fulfilments!));
    }

    const sameProcess = '; the test server runs in this process: on 2 cores it is the limit (the design\'s overhead, not a cluster\'s speed)';
    const figures = [...figuresOf(reference, undefined, ''), ...phases.flatMap((p) => figuresOf(p, reference, sameProcess))];
    const first = phases[0]!;
    const last = phases.at(-1)!;
    figures.push({
      name: `${last.label}: orders/s / 1 server, EventStoreDB`,
      value: (last.orderRate / first.orderRate) * 100,
      unit: '%',
      note: `${last.orderRate.toFixed(0)} against ${first.orderRate.toFixed(0)} orders/s; above 100 % only where the test server and the cores leave room`,
    });
    return figures;
  } catch (error) {
    const crashes = backOffices.flatMap((b) => [...b.crashes, ...b.startFailures]);
    const tails = logFiles.map(([name, file]) => `--- ${name}:\n${logTail(file)}`).join('\n');
    throw new Error(`${error instanceof Error ? error.message : String(error)}${crashes.length ? `; ${crashes.join('; ')}` : ''}\nthe servers' logs end:\n${tails}`, { cause: error });
  } finally {
    await Promise.all(clientSets.map((c) => c.close()));
    await Promise.all(followers.map((f) => f.close()));
    await Promise.all(backOffices.map((b) => b.close()));
    await smtp.down();
    await esdb?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

export const ordersOnServersBench: BenchModule = { name: 'sales orders on 1, 2 and 3 servers', run };
