// Orders: placement (guided or manual), payment, cancellation, expiry, fulfilment, refunds of
// unused coupons; and the guard stream that keeps RF creditor references unique (`rf-<reference>`).
//
// All amounts are integer euro cents; VAT rates are integer basis points (2200 = 22 %); times are
// ISO-8601 UTC; dates are `YYYY-MM-DD`. The shared shapes of document lines and VAT summaries are
// defined here and reused by invoices and credit notes.
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';
import { paymentMethods, type PaymentMethod } from '../shared/paymentMethods';

// ---------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------

export const centsSchema = z.number().int().min(0);
export const positiveCentsSchema = z.number().int().positive();
export const vatRateBpSchema = z.number().int().min(0).max(10_000);
export const isoTimeSchema = z.iso.datetime();
export const isoDateSchema = z.iso.date();

export const certificateKinds = ['signing', 'authentication'] as const;
export type CertificateKind = (typeof certificateKinds)[number];

/** What a coupon renews; 'both' renews the two certificates of a device. */
export const couponRenewals = ['signing', 'authentication', 'both'] as const;
export type CouponRenews = (typeof couponRenewals)[number];

/** What an order line renews: as a coupon, or 'none' for a product that is not a coupon (timestamps). */
export const lineRenewals = [...couponRenewals, 'none'] as const;
export type LineRenews = (typeof lineRenewals)[number];

// How money for an order arrives (domain/shared/paymentMethods.ts); cash only at the desk.
export const directPaymentMethods = paymentMethods;
export type DirectPaymentMethod = PaymentMethod;

/**
 * One line of an order, invoice or credit note, with the price it was placed at.
 * taxableCents = unitPriceCents × quantity; vatCents = taxableCents × rate, rounded half up on the
 * line; totalCents = taxableCents + vatCents.
 * `renews` is 'none' for a product that is not a coupon (e.g. timestamps): no coupon is issued for it.
 */
export const documentLineSchema = z.object({
  productCode: z.string().min(1),
  description: z.string().min(1),
  renews: z.enum(lineRenewals),
  quantity: z.number().int().positive(),
  unitPriceCents: centsSchema,
  vatRateBp: vatRateBpSchema,
  taxableCents: centsSchema,
  vatCents: centsSchema,
  totalCents: centsSchema,
});
export type DocumentLine = z.infer<typeof documentLineSchema>;

/** One entry per VAT rate present, by increasing rate. */
export const vatRateSummarySchema = z.object({
  rateBp: vatRateBpSchema,
  taxableCents: centsSchema,
  vatCents: centsSchema,
  totalCents: centsSchema,
});
export const totalsSchema = z.object({ taxableCents: centsSchema, vatCents: centsSchema, totalCents: centsSchema });
export type Totals = z.infer<typeof totalsSchema>;

// ---------------------------------------------------------------------------------------------
// Order events (stream `order-<orderId>`)
// ---------------------------------------------------------------------------------------------

export const orderPaymentSchema = z.discriminatedUnion('mode', [
  /** Paid from the prepaid account: the debit (another aggregate) was made before placing. */
  z.object({ mode: z.literal('prepaid'), prepaidDebitId: z.string().min(1) }),
  /** Paid later by the buyer, who writes the RF reference in the payment reason. */
  z.object({
    mode: z.literal('direct'),
    method: z.enum(directPaymentMethods),
    rfReference: z.string().regex(/^RF\d{2}[A-Z0-9]{1,21}$/),
    expiresAt: isoTimeSchema,
  }),
]);
export type OrderPayment = z.infer<typeof orderPaymentSchema>;

