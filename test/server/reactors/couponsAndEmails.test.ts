import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { handleCommand } from '../../../server/commands/handle';
import { couponAggregate, redeemCoupon } from '../../../domain/coupons/decider';
import { COUPON_ALPHABET, generateCouponCode } from '../../../domain/shared/couponCode';
import { couponStatus, getOrder, placeOrder, resendCouponEmail, retryEmail, saleIds } from '../../../server/features/services';
import { codesIn, eventsOfType, eventually, makeWorld, operator, shopWithMario, typesIn, withReactors, type Running, type World } from '../features/fixtures';

const manual = (customerId: string, productCode = 'RIN-FIRMA-CNS', quantity = 1) =>
  ({ customerId, choice: 'manual', lines: [{ productCode, quantity }] }) as const;

/** The code with its n-th symbol replaced by another symbol of the alphabet. */
function mistype(code: string, n: number): string {
  const chars = [...code.replace(/-/g, '')];
  const current = chars[n]!;
  chars[n] = COUPON_ALPHABET[(COUPON_ALPHABET.indexOf(current) + 1) % 32]!;
  return chars.join('');
}

describe('coupon status and coupon e-mails', () => {
  let world: World;
  let running: Running;
  afterEach(async () => {
    await running?.close();
    await world?.close();
  });

  async function boughtCoupons(quantity = 2) {
    const customerId = await shopWithMario(world, 10_000);
    const placed = await placeOrder(world.deps, { ...manual(customerId, 'RIN-FIRMA', quantity), payment: { mode: 'prepaid' } }, operator);
    await running.smtp.waitForMessages(1);
    await running.reactors.idle();
    const order = await getOrder(world.deps, placed.orderId);
    const couponIds = order.fulfilment!.couponIds;
    const codes = await Promise.all(couponIds.map(async (id) => ((await world.store.readStream(`coupon-${id}`))[0]!.data as { code: string }).code));
    return { customerId, orderId: placed.orderId, couponIds, codes };
  }

  it('tells malformed, mistyped, unknown, issued and redeemed codes apart, without personal data', async () => {
    world = makeWorld();
    running = await withReactors(world);
    const { couponIds, codes } = await boughtCoupons();
    const [first, second] = codes as [string, string];

    expect(await couponStatus(world.deps, { code: 'hello' })).toMatchObject({ answer: 'malformed' });
    expect(await couponStatus(world.deps, { code: `${first}-AAAA` })).toMatchObject({ answer: 'malformed' });
    expect(await couponStatus(world.deps, { code: mistype(first, 5) })).toMatchObject({ answer: 'mistyped' });
    const stranger = generateCouponCode(randomBytes);
    expect(await couponStatus(world.deps, { code: stranger })).toEqual({ answer: 'unknown', code: stranger, message: 'no coupon has this code' });

    const issued = await couponStatus(world.deps, { code: first.toLowerCase().replace(/-/g, ' ') });
    expect(issued).toEqual({
      answer: 'found',
      code: first,
      coupon: { status: 'issued', renews: 'signing', validUntil: '2027-03-10T09:00:00.000Z', redeemedAt: null },
    });

    await handleCommand(world.deps, `coupon-${couponIds[1]}`, couponAggregate, (s) => redeemCoupon({ deviceSerial: '1205100000', certificateKind: 'signing', at: '2026-03-11T10:00:00.000Z' }, s), operator);
    expect(await couponStatus(world.deps, { code: second })).toEqual({
      answer: 'found',
      code: second,
      coupon: { status: 'redeemed', renews: 'signing', validUntil: '2027-03-10T09:00:00.000Z', redeemedAt: '2026-03-11T10:00:00.000Z' },
    });
  });

  it('sends the codes again on request, and retries an e-mail the outbox gave up on', async () => {
    world = makeWorld();
    running = await withReactors(world);
    const { orderId, codes } = await boughtCoupons();
    const fulfilmentEmail = saleIds.fulfilmentEmail(orderId);
    await eventually(async () => (await typesIn(world.store, `email-${fulfilmentEmail}`)).includes('EmailSent'));
    await expect(retryEmail(world.deps, { emailId: fulfilmentEmail }, operator)).rejects.toMatchObject({ code: 'email_already_sent' });

    running.smtp.refusing = true;
    const resend = await resendCouponEmail(world.deps, { orderId }, { ...operator, idempotencyKey: 'resend-1' });
    const again = await resendCouponEmail(world.deps, { orderId }, { ...operator, idempotencyKey: 'resend-1' });
    expect(again.emailId).toBe(resend.emailId);
    expect((await eventsOfType(world.store, 'EmailQueued')).map((e) => (e.data as { reason: string }).reason)).toEqual(['fulfilment', 'resend']);
    await eventually(async () => (await typesIn(world.store, `email-${resend.emailId}`)).includes('EmailGaveUp'));
    await expect(retryEmail(world.deps, { emailId: '00000000-0000-4000-8000-000000000000' }, operator)).rejects.toMatchObject({ code: 'email_not_found' });

    running.smtp.refusing = false;
    const retried = await retryEmail(world.deps, { emailId: resend.emailId }, operator);
    expect(retried.position).toBeGreaterThan(0);
    const mails = await running.smtp.waitForMessages(2);
    expect(codesIn(mails[1]!.text ?? '').sort()).toEqual([...codes].sort());
    await eventually(async () => (await typesIn(world.store, `email-${resend.emailId}`)).at(-1) === 'EmailSent');
    await expect(retryEmail(world.deps, { emailId: resend.emailId }, operator)).rejects.toMatchObject({ code: 'email_already_sent' });
  });

  it('a coupon code drawn twice is never issued twice: the second coupon gets another code', async () => {
    // The first two draws give the same code.
    const draws = [1, 1, 2];
    world = makeWorld({ random: (n) => new Uint8Array(n).fill(draws.shift() ?? 9) });
    running = await withReactors(world);
    const { codes } = await boughtCoupons(2);
    expect(new Set(codes).size).toBe(2);
    expect(await eventsOfType(world.store, 'CouponCodeClaimed')).toHaveLength(2);
  });
});
