// Payments (stream `payment-<paymentId>`): money received by transfer, postal slip, card or
// cheque, recorded by an accountant, and its matching to an order: automatically by the RF
// reference found in the payment reason, or by hand for a payment left unmatched.
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';
import { directPaymentMethods, isoDateSchema, isoTimeSchema, positiveCentsSchema } from '../orders/events';

const rfReferenceSchema = z.string().regex(/^RF\d{2}[A-Z0-9]{1,21}$/);

/** What recording found in the payment reason, and whether the reference names an order. */
export const paymentMatchStatuses = ['reference_found', 'reference_unknown', 'no_reference', 'wrong_check_digits'] as const;
export type PaymentMatchStatus = (typeof paymentMatchStatuses)[number];

export const unmatchedReasons = ['no_reference', 'wrong_check_digits', 'unknown_reference'] as const;

export const paymentRecorded = eventShape(
  'PaymentRecorded',
  z.object({
    paymentId: z.string().min(1),
    method: z.enum(directPaymentMethods),
    amountCents: positiveCentsSchema,
    receivedOn: isoDateSchema,
    payer: z.string().min(1),
    /** The payment reason ("causale") as written by the payer. */
    reason: z.string(),
    /**
     * The bank's own reference (CRO/TRN, or the statement line id), normalised; one payment per
     * reference (see BankReferenceClaimed). Absent from payments recorded before it was asked
     * for, and from money taken at the desk, which has no bank statement line.
     */
    bankReference: z.string().min(1).optional(),
    recordedBy: z.string().min(1),
    /** The RF reference found in the reason, check digits verified; null when none. */
    rfReference: rfReferenceSchema.nullable(),
    /**
     * reference_found: the reference names an order; reference_unknown: a valid reference that
     * names no order; no_reference: none in the reason; wrong_check_digits: an RF reference whose
     * check digits are wrong (see rfCandidate).
     */
    matchStatus: z.enum(paymentMatchStatuses),
    /** The reference as written when its check digits are wrong (for the accountant), else null. */
    rfCandidate: z.string().nullable(),
    recordedAt: isoTimeSchema,
  }),
);

export const paymentMatched = eventShape(
  'PaymentMatched',
  z.object({
    paymentId: z.string().min(1),
    orderId: z.string().min(1),
    how: z.enum(['reference', 'by_hand']),
    /** The reference that matched (how = 'reference'), else null. */
    rfReference: rfReferenceSchema.nullable(),
    /** Who matched it: the staff user, or 'system' for a match by reference. */
    by: z.string().min(1),
    matchedAt: isoTimeSchema,
  }),
);

export const paymentLeftUnmatched = eventShape(
  'PaymentLeftUnmatched',
  z.object({
    paymentId: z.string().min(1),
    reason: z.enum(unmatchedReasons),
    /** For people: what was (not) found. */
    detail: z.string().min(1),
    unmatchedAt: isoTimeSchema,
  }),
);

export const paymentEventShapes = [paymentRecorded, paymentMatched, paymentLeftUnmatched];

export type PaymentEvent =
  | EventOf<typeof paymentRecorded>
  | EventOf<typeof paymentMatched>
  | EventOf<typeof paymentLeftUnmatched>;

/**
 * The guard of bank references (stream `bank-reference-<reference>`): the payment that holds the
 * reference. The first claim is appended with expected revision 'no_stream', so the same transfer
 * entered twice is refused; a later claim takes over the reference from a payment whose recording
 * never completed.
 */
export const bankReferenceClaimed = eventShape(
  'BankReferenceClaimed',
  z.object({
    bankReference: z.string().min(1),
    paymentId: z.string().min(1),
    claimedAt: isoTimeSchema,
  }),
);

export const bankReferenceEventShapes = [bankReferenceClaimed];
export type BankReferenceEvent = EventOf<typeof bankReferenceClaimed>;
