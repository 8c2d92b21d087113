// Scenario 2 in a real browser: an operator places a manual order to be paid by bank transfer and
// reads its RF reference; an accountant records the transfer, whose reason quotes the reference in
// lower case with spaces; the payment is matched, the order turns paid and is fulfilled, and the
// coupon e-mail reaches the test SMTP server.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoPageErrors, LAURA_CF, openMenu, seedCustomer, signIn, signOut, startWorld, type World } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';
import { notPaymentNotice } from '../../support/smtp';

let world: World;
let page: Page;

beforeAll(async () => {
  world = await startWorld();
  page = world.page;
  await seedCustomer(world);
  // Another customer's order, whose payment will come without the RF reference.
  const laura = await seedCustomer(world, { cf: LAURA_CF, name: 'Laura', surname: 'Bianchi', email: 'laura.bianchi@example.it', serial: '1205100009' });
  const placed = await world.api.operator.post('/api/orders', {
    customerId: laura.customerId,
    manual: { lines: [{ productCode: 'RIN-FIRMA', quantity: 1 }] },
    payment: { mode: 'direct', method: 'postal_slip' },
  });
  expect(placed.status).toBe(201);
});

afterAll(async () => {
  await world?.close();
});

async function expectAccessible(name: string) {
  const violations = await axeViolations(page);
  expect(violations, `${name}:\n${describeViolations(violations)}`).toEqual([]);
}

