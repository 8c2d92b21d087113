// Scenario 3 in a real browser: after an operator registered a customer and a device and placed an
// order, and an accountant recorded its payment (through the API), an accountant opens the audit
// log, filters it by actor and by date, and sees who did each step; from the order, its own history.
// Both read in Italian words (event labels, euro amounts, names), the raw data behind "Mostra dati",
// at 1366×768 without scrolling sideways; a new visit to the log starts without the old filters.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatEuro } from '../../../domain/shared/money';
import { expectNoPageErrors, openMenu, seedCustomer, signIn, startWorld, type World } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';

let world: World;
let page: Page;
let orderId = '';
let total = '';

const OLGA = 'Olga Esposito (o.esposito)';
const ANNA = 'Anna Bianchi (a.bianchi)';

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
  orderId = order.id;
  total = formatEuro(order.order.totals.totalCents);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
  const paid = await world.api.accountant.post('/api/payments', {
    method: 'bank_transfer',
    amountCents: order.order.totals.totalCents,
    receivedOn: today,
    payer: 'Mario Rossi',
    reason: `saldo ${order.rfReferenceFormatted.toLowerCase()}`,
    bankReference: 'CRO 0306 9099 123',
  });
  expect(paid.status).toBe(201);
  // The order is fulfilled by the server's process managers right after.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const order = (await (await world.api.accountant.get(`/api/orders/${orderId}`)).json()) as { status: string };
    if (order.status === 'fulfilled') break;
    if (Date.now() > deadline) throw new Error(`the order is ${order.status}, not fulfilled`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});

afterAll(async () => {
  await world?.close();
});

async function choose(label: string, option: string) {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

async function columnTexts(testId: string): Promise<string[]> {
  return page.getByTestId(testId).allTextContents();
}

/** The page is no wider than the window: nothing hides to the right. */
async function fitsTheWindow(): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
}

/** The text of the "Tipo" column of the audit table: the event's label. */
async function types(): Promise<string[]> {
  return page.locator('tbody tr td.column-type').allTextContents();
}

describe('the audit log, for an accountant', () => {
  it('is in the accountant’s menu and lists every event with who did it', async () => {
    await signIn(page, world.url, 'accountant');
    await openMenu(page, 'Registro eventi');
    await page.getByRole('cell', { name: 'Ordine effettuato', exact: true }).waitFor();
    const actors = new Set(await columnTexts('audit-actor'));
    expect(actors.has(OLGA)).toBe(true);
    expect(actors.has(ANNA)).toBe(true);
    expect(actors.has('Sistema')).toBe(true);
    await screenshot(page, 'audit-log');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it('filtered by actor: the operator’s steps, then the accountant’s, then the system’s', async () => {
    await choose('Chi', OLGA);
    await expect.poll(async () => [...new Set(await columnTexts('audit-actor'))]).toEqual([OLGA]);
    const olga = await types();
    expect(olga).toEqual(expect.arrayContaining(['Cliente registrato', 'Dispositivo registrato', 'Ordine effettuato']));
    expect(olga).not.toContain('Pagamento registrato');
    expect(new URL(page.url()).hash).toContain('actorId');
    await screenshot(page, 'audit-log-by-operator');

    await choose('Chi', ANNA);
    await expect.poll(async () => [...new Set(await columnTexts('audit-actor'))]).toEqual([ANNA]);
    expect(await types()).toContain('Pagamento registrato');
    expect(await types()).not.toContain('Ordine effettuato');
    await screenshot(page, 'audit-log-by-accountant');

    await choose('Chi', 'Sistema');
    await expect.poll(async () => [...new Set(await columnTexts('audit-actor'))]).toEqual(['Sistema']);
    expect(await types()).toEqual(expect.arrayContaining(['Ordine pagato', 'Ordine evaso', 'Fattura emessa']));
  });

  it('filtered by date range and type', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
    const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date(Date.now() - 24 * 3_600_000));
    await choose('Chi', OLGA);
    await expect.poll(async () => [...new Set(await columnTexts('audit-actor'))]).toEqual([OLGA]);
    await page.getByLabel('Dal', { exact: true }).fill(today);
    await choose('Tipo', 'Ordine effettuato');
    await expect.poll(() => types()).toEqual(['Ordine effettuato']);
    await page.getByLabel('Al', { exact: true }).fill(yesterday);
    await page.getByText('Nessun risultato').first().waitFor();
  });

  it('from the order, its own history: who did each step', async () => {
    await page.goto(`${world.url}/#/orders/${orderId}/show`);
    const trail = page.getByTestId('audit-trail');
    await trail.waitFor();
    await trail.getByRole('row', { name: /Ordine effettuato/ }).getByText(OLGA).waitFor();
    await trail.getByRole('row', { name: /Ordine evaso/ }).getByText('Sistema').first().waitFor();
    await screenshot(page, 'order-history');

    await page.getByRole('link', { name: 'Storico' }).click();
    await expect.poll(() => decodeURIComponent(new URL(page.url()).hash)).toContain(`order-${orderId}`);
    await expect.poll(() => types()).toEqual(expect.arrayContaining(['Ordine effettuato', 'Ordine pagato', 'Ordine evaso']));
    expect(await types()).not.toContain('Cliente registrato');
    await screenshot(page, 'audit-log-order-stream');
    expectNoPageErrors(world.browser);
  });
});

