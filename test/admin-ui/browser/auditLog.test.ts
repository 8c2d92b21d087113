// Scenario 3 in a real browser: after an operator registered a customer and a device and placed an
// order, and an accountant recorded its payment (through the API), an accountant opens the audit
// log, filters it by actor and by date, and sees who did each step; from the order, its own history.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoPageErrors, openMenu, seedCustomer, signIn, startWorld, type World } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';

let world: World;
let page: Page;
let orderId = '';

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

/** The text of the "Tipo" column of the audit table. */
async function types(): Promise<string[]> {
  return page.locator('tbody tr td.column-type').allTextContents();
}

describe('the audit log, for an accountant', () => {
  it('is in the accountant’s menu and lists every event with who did it', async () => {
    await signIn(page, world.url, 'accountant');
    await openMenu(page, 'Registro eventi');
    await page.getByRole('cell', { name: 'OrderPlaced', exact: true }).waitFor();
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
    expect(olga).toEqual(expect.arrayContaining(['CustomerRegistered', 'DeviceRegistered', 'OrderPlaced']));
    expect(olga).not.toContain('PaymentRecorded');
    expect(new URL(page.url()).hash).toContain('actorId');
    await screenshot(page, 'audit-log-by-operator');

    await choose('Chi', ANNA);
    await expect.poll(async () => [...new Set(await columnTexts('audit-actor'))]).toEqual([ANNA]);
    expect(await types()).toContain('PaymentRecorded');
    expect(await types()).not.toContain('OrderPlaced');
    await screenshot(page, 'audit-log-by-accountant');

    await choose('Chi', 'Sistema');
    await expect.poll(async () => [...new Set(await columnTexts('audit-actor'))]).toEqual(['Sistema']);
    expect(await types()).toEqual(expect.arrayContaining(['OrderPaid', 'OrderFulfilled', 'InvoiceIssued']));
  });

  it('filtered by date range and type', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
    const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date(Date.now() - 24 * 3_600_000));
    await choose('Chi', OLGA);
    await expect.poll(async () => [...new Set(await columnTexts('audit-actor'))]).toEqual([OLGA]);
    await page.getByLabel('Dal', { exact: true }).fill(today);
    await choose('Tipo', 'OrderPlaced');
    await expect.poll(() => types()).toEqual(['OrderPlaced']);
    await page.getByLabel('Al', { exact: true }).fill(yesterday);
    await page.getByText('Nessun risultato').first().waitFor();
  });

  it('from the order, its own history: who did each step', async () => {
    await page.goto(`${world.url}/#/orders/${orderId}/show`);
    const trail = page.getByTestId('audit-trail');
    await trail.waitFor();
    await trail.getByRole('row', { name: /OrderPlaced/ }).getByText(OLGA).waitFor();
    await trail.getByRole('row', { name: /OrderFulfilled/ }).getByText('Sistema').first().waitFor();
    await screenshot(page, 'order-history');

    await page.getByRole('link', { name: 'Storico' }).click();
    await expect.poll(() => decodeURIComponent(new URL(page.url()).hash)).toContain(`order-${orderId}`);
    await expect.poll(async () => [...new Set(await page.locator('tbody tr td.column-stream').allTextContents())]).toEqual([`order-${orderId}`]);
    expect(await types()).toEqual(expect.arrayContaining(['OrderPlaced', 'OrderPaid', 'OrderFulfilled']));
    await screenshot(page, 'audit-log-order-stream');
    expectNoPageErrors(world.browser);
  });
});
