// The read API over 1,000,000 orders: the p99 latency of every list shape the console sends to the
// orders list (a filter, q, q with a filter on page 2, a filter matching half the table with its
// count, capped at LIST_COUNT_CAP, sorts by each column), over HTTP on a real socket, each beside the
// same list run straight on the read model in the measuring process (runList, no HTTP: the limit);
// and the resident memory of the server process serving that read model.
//
// The million orders are written straight into the orders read model, NOT through the event log
// (that would measure the projections, see bench/projections.ts): the tables and indexes are created
// by the orders projection's own `setup` (a projection runner prepares the read-model database),
// then one transaction inserts the rows with a prepared statement (the secondary indexes are dropped
// for the fill and re-created from the projection's own DDL after it, which is faster than
// maintaining them row by row), and the search terms are inserted the same way.
//
// The fill and the server run in child processes of their own (`tsx bench/readApi.ts fill <dir>`,
// then `tsx bench/readApi.ts serve <dir>`, the real buildApp on that data directory), so the server's
// RSS is its own, and this process, the HTTP client that measures, carries no million rows. The statuses follow a realistic mix (most orders fulfilled, a few percent
// awaiting payment), the customers a few thousand names.
// BENCH_READ_ORDERS=200000 runs it over fewer orders.
import type Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createSqliteStore } from '../events/adapters/sqlite';
import { catalogue } from '../events/index';
import { projections } from '../projections/index';
import { ordersProjection } from '../projections/readModels/orders';
import { searchTerms } from '../projections/readModels/shared';
import { openReadModelDb, readModelFile } from '../projections/readModelDb';
import { ProjectionRunner } from '../projections/runner';
import { systemContext } from '../server/security/bootstrap';
import { parseListQuery, runList, type ReadContext } from '../server/read/listQuery';
import { resourceByName } from '../server/read/resources';
import { createStaffUser } from '../server/features/staff/accounts';
import type { BenchModule, Figure } from './run';

const ORDERS = Number(process.env.BENCH_READ_ORDERS ?? 1_000_000);
const WARM_UP = 50;
const SAMPLES = 500;
const USER = { username: 'bench-desk', password: 'bench password for the read api' };
const root = fileURLToPath(new URL('..', import.meta.url));

const progress = (message: string) => process.stderr.write(`  readApi: ${message}\n`);

// --- the data ------------------------------------------------------------------------------------

const FIRST = ['Mario', 'Laura', 'Giuseppe', 'Anna', 'Luca', 'Giulia', 'Marco', 'Francesca', 'Paolo', 'Chiara', 'Andrea', 'Sara', 'Stefano', 'Elena', 'Roberto', 'Valentina', 'Davide', 'Martina', 'Alessandro', 'Silvia'];
const LAST = [
  'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca', 'Mancini',
  'Costa', 'Giordano', 'Rizzo', 'Lombardi', 'Moretti', 'Barbieri', 'Fontana', 'Santoro', 'Mariani', 'Rinaldi', 'Caruso', 'Ferrara', 'Galli', 'Martini', 'Leone',
  'Longo', 'Gentile', 'Martinelli', 'Vitale', 'Lombardo', 'Serra', 'Coppola', 'De Santis', "D'Angelo", 'Marchetti', 'Parisi', 'Villa', 'Conte', 'Ferraro', 'Ferri',
  'Fabbri', 'Bianco', 'Marini', 'Grasso', 'Valentini', 'Messina', 'Sala', 'De Angelis', 'Gatti', 'Pellegrini', 'Palumbo', 'Sanna', 'Farina', 'Rizzi', 'Monti',
  'Cattaneo', 'Morelli', 'Amato', 'Silvestri', 'Mazza', 'Testa', 'Grassi', 'Pellegrino', 'Carbone', 'Giuliani', 'Benedetti', 'Barone', 'Rossetti', 'Caputo', 'Montanari',
  'Guerra', 'Palmieri', 'Bernardi', 'Martino', 'Fiore', 'De Rosa', 'Ferretti', 'Bellini', 'Basile', 'Riva', 'Donati', 'Piras', 'Vitali', 'Battaglia', 'Sartori',
  'Neri', 'Costantini', 'Milani', 'Pagano', 'Ruggiero', 'Sorrentino', "D'Amico", 'Orlando', 'Damico', 'Negri',
];
const PRODUCTS = [
  { productCode: 'RIN-FIRMA', description: 'Rinnovo Sottoscrizione', renews: 'signing', unitPriceCents: 1100 },
  { productCode: 'RIN-CNS', description: 'Rinnovo Autenticazione CNS', renews: 'authentication', unitPriceCents: 1100 },
  { productCode: 'RIN-ENTRAMBI', description: 'Rinnovo Sottoscrizione e Autenticazione', renews: 'both', unitPriceCents: 2600 },
] as const;
/** Cumulative shares of the statuses, of 1000. */
const STATUS_MIX: Array<[number, string]> = [
  [800, 'fulfilled'],
  [840, 'awaiting_payment'],
  [900, 'expired'],
  [940, 'cancelled'],
  [960, 'paid'],
  [990, 'partially_refunded'],
  [1000, 'refunded'],
];
const METHODS = ['bank_transfer', 'postal_slip', 'credit_card', 'cheque'] as const;
const START = Date.parse('2023-06-01T08:00:00.000Z');
const SPAN = Date.parse('2026-11-20T08:00:00.000Z') - START;

