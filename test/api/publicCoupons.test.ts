// "Verifica Stato Coupon" over HTTP, without logging in: malformed, mistyped, unknown, issued,
// redeemed and cancelled codes; the answer holds no personal data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { couponAggregate, redeemCoupon } from '../../server/domain/coupon/decider';
import { COUPON_ALPHABET, checkCouponCode, generateCouponCode } from '../../server/domain/values/couponCode';
import { getOrder, run } from '../../server/sales/services';
import { addGuideProducts, codesIn, expectStatus, manualOrder, MARIO_CF, registerPerson, startApi, topUp, type ApiWorld } from './support';

let world: ApiWorld;
let orderId: string;
let couponIds: string[];
let codes: string[];
let customerId: string;

const status = (code: string) => world.anonymous.get(`/api/public/coupons/${encodeURIComponent(code)}/status`);

/** The code with one symbol changed so that its check symbol no longer matches. */
function mistype(code: string): string {
  for (let i = 0; i < code.length; i++) {
    if (code[i] === '-') continue;
    for (const c of COUPON_ALPHABET) {
      if (c === code[i]) continue;
      const typo = code.slice(0, i) + c + code.slice(i + 1);
      const checked = checkCouponCode(typo);
      if (!checked.ok && checked.rule === 'mistyped') return typo;
    }
  }
  throw new Error('no typo found');
}

beforeAll(async () => {
  world = await startApi();
  await addGuideProducts(world);
  customerId = await registerPerson(world);
  await topUp(world, customerId, 10_000);
  orderId = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' }, 'RIN-FIRMA', 3)), 201).json().id;
  const [mail] = await world.smtp.waitForMessages(1);
  await world.idle();
  couponIds = (await getOrder(world.app.sales, orderId)).fulfilment!.couponIds;
  const byId = await Promise.all(couponIds.map(async (id) => ((await world.store.readStream(`coupon-${id}`))[0]!.data as { code: string }).code));
  codes = byId;
  expect(codesIn(mail!.text ?? '').sort()).toEqual([...byId].sort());
});
afterAll(async () => {
  await world?.close();
});

describe('GET /api/public/coupons/:code/status (no login)', () => {
  it('an issued coupon: its state, what it renews, until when; nothing personal', async () => {
    const answer = expectStatus(await status(codes[0]!), 200);
    const body = answer.json();
    expect(body).toEqual({ code: codes[0], state: 'issued', renews: 'signing', validUntil: '2027-11-24T09:00:00.000Z', redeemedAt: null });
    for (const personal of [customerId, orderId, couponIds[0]!, MARIO_CF, 'mario', 'Rossi']) expect(answer.text.toLowerCase()).not.toContain(personal.toLowerCase());
  });

  it('accepts the code however it is typed: lower case, without dashes, O for 0', async () => {
    const typed = codes[0]!.replace(/-/g, '').toLowerCase();
    expect(expectStatus(await status(typed), 200).json()).toMatchObject({ code: codes[0], state: 'issued' });
    expect(expectStatus(await status(codes[0]!.replace(/-/g, ' ')), 200).json().code).toBe(codes[0]);
  });

  it('malformed → 400 "not a coupon code"', async () => {
    for (const code of ['hello', 'K7Q2-9XMD', '!!!!-9XMD-4HRT-0ZBW-J8NC', 'x'.repeat(99)]) {
      const body = expectStatus(await status(code), 400).json();
      expect(body).toMatchObject({ statusCode: 400, code: 'not_a_coupon_code', message: expect.stringMatching(/^not a coupon code/) });
    }
  });

  it('mistyped (the check character does not match) → 400 "mistyped: check character does not match"', async () => {
    const body = expectStatus(await status(mistype(codes[0]!)), 400).json();
    expect(body).toMatchObject({ code: 'coupon_code_mistyped', message: 'mistyped: check character does not match' });
  });

  it('a well-formed code that no coupon has → 404', async () => {
    let unknown = generateCouponCode();
    while (codes.includes(unknown)) unknown = generateCouponCode();
    expect(expectStatus(await status(unknown), 404).json()).toMatchObject({ code: 'coupon_not_found', message: 'no coupon has this code' });
  });

  it('a redeemed coupon shows when it was used; a refunded one is cancelled', async () => {
    await run(world.app.sales, `coupon-${couponIds[1]}`, couponAggregate, (s) => redeemCoupon({ deviceSerial: '1205100000', certificateKind: 'signing', at: world.clock.now().toISOString() }, s), {
      actor: { userId: 'kiosk', role: 'operator' },
      at: world.clock.now().toISOString(),
      correlationId: '11111111-1111-4111-8111-111111111111',
      causationId: null,
    });
    expect(expectStatus(await status(codes[1]!), 200).json()).toMatchObject({ state: 'redeemed', redeemedAt: world.clock.now().toISOString() });

    expectStatus(await world.supervisor.post(`/api/orders/${orderId}/refund`, { couponIds: [couponIds[2]], refundTo: 'prepaid' }), 200);
    expect(expectStatus(await status(codes[2]!), 200).json()).toMatchObject({ state: 'cancelled', redeemedAt: null });
  });

  it('an issued coupon past its validity shows as expired', async () => {
    world.clock.advance(400 * 24 * 3_600_000);
    expect(expectStatus(await status(codes[0]!), 200).json()).toMatchObject({ state: 'expired' });
  });
});
