// The payment notice of a direct (RF) order, as a PDF (GET /api/orders/:id/payment-notice.pdf and
// the e-mail sent when the order is placed): the seller's account from the configuration, the
// order's RF reference, the amount still due and the expiry.
import { transferDueOf } from '../../../domain/orders/paymentNotice';
import { customerDisplayName, getCustomer } from '../customers/service';
import type { SalesDeps } from '../deps';
import { addressLines } from '../invoicing/service';
import { loadAggregate } from '../../commands/handle';
import { orderAggregate, streamOf as orderStream } from '../../../domain/orders/decider';
import { notFound } from '../../../domain/shared/errors';
import { renderPaymentNoticePdf, type PaymentNotice } from './paymentNoticePdf';

export interface RenderedPaymentNotice {
  notice: PaymentNotice;
  pdf: Buffer;
  /** `avviso-di-pagamento-RF….pdf` */
  filename: string;
  /** The customer's profile e-mail in force. */
  customerEmail: string;
}

/**
 * The notice of an order awaiting its direct payment, for the amount still due. `asPlaced`: the
 * notice as it was when the order was placed, whatever happened since (the e-mail queued at
 * placement goes out as promised even when the payment arrived first); a prepaid order has none.
 */
export async function paymentNoticeOf(
  deps: Pick<SalesDeps, 'store' | 'catalogue' | 'settings'>,
  orderId: string,
  options: { asPlaced?: boolean } = {},
): Promise<RenderedPaymentNotice> {
  // Read here rather than through the orders service, which queues these notices (no import cycle).
  const { state: order } = await loadAggregate(deps, orderStream(orderId), orderAggregate);
  if (order.status === 'none') throw notFound('order', orderId);
  const due =
    options.asPlaced && order.payment.mode === 'direct' && order.status !== 'awaiting_payment'
      ? { rfReference: order.payment.rfReference, amountCents: order.totals.totalCents, expiresAt: order.payment.expiresAt }
      : transferDueOf(order);
  const customer = await getCustomer(deps, order.customerId);
  const { seller } = deps.settings;
  const notice: PaymentNotice = {
    beneficiary: seller.beneficiary,
    iban: seller.iban,
    bic: seller.bic,
    amountCents: due.amountCents,
    rfReference: due.rfReference,
    expiresAt: due.expiresAt,
    placedAt: order.placedAt,
    customerName: customerDisplayName(customer),
    sellerName: seller.name,
    sellerAddressLines: addressLines(seller.address),
    lines: order.lines.map((l) => ({ description: l.description, quantity: l.quantity, totalCents: l.totalCents })),
  };
  const pdf = await renderPaymentNoticePdf(notice);
  return { notice, pdf, filename: `avviso-di-pagamento-${due.rfReference}.pdf`, customerEmail: customer.email };
}