/** A deterministic pseudo-random stream (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Prepares the read-model database like the server does (every projection's setup), then stops. */
export async function prepareReadModels(dir: string): Promise<void> {
  const store = createSqliteStore({ file: join(dir, 'events.db') });
  await createStaffUser(store, { ...USER, displayName: 'Bench desk', roles: ['operator'] }, systemContext(), { passwordHashLogN: 12 });
  const db = openReadModelDb(readModelFile(dir));
  const runner = new ProjectionRunner({ store, catalogue, db, projections });
  await runner.start();
  await runner.whenCaughtUp();
  await runner.stop();
  db.close();
  await store.close();
}

/** The million orders, straight into the orders read model's tables (one transaction). */
export function fillOrders(db: Database.Database): { seconds: number; awaitingDirect: number } {
  const t0 = performance.now();
  const table = `orders__v${ordersProjection.version}`;
  const terms = `orders_terms__v${ordersProjection.version}`;
  const exists = db.prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`).pluck().get(table);
  if (exists !== 1) throw new Error(`the orders projection's setup did not create ${table}`);
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`)
    .all(table) as { name: string; sql: string }[];
  const rnd = random(42);
  let awaitingDirect = 0;
  db.transaction(() => {
    for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
    db.exec(`CREATE TEMP TABLE bench_terms (term TEXT NOT NULL, seq INTEGER NOT NULL)`);
    const insert = db.prepare(
      `INSERT INTO ${table} (id, customer_id, customer_name, customer_sort, status, choice, holder_codice_fiscale, device_serial,
         payment_mode, payment_method, rf_reference, payment_expires_at, codes_email, line_count, coupon_count, lines, vat_summary,
         taxable_cents, vat_cents, total_cents, amount_paid_cents, amount_due_cents, refunded_cents, placed_at, paid_at, fulfilled_at,
         invoice_id, invoice_year, invoice_number, invoice_display_number)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertTerm = db.prepare(`INSERT INTO bench_terms (term, seq) VALUES (?, ?)`);
    const invoiceNumbers = new Map<number, number>();
    for (let n = 0; n < ORDERS; n++) {
      const id = `ord-${String(n).padStart(8, '0')}`;
      const customer = Math.floor(rnd() * 50_000);
      const name = `${FIRST[customer % FIRST.length]} ${LAST[Math.floor(customer / FIRST.length) % LAST.length]}`;
      const placed = START + Math.floor((n / ORDERS) * SPAN);
      const pick = rnd() * 1000;
      let status = STATUS_MIX.find(([limit]) => pick < limit)![1];
      const unpaid = status === 'awaiting_payment' || status === 'expired' || status === 'cancelled';
      const direct = unpaid || rnd() < 0.35;
      // Orders placed long ago are not awaiting payment any more: they expired.
      if (status === 'awaiting_payment' && placed < START + SPAN - 60 * 86_400_000) status = 'expired';
      if (status === 'awaiting_payment' && direct) awaitingDirect++;
      const product = PRODUCTS[Math.floor(rnd() * PRODUCTS.length)]!;
      const quantity = rnd() < 0.9 ? 1 : 1 + Math.floor(rnd() * 9);
      const taxable = product.unitPriceCents * quantity;
      const vat = Math.floor((taxable * 2200 + 5000) / 10_000);
      const total = taxable + vat;
      const lines = [{ ...product, quantity, vatRateBp: 2200, taxableCents: taxable, vatCents: vat, totalCents: total }];
      const rf = direct ? `RF${String(10 + (n % 89))}${String(n).padStart(9, '0')}` : null;
      const method = direct ? METHODS[n % METHODS.length]! : 'prepaid';
      const paid = !unpaid && status !== 'awaiting_payment';
      const fulfilled = status === 'fulfilled' || status === 'partially_refunded' || status === 'refunded';
      const year = new Date(placed).getUTCFullYear();
      const invoiceNumber = fulfilled ? (invoiceNumbers.get(year) ?? 0) + 1 : null;
      if (invoiceNumber !== null) invoiceNumbers.set(year, invoiceNumber);
      const display = invoiceNumber !== null ? `${invoiceNumber}/${year}` : null;
      const iso = new Date(placed).toISOString();
      const { lastInsertRowid } = insert.run(
        id,
        `cus-${customer}`,
        name,
        name.toLowerCase(),
        status,
        'manual',
        null,
        null,
        direct ? 'direct' : 'prepaid',
        method,
        rf,
        direct ? new Date(placed + 30 * 86_400_000).toISOString() : null,
        `customer${customer}@example.it`,
        1,
        quantity,
        JSON.stringify(lines),
        JSON.stringify([{ rateBp: 2200, taxableCents: taxable, vatCents: vat, totalCents: total }]),
        taxable,
        vat,
        total,
        paid ? total : 0,
        status === 'awaiting_payment' ? total : 0,
        status === 'refunded' ? total : status === 'partially_refunded' ? Math.floor(total / 2) : 0,
        iso,
        paid ? iso : null,
        fulfilled ? iso : null,
        fulfilled ? `inv-${n}` : null,
        fulfilled ? year : null,
        invoiceNumber,
        display,
      );
      for (const term of searchTerms(name, rf, display)) insertTerm.run(term, lastInsertRowid);
      if (n % 200_000 === 199_999) progress(`${n + 1} orders written`);
    }
    progress('re-creating the indexes and sorting the search terms');
    for (const index of indexes) db.exec(index.sql);
    // Each term with its order's status, as the projection's triggers would copy it.
    db.exec(`INSERT INTO ${terms} (term, seq, status) SELECT b.term, b.seq, o.status FROM bench_terms b JOIN ${table} o ON o.seq = b.seq ORDER BY b.term, b.seq`);
    db.exec(`DROP TABLE bench_terms`);
  })();
  return { seconds: (performance.now() - t0) / 1000, awaitingDirect };
}

