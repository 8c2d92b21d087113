// Time travel in a real browser: an order is placed (by transfer) and then paid; an accountant opens
// the order's "Cronologia", picks a Rome date and time before the payment and sees the order as it
// was then (awaiting payment, the whole total due), then picks two instants and sees what the
// payment changed. The instants are the store's recording times (the server's wall clock), taken
// between the steps with a second's margin since the page picks instants to the second.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { romeWallClock } from '../../../domain/shared/romeCalendar';
import { expectNoPageErrors, seedCustomer, signIn, startWorld, type World } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';

let world: World;
let page: Page;
let orderId = '';
let customerId = '';
let invoiceId = '';
let beforePayment = 0;
let afterFulfilment = 0;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const p2 = (n: number) => String(n).padStart(2, '0');
/** What a datetime-local input holds for an instant, on the Rome wall clock. */
const romeInput = (at: number) => {
  const w = romeWallClock(at);
  return `${w.year}-${p2(w.month)}-${p2(w.day)}T${p2(w.hour)}:${p2(w.minute)}:${p2(w.second)}`;
};

beforeAll(async () => {
  world = await startWorld();
  page = world.page;
  ({ customerId } = await seedCustomer(world));
  const placed = await world.api.operator.post('/api/orders', {
    customerId,
    manual: { lines: [{ productCode: 'RIN-FIRMA-CNS', quantity: 1 }] },
    payment: { mode: 'direct', method: 'bank_transfer' },
  });
  expect(placed.status).toBe(201);
  const order = (await placed.json()) as { id: string; rfReference: string };
  orderId = order.id;
  await pause(1_100);
  beforePayment = Date.now();
  await pause(1_100);
  const paid = await world.api.accountant.post('/api/payments', {
    method: 'bank_transfer',
    amountCents: 3172,
    receivedOn: new Date().toISOString().slice(0, 10),
    payer: 'Mario Rossi',
    reason: `pagamento ${order.rfReference}`,
    bankReference: 'CRO 7788',
  });
  expect(paid.status).toBe(201);
  // Fulfilled (coupons, invoice) by the server's reactors shortly after.
  const orderNow = async () => (await (await world.api.accountant.get(`/api/orders/${orderId}`)).json()) as { status: string; invoiceId: string | null };
  for (let tries = 0; (await orderNow()).status !== 'fulfilled'; tries++) {
    if (tries > 150) throw new Error('the order was not fulfilled in 30 s');
    await pause(200);
  }
  invoiceId = (await orderNow()).invoiceId ?? '';
  await pause(1_100);
  afterFulfilment = Date.now();
}, 180_000);

afterAll(async () => {
  await world?.close();
});

