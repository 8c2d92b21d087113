// The same device sold twice (#19 point 3) in a real browser: the holder's card already has the two
// coupons of an earlier order, unused. The guided wizard warns on the device step, lists those
// coupons (code masked, what it renews, expiry, the order), and goes on only once the operator ticks
// the confirmation; the summary says so and the order is placed. The holder's other card is past its
// deadline: the wizard offers no coupons for it but a button to the replacement request, which opens
// with the card filled in.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, expectNoPageErrors, MARIO_CF, seedCustomer, signIn, startWorld, type World } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';

let world: World;
let page: Page;
let firstOrder = '';

async function ok(response: Response, what: string): Promise<any> {
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

beforeAll(async () => {
  world = await startWorld();
  page = world.page;
  const { customerId } = await seedCustomer(world, { days: 20 });
  // A second card of the same holder, expired two days ago: past the 24-hour deadline.
  const from = new Date(Date.now() - 3 * 365 * DAY).toISOString();
  const expired = new Date(Date.now() - 2 * DAY).toISOString();
  await ok(
    await world.api.operator.post('/api/devices', {
      serial: '1205100099',
      kind: 'smart_card',
      issuer: 'Camera di Commercio di Roma',
      issuedOn: from.slice(0, 10),
      holderCodiceFiscale: MARIO_CF,
      certificates: [
        { kind: 'signing', serialNumber: 'S1205100099', validFrom: from, validUntil: expired },
        { kind: 'authentication', serialNumber: 'A1205100099', validFrom: from, validUntil: expired },
      ],
    }),
    'register the expired card',
  );
  const quote = await ok(await world.api.operator.get(`/api/customers/${customerId}/prepaid/top-up-quote?creditedCents=20000`), 'top-up quote');
  await ok(
    await world.api.operator.post(`/api/customers/${customerId}/prepaid/top-ups`, { amountReceivedCents: quote.toPayCents, method: 'cash', reference: 'ricevuta 1', receivedOn: new Date().toISOString().slice(0, 10) }),
    'top up',
  );
  // The earlier sale: both certificates' coupons, issued and not used.
  const placed = await ok(
    await world.api.operator.post('/api/orders', { customerId, guided: { holderCodiceFiscale: MARIO_CF, deviceSerial: '1205100000' }, payment: { mode: 'prepaid' } }),
    'first order',
  );
  firstOrder = placed.id;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const lookup = await ok(await world.api.operator.get(`/api/holders/${MARIO_CF}/renewable-devices`), 'lookup');
    if (lookup.devices[0]?.unusedCoupons.length === 2) break;
    if (Date.now() > deadline) throw new Error(`the first order's coupons are not listed: ${JSON.stringify(lookup.devices[0])}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 120_000);

afterAll(async () => {
  await world?.close();
});

async function expectAccessible(name: string) {
  const violations = await axeViolations(page);
  expect(violations, `${name}:\n${describeViolations(violations)}`).toEqual([]);
}

async function findDevices() {
  // A fresh wizard, even when the page is on one already.
  await page.goto(`${world.url}/#/orders`);
  await page.goto(`${world.url}/#/orders/create`);
  await page.getByRole('heading', { name: 'Nuovo ordine', level: 1 }).waitFor();
  await page.getByRole('textbox', { name: 'Codice fiscale del titolare' }).fill(MARIO_CF);
  await page.getByRole('button', { name: 'Cerca dispositivi' }).click();
  await page.getByText('Trovato 1 dispositivo rinnovabile').waitFor();
  await expect.poll(() => page.getByRole('combobox', { name: 'Acquirente' }).inputValue()).toBe('Mario Rossi');
}

describe('the same device sold twice', () => {
  it('warns with the unused coupons, and sells only once the operator confirms', async () => {
    await signIn(page, world.url, 'operator');
    await findDevices();
    await page.getByRole('button', { name: 'Avanti' }).click();

    const warning = page.getByTestId('unused-coupons');
    await warning.getByText('Il dispositivo 1205100000 ha già coupon non usati').waitFor();
    await page.getByText('2 coupon non usati').waitFor(); // beside the card in the list
    const table = warning.getByRole('table', { name: 'Coupon non usati del dispositivo 1205100000' });
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    const codes = await table.getByTestId('coupon-code').allTextContents();
    expect(codes).toHaveLength(2);
    for (const code of codes) expect(code).toMatch(/^\*{4}-\*{4}-\*{4}-\*{4}-[0-9A-Z]{4}$/);
    await table.getByRole('cell', { name: 'Sottoscrizione', exact: true }).waitFor();
    await table.getByRole('cell', { name: 'Autenticazione', exact: true }).waitFor();
    await expect.poll(() => table.getByRole('link', { name: firstOrder.slice(0, 8) }).count()).toBe(2);
    const next = page.getByRole('button', { name: 'Avanti' });
    expect(await next.isDisabled()).toBe(true);
    await screenshot(page, 'order-wizard-unused-coupons');
    await expectAccessible('wizard: unused coupons');

    await page.getByRole('checkbox', { name: /Ho verificato con il cliente/ }).check();
    expect(await next.isDisabled()).toBe(false);
    await next.click();
    await page.getByTestId('lines').waitFor();
    await page.getByRole('button', { name: 'Avanti' }).click();
    await page.getByRole('radio', { name: /Addebito sul conto prepagato/ }).waitFor();
    await page.getByRole('button', { name: 'Avanti' }).click();
    await page.getByTestId('order-summary').waitFor();
    await page.getByTestId('unused-confirmed').getByText('Vendita confermata nonostante 2 coupon non usati del dispositivo').waitFor();
    await screenshot(page, 'order-wizard-unused-confirmed-summary');
    await expectAccessible('wizard: summary after the confirmation');

    const bodies: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/orders')) bodies.push(r.postData() ?? '');
    });
    await page.getByRole('button', { name: 'Conferma ordine' }).click();
    await expect.poll(() => page.url(), { timeout: 20_000 }).toMatch(/#\/orders\/[0-9a-f-]{36}\/show$/);
    expect(page.url()).not.toContain(firstOrder);
    expect(JSON.parse(bodies[0]!).guided).toMatchObject({ deviceSerial: '1205100000', confirmUnusedCoupons: true });
    expectNoPageErrors(world.browser);
  }, 120_000);

  it('a card past its deadline leads to the replacement request, with the card filled in', async () => {
    await findDevices();
    const offer = page.getByTestId('replacement-instead');
    await offer.getByText('Per i dispositivi oltre la scadenza non si vendono coupon').waitFor();
    await screenshot(page, 'order-wizard-replacement-instead');
    await expectAccessible('wizard: past the deadline');
    // Not among the devices coupons are sold for.
    await page.getByRole('button', { name: 'Avanti' }).click();
    await page.getByRole('radio', { name: /1205100000/ }).waitFor();
    expect(await page.getByRole('radio', { name: /1205100099/ }).count()).toBe(0);
    await page.getByTestId('replacement-instead').getByRole('link', { name: 'Richiedi la sostituzione di 1205100099' }).click();

    await expect.poll(() => page.url()).toMatch(/#\/replacement-requests\/create/);
    await expect.poll(() => page.getByRole('textbox', { name: 'Dispositivo da sostituire' }).inputValue()).toBe('1205100099');
    await screenshot(page, 'replacement-request-from-wizard');
    await expectAccessible('replacement request from the wizard');
    await page.getByRole('button', { name: 'Salva' }).click();
    await expect.poll(() => page.url(), { timeout: 20_000 }).toMatch(/#\/replacement-requests\/[^/]+\/show$/);

    // The card's own page offers the replacement, not a renewal order; the renewable card still offers the order.
    await page.goto(`${world.url}/#/devices/1205100099/show`);
    await page.getByRole('link', { name: 'Richiedi sostituzione' }).waitFor();
    expect(await page.getByRole('link', { name: 'Ordina il rinnovo' }).count()).toBe(0);
    await page.goto(`${world.url}/#/devices/1205100000/show`);
    await page.getByRole('link', { name: 'Ordina il rinnovo' }).waitFor();
    expectNoPageErrors(world.browser);
  }, 120_000);
});