describe('in words, for desk staff and accountants', () => {
  it("the order's history: Italian labels, the payment in words with its amount, no field names", async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${world.url}/#/orders/${orderId}/show`);
    const trail = page.getByTestId('audit-trail');
    await trail.getByRole('row', { name: /Pagamento ricevuto/ }).waitFor();
    const payment = await trail.getByRole('row', { name: /Pagamento ricevuto/ }).textContent();
    expect(payment).toContain(`Pagamento ricevuto`);
    expect(payment).toContain(`bonifico bancario, ${total}`);
    expect(await trail.getByRole('row', { name: /Ordine effettuato/ }).textContent()).toContain(`totale ${total}, bonifico bancario con codice RF`);
    expect(await trail.getByRole('row', { name: /Ordine evaso/ }).textContent()).toMatch(/fattura n\. \d+\/\d{4}, 1 coupon/);
    const text = (await trail.textContent()) ?? '';
    expect(text).not.toMatch(/OrderPlaced|amountCents|totalCents|bank_transfer|"orderId"/);
    expect(text).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    await screenshot(page, 'order-history-in-words');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it('the raw data is behind "Mostra dati", and opening it keeps the page within 1366 px', async () => {
    const trail = page.getByTestId('audit-trail');
    const row = trail.getByRole('row', { name: /Ordine effettuato/ });
    expect(await row.getByTestId('raw-data').count()).toBe(0);
    await row.getByRole('button', { name: 'Mostra dati' }).click();
    expect(await row.getByTestId('raw-data').textContent()).toContain('"totalCents"');
    const width = await fitsTheWindow();
    expect(width.scrollWidth).toBeLessThanOrEqual(width.innerWidth);
    await screenshot(page, 'order-history-raw-data');
    await row.getByRole('button', { name: 'Nascondi dati' }).click();
    expect(await row.getByTestId('raw-data').count()).toBe(0);
  });

  it('the audit log fits 1366 px, reads in words and shows the data on demand', async () => {
    await openMenu(page, 'Registro eventi');
    await page.waitForURL(/#\/audit-events/);
    await expect.poll(() => page.getByTestId('audit-summary').allTextContents()).toContain(`bonifico bancario, ${total}`);
    const summaries = await page.getByTestId('audit-summary').allTextContents();
    expect(summaries.join(' ')).not.toMatch(/Cents|bank_transfer/);
    const row = page.locator('tbody tr', { has: page.getByRole('cell', { name: 'Pagamento registrato', exact: true }) }).first();
    await row.getByRole('button', { name: 'Mostra dati' }).click();
    expect(await row.getByTestId('raw-data').textContent()).toContain('"amountCents"');
    // The toggle does not open the event's own page.
    expect(new URL(page.url()).hash).toMatch(/^#\/audit-events(\?|$)/);
    const width = await fitsTheWindow();
    expect(width.scrollWidth).toBeLessThanOrEqual(width.innerWidth);
    await screenshot(page, 'audit-log-1366');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it('a filter set on one visit is gone on the next', async () => {
    await choose('Chi', OLGA);
    await expect.poll(async () => [...new Set(await columnTexts('audit-actor'))]).toEqual([OLGA]);
    await openMenu(page, 'Ordini');
    await page.waitForURL(/#\/orders/);
    await openMenu(page, 'Registro eventi');
    await expect.poll(async () => new Set(await columnTexts('audit-actor')).size).toBeGreaterThan(1);
    expect(decodeURIComponent(new URL(page.url()).hash)).not.toContain('actorId');
    await screenshot(page, 'audit-log-fresh-visit');
    expectNoPageErrors(world.browser);
  });
});
