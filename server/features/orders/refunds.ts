// Refund of unused coupons of a fulfilled order: plan (only unused coupons, at the invoice's
// prices), cancel the coupons, number and issue the credit note, record the refund on the order,
// and credit the prepaid account when the money goes there.
//
// Every step is idempotent and every id is derived from the order and the refund request
// (refundId), so a refund interrupted at any point is completed by repeating the same request,
// and a repeated request refunds nothing twice.
import { formatDocumentNumber } from '../../../domain/shared/documentNumber';
import type { CommandContext } from '../../../events/eventCatalogue';
import type { CouponEvent } from '../../../domain/coupons/events';
import { cancelCoupon, couponAggregate, streamOf as couponStream, type CouponState } from '../../../domain/coupons/decider';
import { DomainError, refuse } from '../../../domain/shared/errors';
import { creditNoteAggregate, issueCreditNote, streamOf as creditNoteStream, type CreditNoteState, type IssuedCreditNote } from '../../../domain/invoicing/creditNote';
import { invoiceAggregate, invoiceYearOf, streamOf as invoiceStream } from '../../../domain/invoicing/decider';
import { creditNoteNumbering, creditNoteNumbersStreamOf, decideCreditNoteNumber } from '../../../domain/invoicing/numbering';
import { orderAggregate, refundCoupons as decideRefund, streamOf as orderStream } from '../../../domain/orders/decider';
import { planRefund, type RefundPlan } from '../../../domain/orders/refund';
import { creditAccount, prepaidAggregate, streamOf as prepaidStream } from '../../../domain/prepaid/decider';
import type { Totals } from '../../../domain/orders/events';
import { lastPosition, type SalesDeps } from '../deps';
import { handleCommand, loadAggregate } from '../../commands/handle';
import { saleIds } from '../ids';
import { getOrder } from './service';

export interface RefundCouponsInput {
  orderId: string;
  /** The coupons to refund; default all the order's coupons (only unused ones are refunded). */
  couponIds?: string[] | undefined;
  refundTo: 'prepaid' | 'paid_out';
  /**
   * Identifies the refund request: repeating it completes an interrupted refund or answers the
   * finished one. Default: the request's Idempotency-Key, else a new id.
   */
  refundId?: string | undefined;
}

export interface RefundCouponsResult {
  position: number;
  creditNoteId: string;
  creditNoteYear: number;
  creditNoteNumber: number;
  couponIds: string[];
  /** Coupons named that could not be refunded, and why (empty when the refund was already done). */
  excluded: RefundPlan['excluded'];
  totals: Totals;
  refundTo: 'prepaid' | 'paid_out';
  /** Balance after the refund, when credited to the prepaid account. */
  prepaidBalanceCents: number | null;
}

const PLAN_ATTEMPTS = 3;