describe("an order's history", () => {
  it('as of before the payment: awaiting payment, 31,72 € due, nothing paid', async () => {
    await signIn(page, world.url, 'accountant');
    await page.goto(`${world.url}/#/orders/${orderId}/show`);
    await page.getByTestId('orderStatus-fulfilled').first().waitFor({ timeout: 20_000 });
    await page.getByRole('link', { name: 'Cronologia', exact: true }).click();
    await page.getByTestId('time-travel').getByRole('heading', { name: 'Cronologia: ordine', level: 1 }).waitFor();

    await page.getByLabel('Data e ora (Roma)', { exact: true }).fill(romeInput(beforePayment));
    await page.getByRole('button', { name: 'Mostra' }).click();
    const state = page.getByTestId('state-as-of');
    await state.waitFor();
    const row = (field: string) => state.locator(`tr[data-field="${field}"] td`);
    expect(await row('status').textContent()).toBe('In attesa di pagamento');
    expect(await row('totalCents').textContent()).toBe('31,72 €');
    expect(await row('amountDueCents').textContent()).toBe('31,72 €');
    expect(await row('amountPaidCents').textContent()).toBe('0,00 €');
    expect(await row('payments').textContent()).toBe('Nessuno');
    expect(await row('paymentMethod').textContent()).toBe('Bonifico bancario');
    expect(await row('placedAt').textContent()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await state.getByRole('cell', { name: 'Ordine effettuato' }).waitFor();
    expect(await state.getByRole('cell', { name: 'Pagamento ricevuto' }).count()).toBe(0);
    await screenshot(page, 'time-travel-order-before-payment');
  });

  it('what changed from before the payment to after the fulfilment: paid, fulfilled, the payment listed', async () => {
    await page.getByLabel('Dal (Roma)', { exact: true }).fill(romeInput(beforePayment));
    await page.getByLabel('Al (Roma)', { exact: true }).fill(romeInput(afterFulfilment));
    await page.getByRole('button', { name: 'Confronta' }).click();
    const changes = page.getByTestId('changes');
    await changes.waitFor();
    const change = (path: string) => changes.locator(`tr[data-path="${path}"] td`);
    expect(await change('status').allTextContents()).toEqual(['Stato', 'In attesa di pagamento', 'Evaso']);
    expect(await change('amountPaidCents').allTextContents()).toEqual(['Pagato', '0,00 €', '31,72 €']);
    expect(await change('amountDueCents').allTextContents()).toEqual(['Da pagare', '31,72 €', '0,00 €']);
    const payment = await change('payments[0]').allTextContents();
    expect(payment[0]).toBe('Pagamenti ricevuti n. 1');
    expect(payment[1]).toBe('—');
    expect(payment[2]).toContain('Importo: 31,72 €');
    expect(await change('invoiceNumber').nth(2).textContent()).toMatch(/^1\/\d{4}$/);
    for (const event of ['Pagamento ricevuto', 'Ordine pagato', 'Ordine evaso']) await changes.getByRole('cell', { name: event }).waitFor();
    // The events in words, as in the audit log: the method and the amount, not `bank_transfer`.
    expect(await changes.getByRole('row', { name: /Pagamento ricevuto/ }).textContent()).toContain('bonifico bancario, 31,72 €');
    expect(await changes.getByRole('row', { name: /Ordine evaso/ }).textContent()).toMatch(/fattura n\. 1\/\d{4}, 1 coupon/);
    await screenshot(page, 'time-travel-order-diff');

    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it("the invoice's and the prepaid account's history, from their own screens", async () => {
    await page.goto(`${world.url}/#/invoices/${invoiceId}/show`);
    await page.getByRole('link', { name: 'Cronologia', exact: true }).click();
    await page.getByTestId('time-travel').getByRole('heading', { name: 'Cronologia: fattura', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Mostra' }).click();
    const invoice = page.getByTestId('state-as-of');
    await invoice.waitFor();
    expect(await invoice.locator('tr[data-field="totalCents"] td').textContent()).toBe('31,72 €');
    expect(await invoice.locator('tr[data-field="netCents"] td').textContent()).toBe('31,72 €');
    expect(await invoice.locator('tr[data-field="sdiState"] td').textContent()).toBe('In attesa di esito');
    await screenshot(page, 'time-travel-invoice');

    await page.goto(`${world.url}/#/customers/${customerId}/show`);
    await page.getByRole('link', { name: 'Cronologia del conto' }).click();
    await page.getByTestId('time-travel').getByRole('heading', { name: 'Cronologia: conto prepagato', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Mostra' }).click();
    const account = page.getByTestId('state-as-of');
    await account.waitFor();
    // A direct order: nothing went through the account.
    expect(await account.locator('tr[data-field="balanceCents"] td').textContent()).toBe('0,00 €');
    expect(await account.locator('tr[data-field="movements"] td').textContent()).toBe('0');
    await screenshot(page, 'time-travel-prepaid');
  });

  it('an instant before the order existed is told plainly', async () => {
    await page.goto(`${world.url}/#/history/${encodeURIComponent(`order:${orderId}`)}/show`);
    await page.getByLabel('Data e ora (Roma)', { exact: true }).fill(romeInput(beforePayment - 3_600_000));
    await page.getByRole('button', { name: 'Mostra' }).click();
    // The server's code said in Italian (order_not_found), as every refusal.
    await page.getByText('Ordine non trovato').waitFor();
    expectNoPageErrors(world.browser);
  });
});