export const orderPlaced = eventShape(
  'OrderPlaced',
  z.object({
    orderId: z.string().min(1),
    customerId: z.string().min(1),
    choice: z.enum(['guided', 'manual']),
    /** Guided choice only: the holder's codice fiscale and the device whose certificates are renewed. */
    holderCodiceFiscale: z.string().nullable(),
    deviceSerial: z.string().nullable(),
    lines: z.array(documentLineSchema).min(1),
    vatSummary: z.array(vatRateSummarySchema).min(1),
    totals: totalsSchema,
    /** The profile e-mail shown in the summary at placement (the codes go to the address in force when sent). */
    codesEmail: z.email(),
    payment: orderPaymentSchema,
    placedAt: isoTimeSchema,
  }),
);

export const orderPaymentReceived = eventShape(
  'OrderPaymentReceived',
  z.object({
    orderId: z.string().min(1),
    customerId: z.string().min(1),
    paymentId: z.string().min(1),
    method: z.enum(directPaymentMethods),
    /** amountCents = appliedCents + surplusCents. */
    amountCents: positiveCentsSchema,
    /** What went towards the order's total. */
    appliedCents: centsSchema,
    /** What was not needed (overpayment, or a payment to a paid/cancelled/expired order): credited to the prepaid account. */
    surplusCents: centsSchema,
    /** Still to pay after this payment. */
    amountDueCents: centsSchema,
    receivedAt: isoTimeSchema,
  }),
);

export const orderPaid = eventShape(
  'OrderPaid',
  z.object({
    orderId: z.string().min(1),
    amountCents: centsSchema,
    via: z.enum(['prepaid', 'payments']),
    paidAt: isoTimeSchema,
  }),
);

export const orderCancelled = eventShape(
  'OrderCancelled',
  z.object({
    orderId: z.string().min(1),
    reason: z.string().min(1),
    /** Money already received towards the order (partial payments), to credit to the prepaid account. */
    amountToCreditCents: centsSchema,
    cancelledAt: isoTimeSchema,
  }),
);

export const orderExpired = eventShape(
  'OrderExpired',
  z.object({
    orderId: z.string().min(1),
    amountToCreditCents: centsSchema,
    expiredAt: isoTimeSchema,
  }),
);

export const orderFulfilled = eventShape(
  'OrderFulfilled',
  z.object({
    orderId: z.string().min(1),
    couponIds: z.array(z.string().min(1)),
    invoiceId: z.string().min(1),
    invoiceYear: z.number().int(),
    invoiceNumber: z.number().int().positive(),
    fulfilledAt: isoTimeSchema,
  }),
);

export const orderCouponsRefunded = eventShape(
  'OrderCouponsRefunded',
  z.object({
    orderId: z.string().min(1),
    couponIds: z.array(z.string().min(1)).min(1),
    creditNoteId: z.string().min(1),
    creditNoteYear: z.number().int(),
    creditNoteNumber: z.number().int().positive(),
    amountCents: positiveCentsSchema,
    refundTo: z.enum(['prepaid', 'paid_out']),
    refundedAt: isoTimeSchema,
  }),
);

export const orderEventShapes = [
  orderPlaced,
  orderPaymentReceived,
  orderPaid,
  orderCancelled,
  orderExpired,
  orderFulfilled,
  orderCouponsRefunded,
];

export type OrderEvent =
  | EventOf<typeof orderPlaced>
  | EventOf<typeof orderPaymentReceived>
  | EventOf<typeof orderPaid>
  | EventOf<typeof orderCancelled>
  | EventOf<typeof orderExpired>
  | EventOf<typeof orderFulfilled>
  | EventOf<typeof orderCouponsRefunded>;

// ---------------------------------------------------------------------------------------------
// RF reference guard (stream `rf-<reference>`, claimed with expected revision 'no_stream')
// ---------------------------------------------------------------------------------------------

export const rfReferenceClaimed = eventShape(
  'RfReferenceClaimed',
  z.object({
    rfReference: z.string().regex(/^RF\d{2}[A-Z0-9]{1,21}$/),
    orderId: z.string().min(1),
    claimedAt: isoTimeSchema,
  }),
);

export const rfReferenceEventShapes = [rfReferenceClaimed];
export type RfReferenceEvent = EventOf<typeof rfReferenceClaimed>;
