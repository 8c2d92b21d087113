// The sales VAT register on the real app (SQLite log and read models): invoices at two VAT rates and
// a credit note in November, the Rome-midnight boundary (00:30 in Rome on 1 December is December's),
// a quarter, the CSV in both dialects, the PDF, who may read it and the refusal of a bad period.
// The invoices and the credit note are made by the domain's own deciders (their issue day is the
// Rome day of the instant), then appended as the invoicing service appends them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueInvoice, initialState as invoiceInitial, type InvoicedLine } from '../../../../domain/invoicing/decider';
import { issueCreditNote, initialState as creditInitial } from '../../../../domain/invoicing/creditNote';
import type { Buyer, CreditNoteEvent, InvoiceEvent, Seller } from '../../../../domain/invoicing/events';
import { SYSTEM_ACTOR } from '../../../../events/eventCatalogue';
import { addUser, login, type TestApp } from '../../security/support';
import { append, startReadApp, SUPERVISOR } from '../../read/fixtures';
import { pdfText } from '../../../support/pdf';

const SELLER: Seller = {
  name: 'Firme Digitali S.r.l.',
  partitaIva: '09876543210',
  codiceFiscale: null,
  address: { street: 'Via Roma 1', postalCode: '20121', city: 'Milano', province: 'MI', country: 'IT' },
};
const address = { street: 'Via Po 2', postalCode: '10121', city: 'Torino', province: 'TO', country: 'IT' };
const MARIO: Buyer = { name: 'Mario Rossi', codiceFiscale: 'RSSMRA80A01H501U', partitaIva: null, address };
// A name with a comma and quotes: the CSV must quote it.
const FIRM: Buyer = { name: 'Studio "Verdi", S.r.l.', codiceFiscale: null, partitaIva: '01234560017', address };

const signing: InvoicedLine = { productCode: 'RIN-FIRMA', description: 'Rinnovo Sottoscrizione', renews: 'signing', quantity: 2, unitPriceCents: 1100, vatRateBp: 2200 };
const reduced: InvoicedLine = { productCode: 'LIBRO', description: 'Guida alla firma', renews: 'none', quantity: 1, unitPriceCents: 1999, vatRateBp: 1000 };

let t: TestApp;
let accountant: string;
let operator: string;
const invoices: InvoiceEvent[] = [];
let creditNote: CreditNoteEvent;

async function invoice(number: number, at: string, buyer: Buyer, lines: InvoicedLine[]) {
  const [event] = issueInvoice({ invoiceId: randomUUID(), year: 2026, number, orderId: randomUUID(), customerId: randomUUID(), seller: SELLER, buyer, lines, at }, invoiceInitial());
  await append(t.store, `invoice-${event!.data.invoiceId}`, [event!], SYSTEM_ACTOR, at);
  invoices.push(event!);
  return event!;
}

beforeAll(async () => {
  t = await startReadApp();
  await addUser(t.store, 'accountant1', ['accountant']);
  await addUser(t.store, 'operator1', ['operator']);
  accountant = await login(t.app, 'accountant1');
  operator = await login(t.app, 'operator1');
  await invoice(1, '2026-10-10T09:00:00.000Z', MARIO, [signing]);
  const first = await invoice(2, '2026-11-03T09:00:00.000Z', MARIO, [signing, reduced]);
  await invoice(3, '2026-11-15T10:00:00.000Z', FIRM, [{ ...signing, quantity: 1 }, { ...reduced, quantity: 3 }]);
  // 23:59 in Rome on 30 November (CET, UTC+1): still November.
  await invoice(4, '2026-11-30T22:59:00.000Z', FIRM, [{ ...signing, quantity: 5 }]);
  // 00:30 in Rome on 1 December, while UTC still says 30 November: December's.
  await invoice(5, '2026-11-30T23:30:00.000Z', MARIO, [reduced]);
  const [note] = issueCreditNote(
    { creditNoteId: randomUUID(), year: 2026, number: 1, invoice: { status: 'issued', ...first.data }, couponIds: [randomUUID()], lines: [{ ...signing, quantity: 1 }], refundTo: 'prepaid', at: '2026-11-20T15:00:00.000Z' },
    creditInitial(),
  );
  creditNote = note!;
  const head = await append(t.store, `credit-note-${creditNote.data.creditNoteId}`, [creditNote], SUPERVISOR, '2026-11-20T15:00:00.000Z');
  expect(await t.app.projections.waitFor(head, undefined, 10_000)).toBe(true);
});
afterAll(async () => {
  await t?.close();
});