// --- the server in a child process -----------------------------------------------------------------

interface Server {
  child: ChildProcess;
  url: string;
  ask(command: string): Promise<string>;
}

async function startServer(dir: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/readApi.ts', 'serve', dir], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const ready = await Promise.race([next(), once(child, 'exit').then(() => 'EXIT')]);
  if (!ready.startsWith('READY ')) throw new Error(`the server did not start: ${ready}`);
  return {
    child,
    url: ready.slice('READY '.length),
    ask(command) {
      const answer = next();
      child.stdin!.write(`${command}\n`);
      return answer;
    },
  };
}

/** `tsx bench/readApi.ts serve <dir>`: the real app on <dir>; answers `rss` and `quit` on stdin. */
async function serve(dir: string): Promise<void> {
  const { buildApp } = await import('../server/app');
  const store = createSqliteStore({ file: join(dir, 'events.db') });
  const app = await buildApp({ store, dataDir: dir, sales: { reactors: false } });
  await app.ready();
  await app.projections.whenCaughtUp();
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`READY ${url}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'rss') {
      global.gc?.();
      process.stdout.write(`${process.memoryUsage.rss()} ${process.resourceUsage().maxRSS * 1024}\n`);
    } else if (line === 'quit') {
      await app.close();
      await store.close();
      process.stdout.write('BYE\n');
      process.exit(0);
    }
  }
}

// --- measurements ----------------------------------------------------------------------------------

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(USER) });
  if (response.status !== 200) throw new Error(`login: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('bo_session='));
  if (!cookie) throw new Error('login: no session cookie');
  return cookie.split(';')[0]!;
}

interface Latency {
  p50: number;
  p99: number;
  /** The server's own time in the read model (Server-Timing), p99. */
  dbP99: number;
  /** The total of Content-Range; NaN when not counted (above the count cap). */
  total: number;
  /** X-Total-More-Than, when the total was not counted. */
  moreThan: number | null;
  rows: number;
}

type ListShape = { filter?: Record<string, unknown>; sort: [string, 'ASC' | 'DESC']; range: [number, number] };