export async function refundCoupons(deps: SalesDeps, input: RefundCouponsInput, ctx: CommandContext): Promise<RefundCouponsResult> {
  const refundId = input.refundId ?? ctx.idempotencyKey ?? deps.ids.uuid();
  if (input.refundTo !== 'prepaid' && input.refundTo !== 'paid_out') {
    throw new DomainError('refund_to_invalid', `refundTo: must be 'prepaid' or 'paid_out'`, 'invalid', 'refundTo');
  }
  const order = await getOrder(deps, input.orderId);
  if (order.fulfilment === null) throw refuse('order_not_fulfilled', 'only coupons of a fulfilled order can be refunded');
  const fulfilment = order.fulfilment;
  const creditNoteId = saleIds.creditNote(order.orderId, refundId);
  const cancelReason = `refund, credit note ${creditNoteId}`;
  const positions: number[] = [];
  let excluded: RefundPlan['excluded'] = [];

  let creditNote: CreditNoteState = (await loadAggregate(deps, creditNoteStream(creditNoteId), creditNoteAggregate)).state;
  if (creditNote.status === 'none') {
    const at = deps.clock().toISOString();
    // 1. Plan and cancel the coupons. A coupon redeemed meanwhile makes the cancellation fail: plan again.
    let plan: RefundPlan | undefined;
    /** When an earlier, interrupted attempt of this refund cancelled its first coupon. */
    let earlierAttemptAt: string | null = null;
    for (let attempt = 1; plan === undefined; attempt++) {
      const states: CouponState[] = [];
      for (const couponId of input.couponIds ?? fulfilment.couponIds) {
        const { state } = await loadAggregate(deps, couponStream(couponId), couponAggregate);
        // Cancelled by an earlier attempt of this very refund: still to refund here.
        const ours = state.status === 'cancelled' && state.cancellation?.reason === cancelReason;
        if (ours && state.cancellation && (earlierAttemptAt === null || state.cancellation.cancelledAt < earlierAttemptAt)) {
          earlierAttemptAt = state.cancellation.cancelledAt;
        }
        states.push(ours ? { ...state, status: 'issued' } : state);
      }
      const candidate = planRefund(order, states, at);
      try {
        for (const couponId of candidate.couponIds) {
          const done = await handleCommand<CouponState, CouponEvent>(deps, couponStream(couponId), couponAggregate, (s) => cancelCoupon({ reason: cancelReason, at }, s), ctx);
          positions.push(done.position);
        }
        plan = candidate;
      } catch (error) {
        const changed = error instanceof DomainError && (error.code === 'coupon_already_redeemed' || error.code === 'coupon_expired');
        if (!changed || attempt >= PLAN_ATTEMPTS) throw error;
      }
    }
    excluded = plan.excluded;

    // 2. The credit note's number (one per credit note, gapless per year). An attempt interrupted
    // at the turn of the year may have taken its number in the previous year: then that number,
    // and the credit note dated when it was assigned.
    let year = invoiceYearOf(at);
    let number = 0;
    let issuedAt = at;
    const earlierYear = earlierAttemptAt === null ? year : invoiceYearOf(earlierAttemptAt);
    if (earlierYear < year) {
      for (const r of await deps.store.readStream(creditNoteNumbersStreamOf(earlierYear))) {
        const data = r.data as { creditNoteId: string; number: number; assignedAt: string };
        if (data.creditNoteId === creditNoteId) [year, number, issuedAt] = [earlierYear, data.number, data.assignedAt];
      }
    }
    if (number === 0) {
      const numberYear = year;
      const numbered = await handleCommand(deps, creditNoteNumbersStreamOf(numberYear), creditNoteNumbering, (state) => {
        const decision = decideCreditNoteNumber({ year: numberYear, creditNoteId, invoiceId: fulfilment.invoiceId, at }, state);
        number = decision.number;
        issuedAt = decision.at; // never before the credit note numbered before it
        return decision.events;
      }, ctx);
      positions.push(numbered.position);
    }

    // 3. The credit note, at the invoice's prices.
    const invoice = (await loadAggregate(deps, invoiceStream(fulfilment.invoiceId), invoiceAggregate)).state;
    const issued = await handleCommand(deps, creditNoteStream(creditNoteId), creditNoteAggregate, (state) => {
      const events = issueCreditNote(
        { creditNoteId, year, number, invoice, couponIds: plan.couponIds, lines: plan.lines, refundTo: input.refundTo, at: issuedAt },
        state,
      );
      creditNote = events.reduce(creditNoteAggregate.evolve, state);
      return events;
    }, ctx);
    positions.push(issued.position);
  }
  const note = creditNote as IssuedCreditNote;

  // 4. The refund on the order.
  const recorded = await handleCommand(deps, orderStream(order.orderId), orderAggregate, (state) =>
    decideRefund(
      {
        couponIds: note.couponIds,
        creditNoteId,
        creditNoteYear: note.year,
        creditNoteNumber: note.number,
        amountCents: note.totals.totalCents,
        refundTo: note.refundTo,
        at: deps.clock().toISOString(),
      },
      state,
    ),
  ctx);
  positions.push(recorded.position);

  // 5. The money back on the prepaid account.
  let prepaidBalanceCents: number | null = null;
  if (note.refundTo === 'prepaid') {
    const credited = await handleCommand(deps, prepaidStream(order.customerId), prepaidAggregate, (state) => {
      const events = creditAccount(
        {
          customerId: order.customerId,
          creditId: saleIds.refundCredit(creditNoteId),
          reason: 'refund',
          orderId: order.orderId,
          amountCents: note.totals.totalCents,
          note: `nota di credito ${formatDocumentNumber(note.number, note.year)}`,
          at: deps.clock().toISOString(),
        },
        state,
      );
      prepaidBalanceCents = events.reduce(prepaidAggregate.evolve, state).balanceCents;
      return events;
    }, ctx);
    positions.push(credited.position);
  }

  return {
    position: lastPosition(...positions),
    creditNoteId,
    creditNoteYear: note.year,
    creditNoteNumber: note.number,
    couponIds: note.couponIds,
    excluded,
    totals: note.totals,
    refundTo: note.refundTo,
    prepaidBalanceCents,
  };
}
