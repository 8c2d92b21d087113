// The payment aggregate (stream `payment-<paymentId>`): money received, and which order it pays.
// Recording looks for the RF reference in the payment reason; the handler has already looked up
// which orders the possible references name (streams `rf-<reference>`) and passes that in, so the
// payment is recorded and matched (or left unmatched) in one append.
import { z } from 'zod';
import type { DirectPaymentMethod } from '../orders/events';
import { directPaymentMethods } from '../orders/events';
import type { PaymentEvent, PaymentMatchStatus } from './events';
import { DomainError, conflict, invalid } from '../shared/errors';
import { checkBankReference } from '../shared/bankReference';
import { findRfReferenceCandidatesIn, findRfReferenceIn, formatRf } from '../shared/rfReference';
import { isUtcDateTime } from '../shared/utcTime';

const calendarDate = z.iso.date();

export const streamOf = (paymentId: string): string => `payment-${paymentId}`;

export interface RecordedPayment {
  status: 'unmatched' | 'matched';
  paymentId: string;
  method: DirectPaymentMethod;
  amountCents: number;
  receivedOn: string;
  payer: string;
  reason: string;
  /** The bank's reference; null for payments recorded before it was asked for, and at the desk. */
  bankReference: string | null;
  rfReference: string | null;
  matchStatus: PaymentMatchStatus;
  match: { orderId: string; how: 'reference' | 'by_hand'; by: string; matchedAt: string } | null;
}

export type PaymentState = { status: 'none' } | RecordedPayment;

export const initialState = (): PaymentState => ({ status: 'none' });

export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentRecorded': {
      const d = event.data;
      return {
        status: 'unmatched',
        paymentId: d.paymentId,
        method: d.method,
        amountCents: d.amountCents,
        receivedOn: d.receivedOn,
        payer: d.payer,
        reason: d.reason,
        bankReference: d.bankReference ?? null,
        rfReference: d.rfReference,
        matchStatus: d.matchStatus,
        match: null,
      };
    }
    case 'PaymentMatched': {
      if (state.status === 'none') return state;
      const { orderId, how, by, matchedAt } = event.data;
      return { ...state, status: 'matched', match: { orderId, how, by, matchedAt } };
    }
    case 'PaymentLeftUnmatched':
      return state;
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

export const paymentAggregate = { initialState, evolve };

/**
 * The RF references the handler should look up for a payment reason (streams `rf-<reference>`):
 * every reading whose check digits verify, the most plausible first.
 */
export function rfReferencesToLookUp(paymentReason: string): string[] {
  return findRfReferenceCandidatesIn(paymentReason);
}

export interface RecordPayment {
  paymentId: string;
  method: DirectPaymentMethod;
  /** Cents, > 0. */
  amountCents: number;
  /** YYYY-MM-DD, the value date on the bank statement or slip. */
  receivedOn: string;
  payer: string;
  reason: string;
  /**
   * The bank's own reference (CRO/TRN, statement line id), unique among payments (the handler
   * claims it first, see bankReferenceClaim.ts). Null only for money taken at the desk, by card
   * or in cash, which no bank statement line shows yet.
   */
  bankReference: string | null;
  /** Staff user id of who recorded it. */
  recordedBy: string;
  /** For each reference of rfReferencesToLookUp(reason) that is claimed: the order it names. */
  ordersByReference: Readonly<Record<string, string>>;
  at: string;
}

