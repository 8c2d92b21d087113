// Coupons after the sale: the public status check by code ("Verifica Stato Coupon"), sending the
// codes again, and retrying an e-mail the outbox gave up on.
import type { CommandContext } from '../../../events/eventCatalogue';
import { emailStream, type EmailEvent } from '../../../domain/emails/events';
import { WrongExpectedRevisionError } from '../../../events/port';
import { couponAggregate, couponStatusView, streamOf as couponStream, type CouponStatusView } from '../../../domain/coupons/decider';
import { couponCodeAggregate, couponCodeStreamOf, couponOfCode } from '../../../domain/coupons/codeClaim';
import { emailAggregate, requestEmailRetry } from '../../../domain/emails/decider';
import { refuse } from '../../../domain/shared/errors';
import { checkCouponCode, normaliseCouponCode } from '../../../domain/shared/couponCode';
import { type SalesDeps } from '../deps';
import { appendEvents, handleCommand, loadAggregate } from '../../commands/handle';
import { saleIds } from '../ids';
import { getOrder } from '../orders/service';

// ---------------------------------------------------------------------------------------------
// Status by code
// ---------------------------------------------------------------------------------------------

export type CouponStatusAnswer =
  /** Not shaped like a coupon code at all (wrong characters or length). */
  | { answer: 'malformed'; message: string }
  /** Shaped like a code, but the check symbol does not match: a typing mistake. */
  | { answer: 'mistyped'; message: string }
  /** A well-formed code that no coupon has. */
  | { answer: 'unknown'; code: string; message: string }
  /** The coupon's public status: no customer, order or device. */
  | { answer: 'found'; code: string; coupon: CouponStatusView };

/** What anyone holding a code may learn about it (no personal data). */
export async function couponStatus(deps: SalesDeps, input: { code: string }): Promise<CouponStatusAnswer> {
  const checked = checkCouponCode(input.code ?? '');
  if (!checked.ok) return { answer: checked.rule, message: checked.message };
  const code = checked.value;
  const unknown = { answer: 'unknown', code, message: 'no coupon has this code' } as const;
  const couponId = couponOfCode((await loadAggregate(deps, couponCodeStreamOf(code), couponCodeAggregate)).state);
  if (couponId === null) return unknown;
  const { state } = await loadAggregate(deps, couponStream(couponId), couponAggregate);
  // A code claimed by a fulfilment that then issued the coupon with another code names nothing.
  if (state.status === 'none' || normaliseCouponCode(state.code) !== normaliseCouponCode(code)) return unknown;
  return { answer: 'found', code, coupon: couponStatusView(state, deps.clock().toISOString()) };
}

// ---------------------------------------------------------------------------------------------
// E-mails
// ---------------------------------------------------------------------------------------------

export interface ResendCouponEmailResult {
  position: number;
  emailId: string;
  couponIds: string[];
}

/**
 * Queues the order's coupon codes again (reason 'resend'), to the profile e-mail in force when the
 * e-mail is sent. Refunded coupons are left out. With an Idempotency-Key the same request queues
 * one e-mail only.
 */
export async function resendCouponEmail(deps: SalesDeps, input: { orderId: string }, ctx: CommandContext): Promise<ResendCouponEmailResult> {
  const order = await getOrder(deps, input.orderId);
  if (order.fulfilment === null) throw refuse('order_not_fulfilled', 'the order has no coupons yet: it is not fulfilled');
  const refunded = new Set(order.refunds.flatMap((r) => r.couponIds));
  const couponIds = order.fulfilment.couponIds.filter((id) => !refunded.has(id));
  if (couponIds.length === 0) throw refuse('coupons_none_to_send', 'the order has no coupons left to send');
  const emailId = ctx.idempotencyKey ? saleIds.resendEmail(order.orderId, ctx.idempotencyKey) : deps.ids.uuid();
  const event: EmailEvent = {
    type: 'EmailQueued',
    data: {
      emailId,
      purpose: 'coupon_codes',
      customerId: order.customerId,
      orderId: order.orderId,
      couponIds,
      reason: 'resend',
      queuedAt: deps.clock().toISOString(),
    },
  };
  try {
    const position = await appendEvents(deps, emailStream(emailId), [event], 'no_stream', ctx);
    return { position, emailId, couponIds };
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    const existing = await deps.store.readStream(emailStream(emailId));
    return { position: existing[0]?.position ?? 0, emailId, couponIds };
  }
}

/** Asks the outbox to try again an e-mail it gave up on (refused for any other e-mail). */
export async function retryEmail(deps: SalesDeps, input: { emailId: string }, ctx: CommandContext): Promise<{ position: number; emailId: string }> {
  const result = await handleCommand(deps, emailStream(input.emailId), emailAggregate, (state) =>
    requestEmailRetry({ emailId: input.emailId, at: deps.clock().toISOString() }, state),
  ctx);
  return { position: result.position, emailId: input.emailId };
}
