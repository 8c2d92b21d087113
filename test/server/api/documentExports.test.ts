// "Esporta CSV" of the accountants' lists (#19 point 9): invoices and credit notes, over HTTP on the
// real app, with the list's filters and sort, streamed as the other exports, for Italian
// spreadsheets with locale=it; refused naming a bad filter; readable by who reads the lists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGuideProducts, eventually, expectStatus, manualOrder, registerPerson, startApi, topUp, type ApiWorld } from './support';

let world: ApiWorld;
let customerId: string;
const orders: string[] = [];

beforeAll(async () => {
  world = await startApi();
  await addGuideProducts(world);
  customerId = await registerPerson(world);
  await topUp(world, customerId, 50_000);
  // Three fulfilled orders (three invoices): 31,72 € (RIN-FIRMA-CNS), 13,42 € (RIN-FIRMA) and 2 × 13,42 €.
  for (const [code, quantity] of [['RIN-FIRMA-CNS', 1], ['RIN-FIRMA', 1], ['RIN-FIRMA', 2]] as const) {
    orders.push(expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' }, code, quantity)), 201).json().id);
  }
  await world.idle();
  await eventually(async () => expectStatus(await world.accountant.get('/api/invoices'), 200).json<unknown[]>().length === 3);
  // The second order refunded: one credit note.
  expectStatus(await world.supervisor.post(`/api/orders/${orders[1]}/refund`, { refundTo: 'prepaid' }), 200);
  await world.idle();
  await eventually(async () => expectStatus(await world.accountant.get('/api/credit-notes'), 200).json<unknown[]>().length === 1);
}, 90_000);
afterAll(async () => {
  await world?.close();
});

const q = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('&');
/** The records of an RFC 4180 file (quoted fields may hold the separator, quotes and new lines), by header name. */
function table(csv: string, separator: string): Array<Record<string, string>> {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  const text = csv.replace(/^\uFEFF/, '');
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) record.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      (record = []), (cell = ''), i++;
    } else cell += ch;
  }
  const [names, ...rows] = records;
  return rows.map((row) => Object.fromEntries(row.map((value, i) => [names![i]!, value])));
}

describe('CSV exports of invoices and credit notes', () => {
  it('invoices: every one the list shows, in its order, totals in euros; a filter and a sort as the list takes them', async () => {
    const answer = expectStatus(await world.accountant.get(`/api/invoices/export.csv?${q({ sort: ['totalCents', 'DESC'] })}`), 200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="invoices-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = table(answer.text, ',');
    expect(rows.map((r) => r.totalEuros)).toEqual(['31.72', '26.84', '13.42']);
    expect(rows.map((r) => r.orderId)).toEqual([orders[0], orders[2], orders[1]]);
    expect(rows[0]).toMatchObject({ buyerName: 'Mario Rossi', taxableEuros: '26.00', vatEuros: '5.72', displayNumber: expect.stringMatching(/^\d+\/2026$/) });
    expect(rows.find((r) => r.orderId === orders[1])!.creditedEuros).toBe('13.42');

    const one = table(expectStatus(await world.accountant.get(`/api/invoices/export.csv?${q({ filter: { orderId: orders[2] } })}`), 200).text, ',');
    expect(one.map((r) => r.orderId)).toEqual([orders[2]]);
    const range = table(expectStatus(await world.accountant.get(`/api/invoices/export.csv?${q({ filter: { totalCents_gte: 2000 } })}`), 200).text, ',');
    expect(range.map((r) => r.totalEuros).sort()).toEqual(['26.84', '31.72']);
  });

  it('for Italian spreadsheets (locale=it): a BOM, semicolons, decimal commas, days as dd/mm/yyyy', async () => {
    const answer = expectStatus(await world.accountant.get(`/api/invoices/export.csv?${q({ filter: { orderId: orders[0] }, locale: 'it' })}`), 200);
    expect(answer.text.startsWith('\uFEFFid;')).toBe(true);
    const [row] = table(answer.text, ';');
    expect(row).toMatchObject({ totalEuros: '31,72', taxableEuros: '26,00' });
    expect(row!.issuedOn).toMatch(/^\d{2}\/\d{2}\/2026$/);
  });

  it('credit notes: the refund against its invoice, with the filter on the invoice', async () => {
    const invoice = expectStatus(await world.accountant.get(`/api/invoices?${q({ filter: { orderId: orders[1] } })}`), 200).json<Array<{ id: string; displayNumber: string }>>()[0]!;
    for (const filter of [{}, { invoiceId: invoice.id }]) {
      const rows = table(expectStatus(await world.operator.get(`/api/credit-notes/export.csv?${q({ filter, locale: 'it' })}`), 200).text, ';');
      expect(rows).toEqual([expect.objectContaining({ invoiceId: invoice.id, invoiceDisplayNumber: invoice.displayNumber, orderId: orders[1], totalEuros: '13,42' })]);
    }
    const none = expectStatus(await world.accountant.get(`/api/credit-notes/export.csv?${q({ filter: { invoiceId: 'nessuna' } })}`), 200).text;
    expect(table(none, ',')).toEqual([]); // the header alone
  });

  it('refuses a bad filter or sort naming it, and anyone not signed in', async () => {
    const bad = await world.accountant.get(`/api/invoices/export.csv?${q({ filter: { colore: 'rosso' } })}`);
    expect(bad.status, bad.text).toBe(400);
    expect(bad.text).toMatch(/colore/);
    const sort = await world.accountant.get(`/api/credit-notes/export.csv?${q({ sort: ['buyerPartitaIva', 'ASC'] })}`);
    expect(sort.status, sort.text).toBe(400);
    expect(sort.text).toMatch(/buyerPartitaIva/);
    expect((await world.anonymous.get('/api/invoices/export.csv')).status).toBe(401);
  });
});