describe('a direct payment by bank transfer', () => {
  let rf = '';
  let orderPath = '';

  it('an operator places a manual order to be paid by bank transfer and gets its RF reference', async () => {
    await signIn(page, world.url, 'operator');
    await openMenu(page, 'Ordini');
    await page.getByRole('link', { name: 'Crea' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/orders\/create$/);
    await page.getByRole('tab', { name: 'Scelta manuale' }).click();

    // The search for what is typed is held back: meanwhile the list keeps the customers it showed,
    // and one of them can be chosen (it used to empty itself for a "Loading" line, and a click
    // landing then chose no one).
    const buyer = page.getByRole('combobox', { name: 'Acquirente' });
    await buyer.click();
    await page.getByRole('option', { name: /Mario Rossi/ }).waitFor(); // the first page of customers
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let searched: Promise<void> | undefined;
    const search = (url: URL) => url.pathname.endsWith('/customers') && url.search.includes('rossi');
    await page.route(search, (route) => (searched = held.then(() => route.continue())));
    await buyer.fill('rossi');
    await expect.poll(() => searched !== undefined).toBe(true);
    await page.getByRole('option', { name: /Mario Rossi/ }).click();
    await expect.poll(() => buyer.inputValue()).toBe('Mario Rossi');
    release();
    await searched;
    await page.unroute(search);
    await page.getByRole('button', { name: 'Avanti' }).click();

    await page.getByRole('combobox', { name: 'Prodotto 1' }).click();
    await page.getByRole('option', { name: /^RIN-FIRMA-CNS/ }).click();
    await screenshot(page, 'order-manual-products');
    await page.getByRole('button', { name: 'Avanti' }).click();

    // No money on the prepaid account: the direct payment is proposed, by bank transfer.
    await page.getByText(/Saldo del conto prepagato \(0,00 €\) inferiore al totale \(31,72 €\)/).waitFor();
    expect(await page.getByRole('radio', { name: /Pagamento diretto/ }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: /Addebito sul conto prepagato/ }).isDisabled()).toBe(true);
    await screenshot(page, 'order-manual-payment');
    await page.getByRole('button', { name: 'Avanti' }).click();

    await page.getByTestId('order-summary').waitFor();
    expect(await page.getByTestId('grand-total').textContent()).toBe('31,72 €');
    await page.getByRole('button', { name: 'Conferma ordine' }).click();

    await expect.poll(() => page.url()).toMatch(/#\/orders\/[0-9a-f-]{36}\/show$/);
    orderPath = new URL(page.url()).hash;
    const reference = page.getByTestId('rf-reference');
    await reference.waitFor();
    rf = (await reference.textContent()) ?? '';
    expect(rf).toMatch(/^RF\d{2}( \d{4}){3}$/);
    await page.getByTestId('orderStatus-awaiting_payment').first().waitFor();
    await screenshot(page, 'order-show-awaiting-payment');
    await expectAccessible('order awaiting payment');
    await signOut(page);
  });

  it('an accountant sees no way to place an order', async () => {
    await signIn(page, world.url, 'accountant');
    await openMenu(page, 'Ordini');
    await page.getByTestId('orderStatus-awaiting_payment').first().waitFor();
    expect(await page.getByRole('link', { name: 'Crea' }).count()).toBe(0);
    await screenshot(page, 'accountant-orders-list');
  });

  it('records the bank transfer quoting the RF reference in lower case with spaces: matched to the order', async () => {
    await openMenu(page, 'Pagamenti');
    await page.getByRole('link', { name: 'Crea' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/payments\/create$/);
    await page.getByRole('textbox', { name: 'Importo' }).fill('31,72');
    await page.getByRole('textbox', { name: 'Pagante' }).fill('Mario Rossi');
    await page.getByRole('textbox', { name: 'Riferimento banca' }).fill('cro 0306 9099 123');
    await page.getByRole('textbox', { name: 'Causale' }).fill(`pagamento coupon ${rf.toLowerCase()} rossi mario`);
    await screenshot(page, 'payment-create');
    await expectAccessible('payment create');
    await page.getByRole('button', { name: 'Salva' }).click();

    await expect.poll(() => page.url()).toMatch(/#\/payments\/[0-9a-f-]{36}\/show$/);
    await page.getByTestId('paymentState-matched').waitFor();
    await page.getByText(rf).first().waitFor();
    await page.getByText('CRO03069099123').first().waitFor();
    await screenshot(page, 'payment-show-matched');
    await expectAccessible('payment show');
  });

  it('the order turns paid and is fulfilled; the coupon e-mail reaches the customer', async () => {
    await page.getByRole('link', { name: /Mario Rossi/ }).first().click();
    await expect.poll(() => new URL(page.url()).hash).toBe(orderPath);
    await page.getByTestId('orderStatus-fulfilled').first().waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByTestId('money-amountDueCents').textContent()).toBe('0,00 €');
    // The accountant sees the codes' last group only.
    const codes = page.getByTestId('order-coupons').getByTestId('coupon-code');
    await expect.poll(() => codes.count()).toBe(1);
    expect(await codes.first().textContent()).toMatch(/^\*{4}-\*{4}-\*{4}-\*{4}-[0-9A-Z]{4}$/);
    await page.getByTestId('order-payments').getByText('Mario Rossi').waitFor();
    await screenshot(page, 'order-show-paid-by-transfer');

    // The coupon e-mail (the payment notice went out when the order was placed).
    const [mail] = await world.smtp.waitForMessages(1, 20_000, notPaymentNotice);
    expect(JSON.stringify(mail!.to)).toContain('mario.rossi@example.it');
    const codesInMail = (mail!.text ?? '').match(/\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}\b/g) ?? [];
    expect(codesInMail.length).toBeGreaterThanOrEqual(1);
    expectNoPageErrors(world.browser);
  });

  it('a payment without the RF reference is left unmatched, and matched by hand', async () => {
    await openMenu(page, 'Pagamenti');
    await page.getByRole('link', { name: 'Crea' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/payments\/create$/);
    await page.getByRole('combobox', { name: 'Mezzo' }).click();
    await page.getByRole('option', { name: 'Bollettino postale' }).click();
    await page.getByRole('textbox', { name: 'Importo' }).fill('13,42');
    await page.getByRole('textbox', { name: 'Pagante' }).fill('Laura Bianchi');
    await page.getByRole('textbox', { name: 'Riferimento banca' }).fill('BP 000 123');
    await page.getByRole('textbox', { name: 'Causale' }).fill('rinnovo firma digitale');
    await page.getByRole('button', { name: 'Salva' }).click();
    await page.getByTestId('paymentState-unmatched').waitFor();
    await page.getByTestId('unmatched').getByText('Nessun codice RF nella causale').waitFor();
    await screenshot(page, 'payment-show-unmatched');

    await page.getByRole('button', { name: 'Abbina a un ordine' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Ordine' }).fill('Bianchi');
    await page.getByRole('option', { name: /Laura Bianchi/ }).click();
    await dialog.getByRole('button', { name: 'Abbina a un ordine' }).click();
    await page.getByTestId('paymentState-matched').waitFor();
    await page.getByRole('link', { name: /Laura Bianchi/ }).first().waitFor();
    expectNoPageErrors(world.browser);
  });
});
