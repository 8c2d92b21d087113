// Renewals in a real browser (issue #16): a renewal failed at the desk shows in the list under
// "Non riuscito", its page shows the steps as a timeline (Europe/Rome); the operator resumes it;
// another one is abandoned with a reason and its coupon is usable again; the customer's page lists
// a pay-after fee among what the customer owes.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRomeDateTime } from '../../../domain/shared/money';
import { expectNoPageErrors, openMenu, seedCustomer, signIn, startWorld, type World } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';

let world: World;
let page: Page;
let failedId = '';
let couponRenewalId = '';
let customerId = '';

async function ok<T = any>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  world = await startWorld();
  page = world.page;
  const seeded = await seedCustomer(world, { serial: '1205100021', days: 15 });
  customerId = seeded.customerId;
  await seedCustomer(world, { cf: 'BNCLRA85T45F205L', name: 'Laura', surname: 'Bianchi', email: 'laura.bianchi@example.it', serial: '1205100022' });
  const { operator } = world.api;

  // A pay-after renewal that failed after its keys were generated.
  const started = await ok(await operator.post('/api/renewals', { deviceSerial: '1205100021', certificates: ['signing', 'authentication'], payment: { mode: 'pay_after', customerId } }), 'start');
  failedId = started.id;
  await ok(await operator.post(`/api/renewals/${failedId}/steps`, { certificateKind: 'signing', step: 'keys_generated' }), 'step');
  await ok(await operator.post(`/api/renewals/${failedId}/fail`, { certificateKind: 'signing', reason: 'lettore scollegato' }), 'fail');

  // A renewal paid by a coupon bought with a direct order paid at the desk.
  const order = await ok(
    await operator.post('/api/orders', { customerId, manual: { lines: [{ productCode: 'RIN-FIRMA-CNS', quantity: 1 }] }, payment: { mode: 'direct', method: 'cash' } }),
    'order',
  );
  await ok(await operator.post(`/api/orders/${order.id}/desk-payment`, { method: 'cash', amountCents: order.order.totals.totalCents }), 'desk payment');
  let code = '';
  for (let i = 0; i < 200 && !code; i++) {
    const coupons = await ok<Array<{ code: string }>>(await operator.get(`/api/coupons?filter=${encodeURIComponent(JSON.stringify({ orderId: order.id }))}`), 'coupons');
    code = coupons[0]?.code ?? '';
    if (!code) await new Promise((r) => setTimeout(r, 50));
  }
  const withCoupon = await ok(
    await operator.post('/api/renewals', { deviceSerial: '1205100022', certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [code] } }),
    'start with coupon',
  );
  couponRenewalId = withCoupon.id;
});

afterAll(async () => {
  await world?.close();
});

describe('renewals in the console', () => {
  it('the list filtered by state; the failed renewal shows its steps as a timeline, and is resumed', async () => {
    await signIn(page, world.url, 'operator');
    await openMenu(page, 'Rinnovi');
    await page.getByRole('combobox', { name: 'Stato' }).click();
    await page.getByRole('option', { name: 'Non riuscito' }).click();
    const rows = page.getByRole('link', { name: /\d{2}\/\d{2}\/\d{4}/ });
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByTestId('renewalState-failed').first().waitFor();
    await rows.first().click();
    await expect.poll(() => page.url()).toContain(`/renewals/${failedId}/show`);

    const timeline = page.getByTestId('renewal-timeline');
    await timeline.getByText(/Sottoscrizione: Chiavi generate/).waitFor();
    await timeline.getByText(/Non riuscito/).waitFor();
    const row = await ok(await world.api.operator.get(`/api/renewals/${failedId}`), 'row');
    await timeline.getByText(`${formatRomeDateTime(row.startedAt)} — Rinnovo avviato`).waitFor();
    await page.getByText('Pagamento posticipato').first().waitFor();
    await screenshot(page, 'renewal-failed');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    await page.getByRole('button', { name: 'Riprendi' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Riprendi' }).click();
    await page.getByText('Rinnovo ripreso').waitFor();
    await timeline.getByText(/Ripreso/).waitFor();
    await page.getByTestId('renewalState-in_progress').waitFor();
    expect((await ok(await world.api.operator.get(`/api/renewals/${failedId}`), 'row')).state).toBe('in_progress');
  });

  it('abandoned with a reason: its coupon is usable again', async () => {
    await page.goto(`${world.url}/#/renewals/${couponRenewalId}/show`);
    await page.getByRole('button', { name: 'Abbandona' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: "Motivo dell'abbandono" }).fill('il cliente torna domani');
    await dialog.getByRole('button', { name: 'Abbandona' }).click();
    await page.getByText('Rinnovo abbandonato; coupon di nuovo utilizzabili').waitFor();
    await page.getByTestId('renewalState-abandoned').waitFor();
    await page.getByTestId('renewal-timeline').getByText(/Abbandonato/).waitFor();
    expect(await page.getByRole('button', { name: 'Riprendi' }).count()).toBe(0);
    const again = await world.api.operator.post('/api/renewals', {
      deviceSerial: '1205100022',
      certificates: ['signing', 'authentication'],
      payment: { mode: 'coupons', coupons: (await ok(await world.api.operator.get(`/api/coupons?filter=${encodeURIComponent(JSON.stringify({ customerId }))}`), 'c')).map((c: { code: string }) => c.code) },
    });
    expect(again.status).toBe(201);
    expectNoPageErrors(world.browser);
  });
});
