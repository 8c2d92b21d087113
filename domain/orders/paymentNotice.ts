// What a payment notice asks for: only a direct (RF) order still awaiting its payment has one, for
// the amount still due (a partial payment lowers it), with its RF reference and its expiry.
import { refuse } from '../shared/errors';
import { amountDueOf, type PlacedOrder } from './decider';

export interface TransferDue {
  rfReference: string;
  amountCents: number;
  expiresAt: string;
}

export function transferDueOf(order: PlacedOrder): TransferDue {
  if (order.payment.mode !== 'direct') {
    throw refuse('order_not_direct', 'the order was paid from the prepaid account: it has no payment notice');
  }
  switch (order.status) {
    case 'paid':
      throw refuse('order_already_paid', 'the order is paid: it has no payment notice any more');
    case 'cancelled':
      throw refuse('order_cancelled', 'the order was cancelled: it is not to be paid');
    case 'expired':
      throw refuse('order_expired', 'the order has expired: it is not to be paid');
  }
  return { rfReference: order.payment.rfReference, amountCents: amountDueOf(order), expiresAt: order.payment.expiresAt };
}
