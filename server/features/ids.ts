// Deterministic ids: the same inputs always give the same id, so a step retried after a crash
// writes to the same stream (and an existing stream means the step is done). Shaped as RFC 9562
// version-5 UUIDs (SHA-1 of a namespace and the parts), so they pass every UUID check.
import { createHash } from 'node:crypto';

const NAMESPACE = 'signature-devices-back-office/sales';

export function derivedId(kind: string, ...parts: Array<string | number>): string {
  const hash = createHash('sha1');
  hash.update(NAMESPACE);
  for (const part of [kind, ...parts]) {
    const text = String(part);
    // Length-prefixed, so ('ab', 'c') and ('a', 'bc') differ.
    hash.update(`\u0000${text.length}:${text}`);
  }
  const bytes = hash.digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Ids of the steps of one order's fulfilment and of what follows from it. */
export const saleIds = {
  /** The i-th coupon (0-based, over the coupon units of the order's lines in order). */
  coupon: (orderId: string, index: number) => derivedId('coupon', orderId, index),
  invoice: (orderId: string) => derivedId('invoice', orderId),
  fulfilmentEmail: (orderId: string) => derivedId('fulfilment-email', orderId),
  /** The payment notice e-mailed when a direct order is placed. */
  paymentNoticeEmail: (orderId: string) => derivedId('payment-notice-email', orderId),
  /** The debit of an order paid from the prepaid account. */
  prepaidDebit: (orderId: string) => derivedId('prepaid-debit', orderId),
  /** Money put back when an order could not be placed after its debit. */
  debitReversal: (orderId: string) => derivedId('prepaid-debit-reversal', orderId),
  /** Surplus of a payment credited to the prepaid account. */
  overpaymentCredit: (paymentId: string) => derivedId('overpayment-credit', paymentId),
  /** Partial payments of a cancelled or expired order credited to the prepaid account. */
  closedOrderCredit: (orderId: string) => derivedId('closed-order-credit', orderId),
  creditNote: (orderId: string, refundId: string) => derivedId('credit-note', orderId, refundId),
  refundCredit: (creditNoteId: string) => derivedId('refund-credit', creditNoteId),
  resendEmail: (orderId: string, requestKey: string) => derivedId('resend-email', orderId, requestKey),
};