const describe = (q: ListShape) => `${q.filter ? JSON.stringify(q.filter) : 'no filter'}, ${q.sort.join(' ')}, [${q.range.join(',')}]`;

/** The same list straight on the read model (runList: the page's keys, its rows, the capped count), p99. */
function measureDirect(db: Database.Database, shape: ListShape): { p99: number; total: number } {
  const orders = resourceByName.get('orders')!;
  const ctx: ReadContext = { roles: ['operator'], now: new Date().toISOString() };
  const samples: number[] = [];
  let total = Number.NaN;
  for (let i = 0; i < WARM_UP + SAMPLES; i++) {
    const t0 = performance.now();
    const query = parseListQuery(orders, { filter: JSON.stringify(shape.filter ?? {}), sort: JSON.stringify(shape.sort), range: JSON.stringify(shape.range) }, ctx);
    const result = runList(db, orders, query, ctx);
    const elapsed = performance.now() - t0;
    if (i >= WARM_UP) samples.push(elapsed);
    total = result.total ?? Number.NaN;
  }
  samples.sort((a, b) => a - b);
  return { p99: samples[Math.floor(samples.length * 0.99)]!, total };
}

async function measure(url: string, cookie: string, query: Record<string, unknown> | ListShape, path = '/api/orders'): Promise<Latency> {
  const target = `${url}${path}?${Object.entries(query)
    .map(([k, v]) => `${k}=${encodeURIComponent(JSON.stringify(v))}`)
    .join('&')}`;
  const samples: number[] = [];
  const db: number[] = [];
  let total = -1;
  let moreThan: number | null = null;
  let rows = 0;
  for (let i = 0; i < WARM_UP + SAMPLES; i++) {
    const t0 = performance.now();
    const response = await fetch(target, { headers: { cookie } });
    const body = (await response.json()) as unknown[] | object;
    const elapsed = performance.now() - t0;
    if (response.status !== 200) throw new Error(`GET ${target}: ${response.status} ${JSON.stringify(body)}`);
    if (i >= WARM_UP) {
      samples.push(elapsed);
      db.push(Number(/db;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1] ?? Number.NaN));
    }
    total = Number(response.headers.get('content-range')?.split('/').pop());
    moreThan = response.headers.has('x-total-more-than') ? Number(response.headers.get('x-total-more-than')) : null;
    rows = Array.isArray(body) ? body.length : 1;
  }
  samples.sort((a, b) => a - b);
  db.sort((a, b) => a - b);
  const p = (list: number[], q: number) => list[Math.floor(list.length * q)]!;
  return { p50: p(samples, 0.5), p99: p(samples, 0.99), dbP99: p(db, 0.99), total, moreThan, rows };
}

