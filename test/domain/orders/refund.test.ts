import { describe, expect, it } from 'vitest';
import type { CouponEvent } from '../../../domain/coupons/events';
import type { OrderEvent } from '../../../domain/orders/events';
import { couponAggregate, type CouponState } from '../../../domain/coupons/decider';
import { orderAggregate, placeOrder, type CatalogueProduct } from '../../../domain/orders/decider';
import { planRefund } from '../../../domain/orders/refund';
import { DomainError } from '../../../domain/shared/errors';
import { fold } from '../gwt';

const AT = '2026-03-10T09:00:00.000Z';
const VALID_UNTIL = '2027-03-10T09:00:00.000Z';
const SIGNING: CatalogueProduct = { code: 'RIN-FIRMA', description: 'Rinnovo Sottoscrizione', renews: 'signing', priceCents: 1100, vatRateBp: 2200 };
const AUTH: CatalogueProduct = { code: 'RIN-CNS-COMM', description: 'Autenticazione CNS Commercialisti', renews: 'authentication', priceCents: 2000, vatRateBp: 2200 };

const placed = placeOrder(
  {
    choice: 'manual',
    orderId: 'o-1',
    customerId: 'c-1',
    codesEmail: 'ir@example.it',
    payment: { mode: 'prepaid', prepaidDebitId: 'd-1', debitedAmountCents: 3 * 1342 + 2440 },
    lines: [
      { product: SIGNING, quantity: 3 },
      { product: AUTH, quantity: 1 },
    ],
    at: AT,
  },
  { status: 'none' },
);
const fulfilled: OrderEvent = {
  type: 'OrderFulfilled',
  data: { orderId: 'o-1', couponIds: ['s1', 's2', 's3', 'a1'], invoiceId: 'inv-1', invoiceYear: 2026, invoiceNumber: 5, fulfilledAt: AT },
};
const order = fold(orderAggregate, [...placed, fulfilled]);

function coupon(id: string, productCode: string, renews: 'signing' | 'authentication', ...later: CouponEvent[]): CouponState {
  return fold(couponAggregate, [
    {
      type: 'CouponIssued',
      data: { couponId: id, code: 'KMNP-QRST-VWXY-Z012-345B', orderId: 'o-1', customerId: 'c-1', productCode, renews, issuedAt: AT, validUntil: VALID_UNTIL },
    },
    ...later,
  ]);
}
const redeemed = (id: string): CouponEvent => ({ type: 'CouponRedeemed', data: { couponId: id, deviceSerial: '1205100000', certificateKind: 'signing', redeemedAt: AT } });
const cancelled = (id: string): CouponEvent => ({ type: 'CouponCancelled', data: { couponId: id, reason: 'refund', cancelledAt: AT } });
const expired = (id: string): CouponEvent => ({ type: 'CouponExpired', data: { couponId: id, expiredAt: VALID_UNTIL } });

function refusal(f: () => unknown): DomainError {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('planning a refund', () => {
  it('refunds only the unused coupons, at the invoiced unit price and VAT rate, per line', () => {
    const plan = planRefund(order, [
      coupon('s1', 'RIN-FIRMA', 'signing'),
      coupon('s2', 'RIN-FIRMA', 'signing', redeemed('s2')),
      coupon('s3', 'RIN-FIRMA', 'signing'),
      coupon('a1', 'RIN-CNS-COMM', 'authentication'),
    ]);
    expect(plan.couponIds).toEqual(['s1', 's3', 'a1']);
    expect(plan.excluded).toEqual([{ couponId: 's2', status: 'redeemed' }]);
    expect(plan.lines).toEqual([
      { productCode: 'RIN-FIRMA', description: 'Rinnovo Sottoscrizione', renews: 'signing', unitPriceCents: 1100, quantity: 2, vatRateBp: 2200, taxableCents: 2200, vatCents: 484, totalCents: 2684 },
      { productCode: 'RIN-CNS-COMM', description: 'Autenticazione CNS Commercialisti', renews: 'authentication', unitPriceCents: 2000, quantity: 1, vatRateBp: 2200, taxableCents: 2000, vatCents: 440, totalCents: 2440 },
    ]);
    expect(plan.vatSummary).toEqual([{ rateBp: 2200, taxableCents: 4200, vatCents: 924, totalCents: 5124 }]);
    expect(plan.totals).toEqual({ taxableCents: 4200, vatCents: 924, totalCents: 5124 });
  });

  it('excludes cancelled, expired, already refunded coupons, and (with a time) issued ones past validity', () => {
    const refunded: OrderEvent = {
      type: 'OrderCouponsRefunded',
      data: { orderId: 'o-1', couponIds: ['s3'], creditNoteId: 'cn-1', creditNoteYear: 2026, creditNoteNumber: 1, amountCents: 1342, refundTo: 'prepaid', refundedAt: AT },
    };
    const after = fold(orderAggregate, [...placed, fulfilled, refunded]);
    const plan = planRefund(after, [
      coupon('s1', 'RIN-FIRMA', 'signing', cancelled('s1')),
      coupon('s2', 'RIN-FIRMA', 'signing', expired('s2')),
      coupon('s3', 'RIN-FIRMA', 'signing'),
      coupon('a1', 'RIN-CNS-COMM', 'authentication'),
    ]);
    expect(plan.couponIds).toEqual(['a1']);
    expect(plan.excluded).toEqual([
      { couponId: 's1', status: 'cancelled' },
      { couponId: 's2', status: 'expired' },
      { couponId: 's3', status: 'refunded' },
    ]);
    expect(refusal(() => planRefund(order, [coupon('a1', 'RIN-CNS-COMM', 'authentication')], '2027-03-11T00:00:00.000Z')).code).toBe('coupons_none_unused');
  });

  it('excludes a coupon held by a renewal in progress; once released it is refundable again', () => {
    const reserved: CouponEvent = { type: 'CouponReserved', data: { couponId: 's1', renewalId: 'r-1', deviceSerial: '1205100000', certificateKind: 'signing', reservedAt: AT } };
    const released: CouponEvent = { type: 'CouponReleased', data: { couponId: 's1', renewalId: 'r-1', reason: 'abandoned', releasedAt: AT } };
    const held = planRefund(order, [coupon('s1', 'RIN-FIRMA', 'signing', reserved), coupon('a1', 'RIN-CNS-COMM', 'authentication')]);
    expect(held.couponIds).toEqual(['a1']);
    expect(held.excluded).toEqual([{ couponId: 's1', status: 'reserved' }]);
    expect(planRefund(order, [coupon('s1', 'RIN-FIRMA', 'signing', reserved, released)]).couponIds).toEqual(['s1']);
  });

  it('is refused when no coupon is unused', () => {
    const e = refusal(() => planRefund(order, [coupon('s2', 'RIN-FIRMA', 'signing', redeemed('s2'))]));
    expect(e.code).toBe('coupons_none_unused');
    expect(e.kind).toBe('rule');
  });

  it('is refused before fulfilment and for a coupon of another order', () => {
    expect(refusal(() => planRefund(fold(orderAggregate, placed), [coupon('s1', 'RIN-FIRMA', 'signing')])).code).toBe('order_not_fulfilled');
    expect(refusal(() => planRefund(order, [coupon('zz', 'RIN-FIRMA', 'signing')])).code).toBe('coupon_not_in_order');
  });
});
