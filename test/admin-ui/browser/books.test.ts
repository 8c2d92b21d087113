// The accountant's books in a real browser: after an order was placed and paid by transfer (so the
// server invoiced it), the accountant opens "Registro IVA", sees this month's invoice and the
// totals, downloads the register as CSV for Italian spreadsheets; on the payments list, filtered,
// "Esporta CSV" downloads what the list shows; so do the invoices' and the credit notes' lists.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatEuro } from '../../../domain/shared/money';
import { expectNoPageErrors, openMenu, seedCustomer, signIn, startWorld, type World } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';

let world: World;
let page: Page;
let totalCents = 0;
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());

beforeAll(async () => {
  world = await startWorld();
  page = world.page;
  const { customerId } = await seedCustomer(world);
  const placed = await world.api.operator.post('/api/orders', {
    customerId,
    manual: { lines: [{ productCode: 'RIN-FIRMA-CNS', quantity: 1 }] },
    payment: { mode: 'direct', method: 'bank_transfer' },
  });
  expect(placed.status).toBe(201);
  const order = (await placed.json()) as { id: string; rfReferenceFormatted: string; order: { totals: { totalCents: number } } };
  totalCents = order.order.totals.totalCents;
  const paid = await world.api.accountant.post('/api/payments', {
    method: 'bank_transfer',
    amountCents: totalCents,
    receivedOn: today,
    payer: 'Mario Rossi',
    reason: `saldo ${order.rfReferenceFormatted.toLowerCase()}`,
    bankReference: 'CRO 0306 9099 777',
  });
  expect(paid.status).toBe(201);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const state = (await (await world.api.accountant.get(`/api/orders/${order.id}`)).json()) as { status: string };
    if (state.status === 'fulfilled') break;
    if (Date.now() > deadline) throw new Error(`the order is ${state.status}, not fulfilled`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});

afterAll(async () => {
  await world?.close();
});

describe("the accountant's books", () => {
  it("the VAT register of this month: the invoice, the summary, the totals; the CSV for Italian spreadsheets", async () => {
    await signIn(page, world.url, 'accountant');
    await openMenu(page, 'Registro IVA');
    const period = page.getByLabel('Periodo (mese 2026-11 o trimestre 2026-Q4)');
    await period.fill('2026-13');
    await page.getByText('Un mese AAAA-MM (2026-11) o un trimestre AAAA-Qn (2026-Q4)').waitFor();
    await period.fill(today.slice(0, 7));
    const documents = page.getByRole('table', { name: 'Documenti del periodo' });
    await documents.getByRole('cell', { name: 'Fattura 1/' + today.slice(0, 4) }).waitFor();
    await documents.getByRole('cell', { name: /Rossi/ }).first().waitFor();
    const footer = page.getByRole('table', { name: 'Riepilogo IVA' });
    await footer.getByRole('cell', { name: formatEuro(totalCents), exact: true }).waitFor();
    await screenshot(page, 'vat-register');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    const href = await page.getByRole('link', { name: 'Scarica CSV' }).getAttribute('href');
    expect(href).toBe(`/api/vat-register.csv?period=${today.slice(0, 7)}&locale=it`);
    const csv = await page.request.get(`${world.url}${href}`);
    expect(csv.status()).toBe(200);
    const text = await csv.text();
    expect(text.startsWith('\uFEFFData;Numero;Tipo;Cliente;')).toBe(true);
    expect(text).toMatch(/;Fattura;[^;]*Rossi;/);
    expect(await page.getByRole('link', { name: 'Scarica PDF' }).getAttribute('href')).toBe(`/api/vat-register.pdf?period=${today.slice(0, 7)}`);
  });

  it('the payments list, filtered, exports what it shows', async () => {
    await openMenu(page, 'Pagamenti');
    await page.getByRole('cell', { name: 'Mario Rossi' }).first().waitFor();
    await page.getByRole('textbox', { name: 'Pagante, riferimento banca, codice RF, parole della causale' }).fill('Mario');
    await expect.poll(async () => decodeURIComponent((await page.getByRole('link', { name: 'Esporta CSV' }).getAttribute('href')) ?? '')).toContain('"q":"Mario"');
    const href = (await page.getByRole('link', { name: 'Esporta CSV' }).getAttribute('href'))!;
    expect(href).toContain('sort=' + encodeURIComponent('["receivedOn","DESC"]'));
    expect(href).toContain('locale=it');
    const csv = await page.request.get(`${world.url}${href}`);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]!.startsWith('\uFEFFid;method;amountEuros;receivedOn;payer;')).toBe(true);
    expect(lines.slice(1, -1)).toHaveLength(1);
    expect(lines[1]).toContain(`;bank_transfer;${(totalCents / 100).toFixed(2).replace('.', ',')};`);
    await screenshot(page, 'payments-export');
    expectNoPageErrors(world.browser);
  });

  it('the invoices and credit notes lists, filtered, export what they show', async () => {
    await openMenu(page, 'Fatture');
    await page.getByRole('cell', { name: /Rossi/ }).first().waitFor();
    const search = 'Numero (42/2026), intestatario, codice fiscale, partita IVA';
    await page.getByRole('textbox', { name: search }).fill('Rossi');
    const link = page.getByRole('link', { name: 'Esporta CSV' });
    await expect.poll(async () => decodeURIComponent((await link.getAttribute('href')) ?? '')).toContain('"q":"Rossi"');
    const href = (await link.getAttribute('href'))!;
    expect(href.startsWith('/api/invoices/export.csv?')).toBe(true);
    expect(href).toContain('locale=it');
    const csv = await page.request.get(`${world.url}${href}`);
    expect(csv.status()).toBe(200);
    const text = await csv.text();
    expect(text.startsWith('\uFEFFid;year;number;displayNumber;issuedOn;')).toBe(true);
    expect(text).toContain(`;1/${today.slice(0, 4)};`);
    expect(text).toContain(`;${(totalCents / 100).toFixed(2).replace('.', ',')};`);
    await screenshot(page, 'invoices-export');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    await openMenu(page, 'Note di credito');
    const notes = page.getByRole('link', { name: 'Esporta CSV' });
    await expect.poll(async () => (await notes.getAttribute('href')) ?? '').toMatch(/^\/api\/credit-notes\/export\.csv\?/);
    const empty = await page.request.get(`${world.url}${(await notes.getAttribute('href'))!}`);
    expect(empty.status()).toBe(200);
    expect((await empty.text()).split('\r\n').filter(Boolean)).toHaveLength(1); // no credit note: the header alone
    expectNoPageErrors(world.browser);
  });
});
