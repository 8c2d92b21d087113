// Composes the coupon e-mail for the outbox when it is sent: to the customer's profile e-mail in
// force at that moment (not the one at placement), with each coupon's code, its product's
// description (as on the order), what it renews and until when it is valid.
import type { EmailEvent } from '../../../domain/emails/events';
import { composeCouponEmail, type ComposedEmail, type CouponInEmail } from './couponEmailMessage';
import { couponAggregate, streamOf as couponStream } from '../../../domain/coupons/decider';
import { formatRf } from '../../../domain/shared/rfReference';
import { customerDisplayName, getCustomer } from '../customers/service';
import { type SalesDeps } from '../deps';
import { loadAggregate } from '../../commands/handle';
import { getOrder } from '../orders/service';

type Queued = Extract<EmailEvent, { type: 'EmailQueued' }>['data'];
type CouponCodes = Extract<Queued, { purpose: 'coupon_codes' }>;

export function composeCouponEmailFor(deps: Pick<SalesDeps, 'store' | 'catalogue' | 'settings'>) {
  return async (queued: CouponCodes): Promise<ComposedEmail & { to: string }> => {
    const customer = await getCustomer(deps, queued.customerId);
    const order = await getOrder(deps, queued.orderId);
    const coupons: CouponInEmail[] = [];
    for (const couponId of queued.couponIds) {
      const { state } = await loadAggregate(deps, couponStream(couponId), couponAggregate);
      if (state.status === 'none') throw new Error(`coupon ${couponId} of e-mail ${queued.emailId} not found`);
      const line = order.lines.find((l) => l.productCode === state.productCode);
      coupons.push({ code: state.code, description: line?.description ?? state.productCode, renews: state.renews, validUntil: state.validUntil });
    }
    const orderReference =
      order.payment.mode === 'direct' ? formatRf(order.payment.rfReference) : order.orderId.slice(0, 8).toUpperCase();
    const composed = composeCouponEmail({
      recipientName: customerDisplayName(customer),
      orderReference,
      coupons,
      renewalUrl: deps.settings.renewalUrl,
      couponStatusUrl: deps.settings.couponStatusUrl,
      sellerName: deps.settings.seller.name,
    });
    return { ...composed, to: customer.email };
  };
}
