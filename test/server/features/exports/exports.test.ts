// CSV exports of lists on the real app (SQLite log and read models, real HTTP for the stream): the
// header and the RFC 4180 quoting, money in euros and times in UTC, the Italian dialect, the list's
// filter and sort honoured, bad parameters refused naming them, who may export, who exported what
// in the application log, and the stream: the first bytes arrive while rows remain.
import { get as httpGet, type IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, login, type TestApp } from '../../security/support';
import { seedAll } from '../../read/fixtures';
import { startTestApp } from '../../../support/app';

let t: TestApp;
const cookies = { accountant: '', operator: '' };
const logLines: Array<Record<string, any>> = [];
const logStream = new Writable({
  write(chunk, _encoding, callback) {
    for (const line of String(chunk).split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
    callback();
  },
});

beforeAll(async () => {
  t = await startTestApp({ prefix: 'bo-export-', sales: { reactors: false }, listen: true, logger: { level: 'info', stream: logStream } as any });
  await addUser(t.store, 'accountant1', ['accountant']);
  await addUser(t.store, 'operator1', ['operator']);
  cookies.accountant = await login(t.app, 'accountant1');
  cookies.operator = await login(t.app, 'operator1');
  const seeded = await seedAll(t.store, 2);
  expect(await t.app.projections.waitFor(seeded.head, undefined, 10_000)).toBe(true);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const get = (url: string, as: keyof typeof cookies = 'accountant') => t.app.inject({ method: 'GET', url, headers: { cookie: cookies[as] } });
const q = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('&');
const records = (csv: string) => csv.split('\r\n').slice(1, -1);

describe('CSV exports', () => {
  it('payments: the exact header, quoting of commas, quotes and new lines, euros and UTC; and for Italian spreadsheets', async () => {
    const recorded = await t.app.inject({
      method: 'POST',
      url: '/api/payments',
      headers: { cookie: cookies.accountant, 'idempotency-key': 'export-quoting-1' },
      payload: { method: 'bank_transfer', amountCents: 2684, receivedOn: '2026-11-20', payer: 'Rossi, "Mario"', bankReference: 'CRO-EXPORT-1', reason: 'saldo\nfattura 7' },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const id = recorded.json().id as string;

    const response = await get(`/api/payments/export.csv?${q({ filter: { id } })}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="payments-2026-11-24.csv"');
    const header = response.body.slice(0, response.body.indexOf('\r\n'));
    expect(header).toBe(
      'id,method,amountEuros,receivedOn,payer,reason,bankReference,recordedBy,rfReference,rfCandidate,matchStatus,state,matched,orderId,matchedHow,matchedBy,matchedAt,unmatchedReason,unmatchedDetail,appliedEuros,surplusEuros,recordedAt',
    );
    const row = response.body.slice(header.length + 2);
    expect(row).toMatch(new RegExp(`^${id},bank_transfer,26\\.84,2026-11-20,"Rossi, ""Mario""","saldo\\nfattura 7",CRO-EXPORT-1,`));
    expect(row).toMatch(/,false,.*,2026-11-24T09:00:00\.000Z\r\n$/);

    const it = await get(`/api/payments/export.csv?${q({ filter: { id }, locale: 'it' })}`);
    expect(it.body.startsWith('\uFEFFid;method;amountEuros;receivedOn;payer;')).toBe(true);
    const itRow = it.body.slice(it.body.indexOf('\r\n') + 2);
    // A comma inside a field no longer needs quotes; the quotes and the new line still do.
    expect(itRow).toMatch(new RegExp(`^${id};bank_transfer;26,84;20/11/2026;"Rossi, ""Mario""";"saldo\\nfattura 7";CRO-EXPORT-1;`));
    expect(itRow).toMatch(/;24\/11\/2026 10:00:00\r\n$/); // 09:00 UTC is 10:00 in Rome in November
  });

  it('a payer or reason a spreadsheet would run as a formula is written as text (after an apostrophe); amounts keep their sign', async () => {
    const recorded = await t.app.inject({
      method: 'POST',
      url: '/api/payments',
      headers: { cookie: cookies.accountant, 'idempotency-key': 'export-formula-1' },
      payload: { method: 'bank_transfer', amountCents: 1000, receivedOn: '2026-11-20', payer: '=HYPERLINK("http://x.example","ok")', bankReference: 'CRO-EXPORT-2', reason: '@SUM(A1:A9)' },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const id = recorded.json().id as string;
    for (const locale of ['default', 'it'] as const) {
      const response = await get(`/api/payments/export.csv?${q({ filter: { id }, locale })}`);
      const sep = locale === 'it' ? ';' : ',';
      const row = records(response.body)[0]!;
      expect(row).toContain(`${sep}"'=HYPERLINK(""http://x.example"",""ok"")"${sep}'@SUM(A1:A9)${sep}`);
      expect(row).not.toMatch(new RegExp(`${sep}=`));
    }
  });

  it("honours the list's filter and sort: the same orders, in the same order, as the list", async () => {
    const filter = { status: ['fulfilled', 'awaiting_payment', 'partially_refunded'] };
    const sort = ['totalCents', 'DESC'];
    const list = await get(`/api/orders?${q({ filter, sort, range: [0, 99] })}`);
    expect(list.statusCode).toBe(200);
    const expected = (list.json() as Array<{ id: string; totalCents: number }>).map((o) => [o.id, (o.totalCents / 100).toFixed(2)]);
    expect(expected.length).toBeGreaterThan(0);
    const csv = await get(`/api/orders/export.csv?${q({ filter, sort })}`, 'operator');
    expect(csv.statusCode, csv.body).toBe(200);
    const header = csv.body.slice(0, csv.body.indexOf('\r\n')).split(',');
    const rows = records(csv.body).map((line) => line.split(','));
    // Orders' lines are JSON with commas (quoted); only the leading id and the status are read here.
    expect(rows.map((r) => r[0])).toEqual(expected.map(([orderId]) => orderId));
    expect(header.slice(0, 4)).toEqual(['id', 'customerId', 'customerName', 'status']);
    expect(rows.every((r) => filter.status.includes(r[3]!))).toBe(true);
    expect(csv.body).toContain(`,${expected[0]![1]},`);
    // Everything, unfiltered: one record per order.
    const all = await get('/api/orders/export.csv');
    expect(records(all.body.replace(/"[^"]*"/g, 'x'))).toHaveLength(10);
  });

  it('refuses a bad filter, sort or locale naming it, and the audit trail to operators', async () => {
    const badFilter = await get(`/api/orders/export.csv?${q({ filter: { colour: 'red' } })}`);
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.json().message).toMatch(/^filter\.colour: unknown filter; orders can be filtered by/);
    const badValue = await get(`/api/orders/export.csv?${q({ filter: { status: 'lost' } })}`);
    expect(badValue.json().message).toMatch(/^filter\.status: must be one of/);
    const badSort = await get(`/api/payments/export.csv?${q({ sort: ['reason', 'ASC'] })}`);
    expect(badSort.statusCode).toBe(400);
    expect(badSort.json().message).toMatch(/^sort: "reason" is not a sortable field of payments/);
    expect((await get('/api/payments/export.csv?filter=nope')).json().message).toMatch(/^filter: must be JSON/);
    expect((await get('/api/payments/export.csv?locale=fr')).statusCode).toBe(400);
    expect((await get('/api/audit-events/export.csv', 'operator')).statusCode).toBe(403);
    const audit = await get(`/api/audit-events/export.csv?${q({ filter: { type: 'InvoiceIssued' } })}`);
    expect(records(audit.body.replace(/"(?:[^"]|"")*"/g, 'x'))).toHaveLength(4);
    expect((await get('/api/prepaid-movements/export.csv')).statusCode).toBe(200);
  });

  it('says in the log who exported what', async () => {
    await get(`/api/orders/export.csv?${q({ filter: { status: 'paid' } })}`, 'operator');
    await new Promise((r) => setTimeout(r, 50));
    const finished = logLines.filter((l) => l.msg === 'export finished' && l.export === 'orders' && l.username === 'operator1');
    expect(finished.at(-1)).toMatchObject({ filter: '{"status":"paid"}', complete: true, rows: expect.any(Number) });
  });

  it('streams: 200,000 rows, the first bytes arriving while rows remain, and the console still answered meanwhile', async () => {
    // 200,000 payments written straight into the payments read model (a projection of as many
    // events would take minutes here): what is measured is the export, not the projection.
    const db = new Database(t.app.projections.db.name);
    db.pragma('busy_timeout = 5000');
    const view = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'view' AND name = 'payments'`).pluck().get() as string;
    const table = /FROM\s+"?([A-Za-z0-9_]+)"?/.exec(view)![1]!;
    const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name).filter((c) => c !== 'seq');
    const values = columns.map((c) => (c === 'id' ? `'bulk-' || i` : c === 'bank_reference' ? `'BULK' || i` : c === 'reason' ? `'riga ' || i || ', con "virgolette"'` : c));
    db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
      INSERT INTO ${table} (${columns.join(', ')}) SELECT ${values.join(', ')} FROM n, (SELECT * FROM ${table} LIMIT 1)`);
    const total = db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    db.close();
    expect(total).toBeGreaterThan(200_000);

    const response = await new Promise<IncomingMessage>((resolve, reject) =>
      httpGet(`${t.baseUrl}/api/payments/export.csv`, { headers: { cookie: cookies.accountant } }, resolve).on('error', reject),
    );
    expect(response.statusCode).toBe(200);
    const first: Buffer = await new Promise((resolve) => response.once('data', resolve));
    response.pause();
    expect(first.toString('utf8').startsWith('id,method,amountEuros,')).toBe(true);
    const finishedLines = () => logLines.filter((l) => l.msg === 'export finished' && l.export === 'payments' && l.rows > 1000);
    // The reader holds back: the server stops once the socket is full, far from the end.
    await new Promise((r) => setTimeout(r, 400));
    expect(finishedLines()).toHaveLength(0);
    // The export has its own connection: the console's lists still answer while it waits.
    const page = await get(`/api/payments?${q({ range: [0, 0] })}`);
    expect(page.statusCode).toBe(200);
    // Over the list's count cap (LIST_COUNT_CAP, 10,000): "more than 10,000", not an exact count.
    expect(page.headers['content-range']).toBe('payments 0-0/*');
    expect(page.headers['x-total-more-than']).toBe('10000');

    let bytes = first.length;
    let lines = first.toString('latin1').split('\r\n').length - 1;
    response.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) if (chunk[i - 1] === 13 || i === 0) lines++;
    });
    response.resume();
    await new Promise((resolve) => response.on('end', resolve));
    expect(bytes).toBeGreaterThan(200_000 * 100);
    expect(lines).toBe(total + 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(finishedLines().at(-1)).toMatchObject({ rows: total, complete: true, username: 'accountant1' });

    // A download abandoned half way: the export stops and lets its connection go.
    const abandoned = await new Promise<IncomingMessage>((resolve, reject) =>
      httpGet(`${t.baseUrl}/api/payments/export.csv?locale=it`, { headers: { cookie: cookies.accountant } }, resolve).on('error', reject),
    );
    await new Promise((resolve) => abandoned.once('data', resolve));
    abandoned.destroy();
    await expect.poll(() => finishedLines().length, { timeout: 5_000 }).toBe(2);
    expect(finishedLines().at(-1)).toMatchObject({ complete: false });
    expect(finishedLines().at(-1)!.rows).toBeLessThan(total);
  }, 120_000);
});