const get = (url: string, cookie = accountant) => t.app.inject({ method: 'GET', url, headers: { cookie } });

/** What the register must say, worked out here from the documents' own VAT summaries. */
function expected(documents: Array<InvoiceEvent | CreditNoteEvent>) {
  const byRate = new Map<number, { taxableCents: number; vatCents: number }>();
  const net = { taxableCents: 0, vatCents: 0, totalCents: 0 };
  for (const d of documents) {
    const sign = d.type === 'CreditNoteIssued' ? -1 : 1;
    for (const r of d.data.vatSummary) {
      const sum = byRate.get(r.rateBp) ?? { taxableCents: 0, vatCents: 0 };
      sum.taxableCents += sign * r.taxableCents;
      sum.vatCents += sign * r.vatCents;
      byRate.set(r.rateBp, sum);
    }
    net.taxableCents += sign * d.data.totals.taxableCents;
    net.vatCents += sign * d.data.totals.vatCents;
    net.totalCents += sign * d.data.totals.totalCents;
  }
  const summary = [...byRate].sort(([a], [b]) => a - b).map(([rateBp, sum]) => ({ rateBp, ...sum }));
  return { summary, net };
}

describe('the sales VAT register', () => {
  it("a month: November's invoices at two rates minus its credit note, in order, with the Rome-midnight boundary", async () => {
    const response = await get('/api/vat-register?period=2026-11');
    expect(response.statusCode, response.body).toBe(200);
    const register = response.json();
    expect(register.period).toEqual({ label: '2026-11', kind: 'month', from: '2026-11-01', to: '2026-11-30' });
    expect(register.entries.map((e: any) => [e.issuedOn, e.kind, e.displayNumber])).toEqual([
      ['2026-11-03', 'invoice', '2/2026'],
      ['2026-11-15', 'invoice', '3/2026'],
      ['2026-11-20', 'credit_note', '1/2026'],
      ['2026-11-30', 'invoice', '4/2026'],
    ]);
    const november = [invoices[1]!, invoices[2]!, invoices[3]!, creditNote];
    const { summary, net } = expected(november);
    expect(summary.map((r) => r.rateBp)).toEqual([1000, 2200]);
    expect(register.summary).toEqual(summary);
    expect(register.totals.net).toEqual(net);
    expect(register.totals.invoices.count).toBe(3);
    expect(register.totals.creditNotes).toMatchObject({ count: 1, totalCents: creditNote.data.totals.totalCents });
    // The credit note subtracts: its row is negative, and names the invoice it corrects.
    const note = register.entries[2];
    expect(note).toMatchObject({ buyerName: 'Mario Rossi', buyerCodiceFiscale: 'RSSMRA80A01H501U', correctsInvoice: '2/2026', totalCents: -creditNote.data.totals.totalCents });
    expect(note.rates).toEqual([{ rateBp: 2200, taxableCents: -1100, vatCents: -242 }]);
    expect(register.entries[1]).toMatchObject({ buyerPartitaIva: '01234560017', buyerCodiceFiscale: null, rates: [{ rateBp: 1000, taxableCents: 5997, vatCents: 600 }, { rateBp: 2200, taxableCents: 1100, vatCents: 242 }] });
    // The per-rate summary adds up to the totals.
    expect(register.summary.reduce((s: number, r: any) => s + r.taxableCents, 0)).toBe(net.taxableCents);
    expect(register.summary.reduce((s: number, r: any) => s + r.vatCents, 0)).toBe(net.vatCents);

    const december = (await get('/api/vat-register?period=2026-12')).json();
    expect(december.entries.map((e: any) => [e.issuedOn, e.displayNumber])).toEqual([['2026-12-01', '5/2026']]);
  });

  it('a quarter: October to December', async () => {
    const register = (await get('/api/vat-register?period=2026-q4')).json();
    expect(register.period).toEqual({ label: '2026-Q4', kind: 'quarter', from: '2026-10-01', to: '2026-12-31' });
    expect(register.entries.map((e: any) => e.displayNumber)).toEqual(['1/2026', '2/2026', '3/2026', '1/2026', '4/2026', '5/2026']);
    const { summary, net } = expected([...invoices, creditNote]);
    expect(register.summary).toEqual(summary);
    expect(register.totals.net).toEqual(net);
    expect((await get('/api/vat-register?period=2026-Q3')).json()).toMatchObject({ entries: [], summary: [], totals: { net: { totalCents: 0 } } });
  });

  it('as CSV: the header, one record per document, quoting, the summary; and for Italian spreadsheets', async () => {
    const response = await get('/api/vat-register.csv?period=2026-11');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="registro-iva-vendite-2026-11.csv"');
    const lines = response.body.split('\r\n');
    expect(lines[0]).toBe('date,number,kind,buyer,codiceFiscale,partitaIva,correctsInvoice,taxable10,vat10,taxable22,vat22,taxable,vat,total');
    expect(lines[1]).toBe('2026-11-03,2/2026,invoice,Mario Rossi,RSSMRA80A01H501U,,,19.99,2.00,22.00,4.84,41.99,6.84,48.83');
    expect(lines[2]).toBe('2026-11-15,3/2026,invoice,"Studio ""Verdi"", S.r.l.",,01234560017,,59.97,6.00,11.00,2.42,70.97,8.42,79.39');
    expect(lines[3]).toBe('2026-11-20,1/2026,credit_note,Mario Rossi,RSSMRA80A01H501U,,2/2026,,,-11.00,-2.42,-11.00,-2.42,-13.42');
    expect(lines[5]).toBe(',,,,,,,,,,,,,');
    expect(lines[6]).toBe('summary 2026-11,,,,,,,79.96,8.00,77.00,16.94,156.96,24.94,181.90');
    expect(lines[7]).toBe('');

    const it = await get('/api/vat-register.csv?period=2026-11&locale=it');
    expect(it.body.startsWith('\uFEFF')).toBe(true);
    const itLines = it.body.slice(1).split('\r\n');
    expect(itLines[0]).toBe('Data;Numero;Tipo;Cliente;Codice fiscale;Partita IVA;Rettifica fattura;Imponibile 10%;IVA 10%;Imponibile 22%;IVA 22%;Imponibile;IVA;Totale');
    // The comma is no longer the separator: the firm's name needs quoting only for its quotes.
    expect(itLines[2]).toBe('15/11/2026;3/2026;Fattura;"Studio ""Verdi"", S.r.l.";;01234560017;;59,97;6,00;11,00;2,42;70,97;8,42;79,39');
    expect(itLines[3]).toBe('20/11/2026;1/2026;Nota di credito;Mario Rossi;RSSMRA80A01H501U;;2/2026;;;-11,00;-2,42;-11,00;-2,42;-13,42');
  });

  it('as a PDF in Italian with the euro sign', async () => {
    const response = await get('/api/vat-register.pdf?period=2026-11');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const text = pdfText(response.rawPayload);
    expect(text).toContain('Registro IVA vendite');
    expect(text).toContain('Riepilogo IVA del periodo');
    expect(text).toContain('181,90 €');
  });

  it('refuses a bad period naming the field and the rule, and the operators', async () => {
    for (const period of ['2026-13', '2026-Q5', 'novembre', '26-11']) {
      const response = await get(`/api/vat-register?period=${encodeURIComponent(period)}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'period_invalid', errors: { period: expect.stringContaining('a month YYYY-MM') } });
    }
    expect((await get('/api/vat-register')).statusCode).toBe(400);
    expect((await get('/api/vat-register.csv?period=2026-11&locale=fr')).json().message).toContain('locale');
    expect((await get('/api/vat-register?period=2026-11', operator)).statusCode).toBe(403);
  });
});
