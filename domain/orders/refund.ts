// Planning a refund: which coupons of a fulfilled order can be refunded (only unused ones, i.e.
// still in the issued state and not already refunded), and the credit note's lines at the unit
// price and VAT rate of the invoice (= the order's lines, as placed). Pure: the handler then
// cancels each coupon, assigns a credit-note number, issues the credit note, credits the prepaid
// account or pays out, and records the refund on the order (refundCoupons).
import type { DocumentLine, Totals } from './events';
import type { CouponState } from '../coupons/decider';
import { DomainError, invalid, refuse } from '../shared/errors';
import type { VatRateSummary } from '../shared/money';
import { priceLines, type OrderState } from './decider';

export interface RefundPlan {
  orderId: string;
  /** The unused coupons to refund (and cancel). */
  couponIds: string[];
  /** Coupons named (or of the order) that cannot be refunded, and why. */
  /** Not refunded: used, cancelled, expired, refunded already, or held by a renewal in progress. */
  excluded: { couponId: string; status: 'redeemed' | 'cancelled' | 'expired' | 'refunded' | 'reserved' }[];
  lines: DocumentLine[];
  vatSummary: VatRateSummary[];
  totals: Totals;
}

/**
 * @param coupons the states of the coupons to consider: all the order's coupons, or the ones the
 *   customer asks to refund.
 * @param at when given, an issued coupon past its validUntil counts as expired.
 */
export function planRefund(order: OrderState, coupons: readonly CouponState[], at?: string): RefundPlan {
  if (order.status === 'none') throw new DomainError('order_not_found', 'order not found', 'not_found');
  if (order.fulfilment === null) throw refuse('order_not_fulfilled', 'only coupons of a fulfilled order can be refunded');
  const ofOrder = new Set(order.fulfilment.couponIds);
  const refunded = new Set(order.refunds.flatMap((r) => r.couponIds));
  const now = at === undefined ? undefined : Date.parse(at);

  const refundable: string[] = [];
  const excluded: RefundPlan['excluded'] = [];
  const perProduct = new Map<string, number>();
  const seen = new Set<string>();
  for (const coupon of coupons) {
    if (coupon.status === 'none') throw invalid('couponIds', 'a coupon to refund does not exist', 'coupon_not_found');
    if (coupon.orderId !== order.orderId || !ofOrder.has(coupon.couponId)) {
      throw invalid('couponIds', `coupon ${coupon.couponId} is not of order ${order.orderId}`, 'coupon_not_in_order');
    }
    if (seen.has(coupon.couponId)) continue;
    seen.add(coupon.couponId);
    if (refunded.has(coupon.couponId)) {
      excluded.push({ couponId: coupon.couponId, status: 'refunded' });
    } else if (coupon.status === 'issued' && now !== undefined && now > Date.parse(coupon.validUntil)) {
      excluded.push({ couponId: coupon.couponId, status: 'expired' });
    } else if (coupon.status !== 'issued') {
      excluded.push({ couponId: coupon.couponId, status: coupon.status });
    } else if (coupon.reservation !== null) {
      excluded.push({ couponId: coupon.couponId, status: 'reserved' });
    } else {
      refundable.push(coupon.couponId);
      perProduct.set(coupon.productCode, (perProduct.get(coupon.productCode) ?? 0) + 1);
    }
  }
  if (refundable.length === 0) throw refuse('coupons_none_unused', 'none of these coupons is unused: nothing to refund');

  // One line per product, in the order's line order, at the order's (= the invoice's) unit price and rate.
  const requests = order.lines
    .filter((l) => perProduct.has(l.productCode))
    .map((l) => ({
      product: { code: l.productCode, description: l.description, renews: l.renews, priceCents: l.unitPriceCents, vatRateBp: l.vatRateBp },
      quantity: perProduct.get(l.productCode)!,
    }));
  for (const [productCode, quantity] of perProduct) {
    const line = order.lines.find((l) => l.productCode === productCode);
    if (!line) throw invalid('couponIds', `no line of order ${order.orderId} is for product ${productCode}`, 'coupon_not_in_order');
    if (quantity > line.quantity) throw invalid('couponIds', `more ${productCode} coupons than the order bought`, 'coupon_not_in_order');
  }
  return { orderId: order.orderId, couponIds: refundable, excluded, ...priceLines(requests) };
}