export const readApiBench: BenchModule = {
  name: 'readApi',
  async run(): Promise<Figure[]> {
    const dir = mkdtempSync(join(tmpdir(), 'bench-read-api-'));
    let server: Server | undefined;
    try {
      // The fill runs in a child process too: this one, the HTTP client, stays small (no million
      // rows of garbage to collect while it measures).
      const filler = spawn(process.execPath, ['--import', 'tsx', 'bench/readApi.ts', 'fill', dir], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      filler.stdout!.on('data', (chunk) => (output += chunk));
      const [code] = (await once(filler, 'exit')) as [number | null];
      if (code !== 0) throw new Error(`the fill failed (exit ${code})`);
      const fill = JSON.parse(output.trim().split('\n').pop()!) as { seconds: number; awaitingDirect: number };
      progress(`filled in ${fill.seconds.toFixed(1)} s; starting the server`);
      server = await startServer(dir);
      const cookie = await login(server.url);

      let rssMax = 0;
      const sampleRss = async () => {
        const [current] = (await server!.ask('rss')).split(' ').map(Number) as [number, number];
        rssMax = Math.max(rssMax, current);
      };
      // Every list shape the console sends to the orders list, the issue's two slow ones first: each
      // over HTTP (p99), beside the same list run straight on the read model in this process (the
      // same statements, runList, no HTTP: the limit the API can approach).
      const direct = openReadModelDb(readModelFile(dir), { readonly: true });
      const shapes: Array<{ name: string; query: ListShape; check?: (l: Latency) => string | null }> = [
        { name: 'q + filter, page 2', query: { filter: { q: 'bianchi', status: 'fulfilled' }, sort: ['totalCents', 'DESC'], range: [25, 49] } },
        { name: 'filter to half the table, with its count', query: { filter: { status: 'fulfilled', paymentMode: 'prepaid' }, sort: ['placedAt', 'DESC'], range: [0, 24] } },
        {
          name: 'filtered (awaiting, direct), exact count',
          query: { filter: { status: 'awaiting_payment', paymentMode: 'direct' }, sort: ['placedAt', 'DESC'], range: [0, 24] },
          check: (l) => (l.total !== fill.awaitingDirect ? `total ${l.total}, expected ${fill.awaitingDirect}` : null),
        },
        { name: 'q alone', query: { filter: { q: 'rossi' }, sort: ['placedAt', 'DESC'], range: [0, 24] } },
        { name: 'status, sorted by total', query: { filter: { status: 'fulfilled' }, sort: ['totalCents', 'DESC'], range: [0, 24] } },
        { name: 'sorted by customer, page 2', query: { sort: ['customerName', 'ASC'], range: [25, 49] } },
        { name: 'a month, by placement', query: { filter: { placedAt_gte: '2025-03-01T00:00:00.000Z', placedAt_lte: '2025-03-31T23:59:59.999Z' }, sort: ['placedAt', 'DESC'], range: [0, 24] } },
        { name: 'unfiltered (the default list)', query: { sort: ['placedAt', 'DESC'], range: [0, 24] } },
      ];
      const figures: Figure[] = [];
      try {
        for (const shape of shapes) {
          const http = await measure(server.url, cookie, shape.query);
          const problem = shape.check?.(http);
          if (problem) throw new Error(`${shape.name}: ${problem}`);
          const sqlite = measureDirect(direct, shape.query);
          if (!Object.is(sqlite.total, http.total)) throw new Error(`${shape.name}: the API answered ${http.total} rows, the read model ${sqlite.total}`);
          await sampleRss();
          const total = Number.isNaN(http.total) ? `more than ${http.moreThan}` : String(http.total);
          figures.push({
            name: `list, ${shape.name}, p99`,
            value: http.p99,
            unit: 'ms',
            target: { atMost: 20 },
            note: `${describe(shape.query)}; total ${total}; in SQLite directly p99 ${sqlite.p99.toFixed(1)} ms (limit), API/limit ${(http.p99 / sqlite.p99).toFixed(2)}; server's db time p99 ${http.dbP99.toFixed(1)} ms; p50 ${http.p50.toFixed(1)} ms`,
          });
        }
      } finally {
        direct.close();
      }
      const dashboard = await measure(server.url, cookie, {}, '/api/dashboard');
      const [rss, peak] = (await server.ask('rss')).split(' ').map(Number) as [number, number];
      rssMax = Math.max(rssMax, rss);
      const mb = (bytes: number) => bytes / 1048576;
      const rows = `${ORDERS.toLocaleString('en-US')} orders`;
      return [
        { name: `fill (direct inserts, not via the log)`, value: ORDERS / fill.seconds, unit: 'orders/s', note: `${rows} in ${fill.seconds.toFixed(1)} s` },
        ...figures,
        { name: 'dashboard figures, p99', value: dashboard.p99, unit: 'ms', note: `GET /api/dashboard: sums of the month's paid orders, unpaid orders, ...; p50 ${dashboard.p50.toFixed(1)} ms` },
        { name: 'server RSS with that read model', value: mb(rssMax), unit: 'MB', target: { atMost: 300 }, note: `a server process of its own, ${rows}; highest of the samples after each list (${mb(rss).toFixed(0)} MB at the end)` },
        { name: 'server peak RSS (maxRSS)', value: mb(peak), unit: 'MB', note: 'the process high-water mark, start included' },
      ];
    } finally {
      if (server) {
        await server.ask('quit').catch(() => undefined);
        if (server.child.exitCode === null) server.child.kill();
      }
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** `tsx bench/readApi.ts fill <dir>`: prepares the read models of <dir> and fills the orders; prints the result as JSON. */
async function fill(dir: string): Promise<void> {
  progress('preparing the read models (every projection setup)');
  await prepareReadModels(dir);
  progress(`writing ${ORDERS.toLocaleString('en-US')} orders straight into the orders read model (not through the event log)`);
  const db = openReadModelDb(readModelFile(dir));
  const result = fillOrders(db);
  db.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === 'serve') await serve(process.argv[3] ?? '');
  else if (process.argv[2] === 'fill') await fill(process.argv[3] ?? '');
}
