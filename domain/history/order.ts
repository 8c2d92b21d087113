// An order as its screen shows it, folded from its stream `order-<id>`: status, payment, amounts in
// cents, the payments received, the invoice and the refunds. The statuses are the read model's
// (projections/readModels/orders.ts), so the past reads with the same words as the present.
import type { OrderEvent } from '../orders/events';
import { formatDocumentNumber } from '../shared/documentNumber';
import { linesAsOf, type LineAsOf } from './documentLines';
import type { HistoryEvent } from './recorded';

export interface OrderAsOf {
  id: string;
  customerId: string;
  status: 'awaiting_payment' | 'paid' | 'fulfilled' | 'cancelled' | 'expired' | 'partially_refunded' | 'refunded';
  choice: 'guided' | 'manual';
  holderCodiceFiscale: string | null;
  deviceSerial: string | null;
  paymentMode: 'prepaid' | 'direct';
  paymentMethod: string;
  rfReference: string | null;
  paymentExpiresAt: string | null;
  codesEmail: string;
  lines: LineAsOf[];
  taxableCents: number;
  vatCents: number;
  totalCents: number;
  amountPaidCents: number;
  amountDueCents: number;
  surplusCents: number;
  refundedCents: number;
  payments: { paymentId: string; method: string; amountCents: number; appliedCents: number; surplusCents: number; receivedAt: string }[];
  refunds: { creditNoteNumber: string; amountCents: number; couponCount: number; refundTo: string; refundedAt: string }[];
  placedAt: string;
  paidAt: string | null;
  fulfilledAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  expiredAt: string | null;
  invoiceId: string | null;
  invoiceNumber: string | null;
}

/** The order after these events (in log order); null before its OrderPlaced. */
export function foldOrder(events: readonly HistoryEvent[]): OrderAsOf | null {
  let o: OrderAsOf | null = null;
  let couponCount = 0;
  let refundedCoupons = 0;
  for (const raw of events) {
    const e = raw as unknown as OrderEvent;
    if (e.type === 'OrderPlaced') {
      const d = e.data;
      couponCount = d.lines.reduce((n, l) => n + (l.renews === 'none' ? 0 : l.quantity), 0);
      o = {
        id: d.orderId,
        customerId: d.customerId,
        status: 'awaiting_payment',
        choice: d.choice,
        holderCodiceFiscale: d.holderCodiceFiscale,
        deviceSerial: d.deviceSerial,
        paymentMode: d.payment.mode,
        paymentMethod: d.payment.mode === 'prepaid' ? 'prepaid' : d.payment.method,
        rfReference: d.payment.mode === 'direct' ? d.payment.rfReference : null,
        paymentExpiresAt: d.payment.mode === 'direct' ? d.payment.expiresAt : null,
        codesEmail: d.codesEmail,
        lines: linesAsOf(d.lines),
        taxableCents: d.totals.taxableCents,
        vatCents: d.totals.vatCents,
        totalCents: d.totals.totalCents,
        amountPaidCents: 0,
        amountDueCents: d.totals.totalCents,
        surplusCents: 0,
        refundedCents: 0,
        payments: [],
        refunds: [],
        placedAt: d.placedAt,
        paidAt: null,
        fulfilledAt: null,
        cancelledAt: null,
        cancelReason: null,
        expiredAt: null,
        invoiceId: null,
        invoiceNumber: null,
      };
      continue;
    }
    if (!o) continue;
    switch (e.type) {
      case 'OrderPaymentReceived': {
        const d = e.data;
        o = {
          ...o,
          amountPaidCents: o.amountPaidCents + d.appliedCents,
          surplusCents: o.surplusCents + d.surplusCents,
          amountDueCents: o.status === 'awaiting_payment' ? d.amountDueCents : 0,
          payments: [
            ...o.payments,
            { paymentId: d.paymentId, method: d.method, amountCents: d.amountCents, appliedCents: d.appliedCents, surplusCents: d.surplusCents, receivedAt: d.receivedAt },
          ],
        };
        break;
      }
      case 'OrderPaid':
        o = {
          ...o,
          status: 'paid',
          paidAt: e.data.paidAt,
          amountDueCents: 0,
          amountPaidCents: e.data.via === 'prepaid' ? e.data.amountCents : o.amountPaidCents,
        };
        break;
      case 'OrderCancelled':
        o = { ...o, status: 'cancelled', cancelledAt: e.data.cancelledAt, cancelReason: e.data.reason, amountDueCents: 0 };
        break;
      case 'OrderExpired':
        o = { ...o, status: 'expired', expiredAt: e.data.expiredAt, amountDueCents: 0 };
        break;
      case 'OrderFulfilled':
        o = {
          ...o,
          status: 'fulfilled',
          fulfilledAt: e.data.fulfilledAt,
          invoiceId: e.data.invoiceId,
          invoiceNumber: formatDocumentNumber(e.data.invoiceNumber, e.data.invoiceYear),
        };
        break;
      case 'OrderCouponsRefunded': {
        const d = e.data;
        refundedCoupons += d.couponIds.length;
        o = {
          ...o,
          status: refundedCoupons >= couponCount ? 'refunded' : 'partially_refunded',
          refundedCents: o.refundedCents + d.amountCents,
          refunds: [
            ...o.refunds,
            {
              creditNoteNumber: formatDocumentNumber(d.creditNoteNumber, d.creditNoteYear),
              amountCents: d.amountCents,
              couponCount: d.couponIds.length,
              refundTo: d.refundTo,
              refundedAt: d.refundedAt,
            },
          ],
        };
        break;
      }
    }
  }
  return o;
}
