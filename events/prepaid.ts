// Prepaid account events (conto prepagato), one stream per customer: `prepaid-<customerId>`.
// Money is in integer euro cents; every event carries the balance after it, for projections and
// audits. The balance never goes below zero (see server/domain/prepaid/decider.ts).
import { z } from 'zod';
import { defineEvent, type EventOf } from './catalogue';

const cents = z.number().int().nonnegative();
const positiveCents = z.number().int().positive();

/** How a top-up was paid. */
export const topUpMethods = ['bank_transfer', 'postal_slip', 'credit_card', 'cheque', 'cash'] as const;
export type TopUpMethod = (typeof topUpMethods)[number];

export const creditReasons = ['refund', 'overpayment', 'correction'] as const;
export type CreditReason = (typeof creditReasons)[number];

/**
 * Money received for the account. The administrative fee is charged on top of the credited amount:
 * amountReceivedCents = creditedCents + feeCents, and creditedCents goes to the balance.
 */
export const prepaidToppedUp = defineEvent(
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
export const prepaidDebited = defineEvent(
  'PrepaidDebited',
  z.object({
    customerId: z.string().min(1),
    orderId: z.string().min(1),
    amountCents: positiveCents,
    balanceAfterCents: cents,
    debitedAt: z.iso.datetime(),
  }),
);

/** Money put back on the account: a refund of an order, an overpayment, a correction by staff. */
export const prepaidCredited = defineEvent(
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

export const prepaidEventDefinitions = [prepaidToppedUp, prepaidDebited, prepaidCredited];

export type PrepaidToppedUp = EventOf<typeof prepaidToppedUp>;
export type PrepaidDebited = EventOf<typeof prepaidDebited>;
export type PrepaidCredited = EventOf<typeof prepaidCredited>;
export type PrepaidEvent = PrepaidToppedUp | PrepaidDebited | PrepaidCredited;