export function recordPayment(command: RecordPayment, state: PaymentState): PaymentEvent[] {
  if (state.status !== 'none') throw conflict('payment_exists', `payment ${command.paymentId} has already been recorded`);
  if (!Number.isSafeInteger(command.amountCents) || command.amountCents <= 0) {
    throw invalid('amountCents', 'must be a positive whole number of cents');
  }
  if (!(directPaymentMethods as readonly string[]).includes(command.method)) {
    throw invalid('method', `must be one of ${directPaymentMethods.join(', ')}`);
  }
  if (!calendarDate.safeParse(command.receivedOn).success) throw invalid('receivedOn', 'must be a date YYYY-MM-DD');
  if (!isUtcDateTime(command.at)) throw invalid('at', 'must be an ISO-8601 UTC date-time');
  const payer = command.payer.trim();
  if (payer === '') throw invalid('payer', 'say who paid');
  if (command.recordedBy.trim() === '') throw invalid('recordedBy', 'is required');
  let bankReference: string | undefined;
  if (command.bankReference !== null) {
    const checked = checkBankReference(command.bankReference);
    if (!checked.ok) throw invalid('bankReference', checked.message, `bank_reference_${checked.rule}`);
    bankReference = checked.value;
  }

  // Prefer a reading that names an order (a 1-in-97 chance makes a wrong length verify too).
  const candidates = findRfReferenceCandidatesIn(command.reason);
  const matching = candidates.find((ref) => command.ordersByReference[ref] !== undefined);
  const found = findRfReferenceIn(command.reason);

  let rfReference: string | null = null;
  let matchStatus: PaymentMatchStatus;
  let rfCandidate: string | null = null;
  let orderId: string | undefined;
  if (matching !== undefined) {
    rfReference = matching;
    matchStatus = 'reference_found';
    orderId = command.ordersByReference[matching];
  } else if (found.ok) {
    rfReference = found.value;
    matchStatus = 'reference_unknown';
  } else if (found.rule === 'check-digits') {
    matchStatus = 'wrong_check_digits';
    rfCandidate = found.candidate ?? null;
  } else {
    matchStatus = 'no_reference';
  }

  const events: PaymentEvent[] = [
    {
      type: 'PaymentRecorded',
      data: {
        paymentId: command.paymentId,
        method: command.method,
        amountCents: command.amountCents,
        receivedOn: command.receivedOn,
        payer,
        reason: command.reason,
        ...(bankReference === undefined ? {} : { bankReference }),
        recordedBy: command.recordedBy,
        rfReference,
        matchStatus,
        rfCandidate,
        recordedAt: command.at,
      },
    },
  ];
  if (orderId !== undefined) {
    events.push({
      type: 'PaymentMatched',
      data: { paymentId: command.paymentId, orderId, how: 'reference', rfReference, by: 'system', matchedAt: command.at },
    });
  } else {
    const [reason, detail] =
      matchStatus === 'reference_unknown'
        ? (['unknown_reference', `${formatRf(rfReference!)} names no order`] as const)
        : matchStatus === 'wrong_check_digits'
          ? (['wrong_check_digits', `found ${formatRf(rfCandidate ?? '')} but its check digits are wrong`] as const)
          : (['no_reference', 'no RF reference in the payment reason'] as const);
    events.push({ type: 'PaymentLeftUnmatched', data: { paymentId: command.paymentId, reason, detail, unmatchedAt: command.at } });
  }
  return events;
}

export interface MatchByHand {
  orderId: string;
  /** Staff user id. */
  by: string;
  at: string;
}

/** An accountant matches an unmatched payment to an order. */
export function matchByHand(command: MatchByHand, state: PaymentState): PaymentEvent[] {
  if (state.status === 'none') throw new DomainError('payment_not_found', 'payment not found', 'not_found');
  if (state.status === 'matched') {
    throw conflict('payment_already_matched', `the payment is already matched to order ${state.match?.orderId ?? ''}`.trim());
  }
  if (command.orderId.trim() === '') throw invalid('orderId', 'is required');
  if (command.by.trim() === '') throw invalid('by', 'is required');
  if (!isUtcDateTime(command.at)) throw invalid('at', 'must be an ISO-8601 UTC date-time');
  return [
    {
      type: 'PaymentMatched',
      data: { paymentId: state.paymentId, orderId: command.orderId, how: 'by_hand', rfReference: null, by: command.by, matchedAt: command.at },
    },
  ];
}
