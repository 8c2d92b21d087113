// Prepaid account events (conto prepagato), one stream per customer: `prepaid-<customerId>`.
// Money is in integer euro cents; every event carries the balance after it, for projections and
// audits. The balance never goes below zero (see domain/prepaid/decider.ts).
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';
import { paymentMethods, type PaymentMethod } from '../shared/paymentMethods';

const cents = z.number().int().nonnegative();
const positiveCents = z.number().int().positive();

/** How a top-up was paid (domain/shared/paymentMethods.ts). */
export const topUpMethods = paymentMethods;
export type TopUpMethod = PaymentMethod;

export const creditReasons = ['refund', 'overpayment', 'correction'] as const;
export type CreditReason = (typeof creditReasons)[number];

/**
 * Money received for the account. The administrative fee is charged on top of the credited amount:
 * amountReceivedCents = creditedCents + feeCents, and creditedCents goes to the balance.
 */
export const prepaidToppedUp = eventShape(
  'PrepaidToppedUp',
  z.object({
    customerId: z.string().min(1),
    topUpId: z.string().min(1),
    amountReceivedCents: positiveCents,
    feeCents: cents,
    creditedCents: positiveCents,
    /** The fee rate in force, basis points (180 = 1.80 %). */
    feeRateBp: z.number().int().nonnegative(),
    method: z.enum(topUpMethods),
    /** Bank transfer CRO/TRN, slip number, card authorisation, cheque number, receipt number. */
    reference: z.string().min(1),
    receivedOn: z.iso.date(),
    balanceAfterCents: cents,
    recordedAt: z.iso.datetime(),
  }),
);

/** The amount of an order paid from the account. At most one debit per order. */
export const prepaidDebited = eventShape(
  'PrepaidDebited',
  z.object({
    customerId: z.string().min(1),
    orderId: z.string().min(1),
    amountCents: positiveCents,
    balanceAfterCents: cents,
    debitedAt: z.iso.datetime(),
  }),
);

/**
 * Money put back on the account by the back office: a refund of an order, an overpayment, the
 * reversal of a debit whose order could not be placed ('correction'). Until issue #14 staff could
 * also write one by hand (reason 'correction', no approval); those events stay in the log as they
 * are. Money put on by hand is now a PrepaidAdjustmentApproved.
 */
export const prepaidCredited = eventShape(
  'PrepaidCredited',
  z.object({
    customerId: z.string().min(1),
    creditId: z.string().min(1),
    reason: z.enum(creditReasons),
    orderId: z.string().min(1).nullable(),
    amountCents: positiveCents,
    note: z.string().nullable(),
    balanceAfterCents: cents,
    creditedAt: z.iso.datetime(),
  }),
);

/**
 * The most a manual adjustment may put on an account, cents (10,000.00 €). Adjustments settle by
 * hand what no recorded payment covers; anything larger is a payment to record or a mistake.
 */
export const maxAdjustmentCents = 1_000_000;

/**
 * A staff member asks to put money on the account by hand (money no recorded payment covers: a
 * refund settled outside the system, a correction). Nothing is credited until a supervisor other
 * than the requester approves it.
 */
export const prepaidAdjustmentRequested = eventShape(
  'PrepaidAdjustmentRequested',
  z.object({
    customerId: z.string().min(1),
    adjustmentId: z.string().min(1),
    amountCents: positiveCents.max(maxAdjustmentCents),
    reason: z.string().min(1),
    requestedBy: z.string().min(1),
    requestedAt: z.iso.datetime(),
  }),
);

/** A supervisor (not the requester) approved the request: the amount is credited with this event. */
export const prepaidAdjustmentApproved = eventShape(
  'PrepaidAdjustmentApproved',
  z.object({
    customerId: z.string().min(1),
    adjustmentId: z.string().min(1),
    amountCents: positiveCents,
    /** The request's reason, repeated so that the movement reads on its own. */
    reason: z.string().min(1),
    requestedBy: z.string().min(1),
    approvedBy: z.string().min(1),
    balanceAfterCents: cents,
    approvedAt: z.iso.datetime(),
  }),
);

/** A supervisor (not the requester) turned the request down; nothing is credited. */
export const prepaidAdjustmentRejected = eventShape(
  'PrepaidAdjustmentRejected',
  z.object({
    customerId: z.string().min(1),
    adjustmentId: z.string().min(1),
    rejectedBy: z.string().min(1),
    rejectionReason: z.string().min(1),
    rejectedAt: z.iso.datetime(),
  }),
);

export const prepaidEventShapes = [
  prepaidToppedUp,
  prepaidDebited,
  prepaidCredited,
  prepaidAdjustmentRequested,
  prepaidAdjustmentApproved,
  prepaidAdjustmentRejected,
];

export type PrepaidToppedUp = EventOf<typeof prepaidToppedUp>;
export type PrepaidDebited = EventOf<typeof prepaidDebited>;
export type PrepaidCredited = EventOf<typeof prepaidCredited>;
export type PrepaidAdjustmentRequested = EventOf<typeof prepaidAdjustmentRequested>;
export type PrepaidAdjustmentApproved = EventOf<typeof prepaidAdjustmentApproved>;
export type PrepaidAdjustmentRejected = EventOf<typeof prepaidAdjustmentRejected>;
export type PrepaidEvent =
  | PrepaidToppedUp
  | PrepaidDebited
  | PrepaidCredited
  | PrepaidAdjustmentRequested
  | PrepaidAdjustmentApproved
  | PrepaidAdjustmentRejected;
