// A payment taken at the desk for an order: several commands on three aggregates (the payment,
// its match, the order), each safe to repeat, so that a retry after a crash finishes the work.
import type { CommandContext } from '../../../events/eventCatalogue';
import type { OrderEvent } from '../../../domain/orders/events';
import { orderAggregate, receivePayment, streamOf as orderStream, type OrderState, type PlacedOrder } from '../../../domain/orders/decider';
import { refuse } from '../../../domain/shared/errors';
import type { DeskPaymentMethod } from '../../../domain/shared/paymentMethods';
import { formatEuro } from '../../../domain/shared/money';
import { romeDayOf } from '../../../domain/shared/romeCalendar';
import { handleCommand } from '../../commands/handle';
import { customerDisplayName, getCustomer } from '../customers/service';
import { lastPosition, type SalesDeps } from '../deps';
import { getPayment, matchPaymentByHand, recordPayment } from '../payments/service';
import { getOrder } from './service';

const deskReason = { credit_card: 'pagamento con carta al banco', cash: 'pagamento in contanti al banco' } as const;

/**
 * A payment taken at the desk, by card or in cash: recorded as a payment (by the operator),
 * matched by hand to the order, and applied to it at once, so that the order is paid when the
 * answer comes (the payment reactor would apply it too: the order ignores a payment it has
 * already received). Less than the amount due leaves the rest due. More is refused: the card
 * terminal is charged the amount due and cash change is given back at the desk, so a larger
 * figure is a typing mistake, and its surplus would land on the prepaid account as money nobody
 * paid (issue #14). Money meant for the account is a top-up, with its fee.
 */
export async function takeDeskPayment(
  deps: SalesDeps,
  input: { orderId: string; paymentId: string; method: DeskPaymentMethod; amountCents: number },
  ctx: CommandContext,
) {
  const order = await getOrder(deps, input.orderId);
  const existing = await getPayment(deps, input.paymentId);
  const positions: number[] = [];
  if (existing.status === 'none') {
    if (order.status !== 'awaiting_payment') {
      throw refuse('order_not_awaiting_payment', `order ${order.orderId} is ${order.status.replace('_', ' ')}: there is nothing to pay`);
    }
    const amountDueCents = Math.max(0, order.totals.totalCents - order.receivedCents);
    if (input.amountCents > amountDueCents) {
      throw refuse(
        'desk_payment_exceeds_amount_due',
        `amountCents: a desk payment may be at most the amount due on the order, ${formatEuro(amountDueCents)} (got ${formatEuro(input.amountCents)}); ` +
          'give change in cash, and top up the prepaid account for money meant for it',
        'amountCents',
      );
    }
    const customer = await getCustomer(deps, order.customerId);
    const recorded = await recordPayment(
      deps,
      {
        paymentId: input.paymentId,
        method: input.method,
        amountCents: input.amountCents,
        receivedOn: romeDayOf(deps.clock()),
        payer: customerDisplayName(customer),
        reason: `${deskReason[input.method]}, ordine ${order.orderId}`,
        // Taken at the counter: no bank statement line shows it yet, and the order it pays keeps
        // it from being taken twice.
        bankReference: null,
      },
      ctx,
    );
    positions.push(recorded.position);
    if (recorded.orderId === null) positions.push((await matchPaymentByHand(deps, { paymentId: input.paymentId, orderId: order.orderId }, ctx)).position);
  } else if (existing.status === 'unmatched' && existing.reason.includes(order.orderId)) {
    // The same request again (same Idempotency-Key) after it stopped between recording and matching.
    positions.push((await matchPaymentByHand(deps, { paymentId: input.paymentId, orderId: order.orderId }, ctx)).position);
  } else if (existing.match?.orderId !== order.orderId) {
    throw refuse('payment_exists', `payment ${input.paymentId} has already been recorded for something else`);
  }
  const amountCents = existing.status === 'none' ? input.amountCents : existing.amountCents;
  const method = existing.status === 'none' ? input.method : existing.method;
  const applied = await handleCommand<OrderState, OrderEvent>(deps, orderStream(order.orderId), orderAggregate, (state) =>
    receivePayment({ paymentId: input.paymentId, method, amountCents, at: deps.clock().toISOString() }, state),
  ctx);
  positions.push(applied.position);
  const received = applied.events.find((e) => e.type === 'OrderPaymentReceived');
  const after = applied.state as PlacedOrder;
  return {
    id: order.orderId,
    position: lastPosition(...positions),
    paymentId: input.paymentId,
    orderStatus: after.status,
    amountDueCents:
      received?.type === 'OrderPaymentReceived' ? received.data.amountDueCents : Math.max(0, after.totals.totalCents - after.receivedCents),
    surplusCents: received?.type === 'OrderPaymentReceived' ? received.data.surplusCents : 0,
  };
}
