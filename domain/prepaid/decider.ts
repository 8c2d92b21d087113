// The prepaid account (conto prepagato) of a customer: stream `prepaid-<customerId>`.
//
// Balance. The state holds the balance in cents. A debit is refused when the balance is lower than
// the amount, so the balance never goes below zero: the command handler appends with the revision
// it read, so of two racing debits the second gets a wrong-expected-revision, re-reads the account
// (now with the first debit) and is decided again on the lower balance.
//
// Top-up and the administrative fee. The second guide: "the account must hold at least €33.00,
// and an administrative fee of 1.80% is added". Read as: the fee is charged ON TOP of the amount
// credited; the customer pays credited + fee; the account receives the credited amount; the fee is
// the back office's revenue.
//   fee(credited)      = credited × feeRateBp / 10 000, rounded half up to the cent (money.feeOf)
//   toPay(credited)    = credited + fee(credited)          e.g. 3300 + 59 = 3359
//   minimum top-up     = the credited amount must be at least minimumTopUpCents (default 3300)
// A top-up records the money actually received. It is split as
//   credited = the largest amount c with c + fee(c) ≤ received,   fee = received − credited
// so every cent received is accounted for (received = credited + fee exactly). When the customer
// paid exactly a quoted toPay(c), the split gives back c and fee(c). Since c + fee(c) grows by 1 or 2
// cents per cent of c, a few received amounts cannot be split exactly: then the fee is one cent more
// than fee(credited) (the customer is never credited more than they paid for).
// Both the rate (default 180 bp = 1.80 %) and the minimum are settings passed in the command.
//
// Manual adjustments (four eyes). Money enters the account only from a recorded payment (a top-up,
// a matched payment's surplus, a refund) or by an adjustment that one staff member requests and a
// different supervisor approves: the request alone moves no money, the approval credits it in the
// same event, a rejection records who and why. A request is decided once; its requester can
// neither approve nor reject it. Requests live on the account's own stream so that the approval and
// the balance it changes are one append, decided on one revision.
import { Map as ImmutableMap, Set as ImmutableSet } from 'immutable';
import type {
  CreditReason,
  PrepaidAdjustmentApproved,
  PrepaidAdjustmentRejected,
  PrepaidAdjustmentRequested,
  PrepaidCredited,
  PrepaidDebited,
  PrepaidEvent,
  PrepaidToppedUp,
  TopUpMethod,
} from './events';
import { creditReasons, maxAdjustmentCents, topUpMethods } from './events';
import type { Decider } from '../shared/decider';
import { instantOf } from '../shared/utcTime';
import { conflict, invalid, notFound, refuse } from '../shared/errors';
import { formatEuro, formatRate } from '../shared/money';
import { splitTopUp, topUpQuote } from './topUpFee';

export const streamOf = (customerId: string): string => `prepaid-${customerId}`;

export interface PrepaidSettings {
  /** Administrative fee on top-ups, basis points (180 = 1.80 %). */
  feeRateBp: number;
  /** Least amount a top-up must credit, cents. */
  minimumTopUpCents: number;
}

export const defaultPrepaidSettings: PrepaidSettings = { feeRateBp: 180, minimumTopUpCents: 3300 };

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

// The ids an account has seen grow with its history (a Registration Officer's account holds
// thousands of debits). Persistent collections (immutable) make each event O(log n) instead of a
// copy of the whole map, and every state keeps its own version, so a decision that folds its
// events before they are stored cannot leak them into another state.
export interface PrepaidState {
  balanceCents: number;
  /** Orders already debited, with the amount (a second debit for one of them is a no-op). */
  debitedOrders: ImmutableMap<string, number>;
  topUpIds: ImmutableSet<string>;
  creditIds: ImmutableSet<string>;
  adjustments: ImmutableMap<string, AdjustmentState>;
}

export interface AdjustmentState {
  status: 'pending' | 'approved' | 'rejected';
  amountCents: number;
  reason: string;
  requestedBy: string;
  /** Who approved or rejected it. */
  decidedBy: string | null;
}

export const initialState = (): PrepaidState => ({
  balanceCents: 0,
  debitedOrders: ImmutableMap(),
  topUpIds: ImmutableSet(),
  creditIds: ImmutableSet(),
  adjustments: ImmutableMap(),
});

export function evolve(state: PrepaidState, event: PrepaidEvent): PrepaidState {
  switch (event.type) {
    case 'PrepaidToppedUp':
      return {
        ...state,
        balanceCents: state.balanceCents + event.data.creditedCents,
        topUpIds: state.topUpIds.add(event.data.topUpId),
      };
    case 'PrepaidDebited':
      return {
        ...state,
        balanceCents: state.balanceCents - event.data.amountCents,
        debitedOrders: state.debitedOrders.set(event.data.orderId, event.data.amountCents),
      };
    case 'PrepaidCredited':
      return {
        ...state,
        balanceCents: state.balanceCents + event.data.amountCents,
        creditIds: state.creditIds.add(event.data.creditId),
      };
    case 'PrepaidAdjustmentRequested': {
      const d = event.data;
      return {
        ...state,
        adjustments: state.adjustments.set(d.adjustmentId, {
          status: 'pending',
          amountCents: d.amountCents,
          reason: d.reason,
          requestedBy: d.requestedBy,
          decidedBy: null,
        }),
      };
    }
    case 'PrepaidAdjustmentApproved': {
      const d = event.data;
      const request = state.adjustments.get(d.adjustmentId);
      return {
        ...state,
        balanceCents: state.balanceCents + d.amountCents,
        adjustments: state.adjustments.set(d.adjustmentId, {
          status: 'approved',
          amountCents: d.amountCents,
          reason: request?.reason ?? d.reason,
          requestedBy: d.requestedBy,
          decidedBy: d.approvedBy,
        }),
      };
    }
    case 'PrepaidAdjustmentRejected': {
      const d = event.data;
      const request = state.adjustments.get(d.adjustmentId);
      if (!request) return state;
      return { ...state, adjustments: state.adjustments.set(d.adjustmentId, { ...request, status: 'rejected', decidedBy: d.rejectedBy }) };
    }
    default:
      return state;
  }
}

export const prepaidAggregate: Decider<PrepaidState, PrepaidEvent> = { initialState, evolve };

// ---------------------------------------------------------------------------------------------
// Fee arithmetic
// ---------------------------------------------------------------------------------------------

// The fee's arithmetic lives in topUpFee.ts, free of zod, so that the console can preview it.
export { splitTopUp, topUpQuote, type TopUpQuote } from './topUpFee';

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

function positiveCents(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw invalid(field, `must be a positive whole number of cents (got ${value})`, 'amount_invalid');
  }
  return value;
}

function requiredId(value: string | undefined, field: string): string {
  const v = (value ?? '').trim();
  if (v === '') throw invalid(field, 'is required', 'value_required');
  return v;
}

function validDate(value: string, field: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  const d = m ? new Date(`${value}T00:00:00.000Z`) : null;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw invalid(field, `must be a date YYYY-MM-DD (got '${value}')`, 'date_invalid');
  }
  return value;
}

function validSettings(settings: PrepaidSettings): PrepaidSettings {
  if (!Number.isSafeInteger(settings.feeRateBp) || settings.feeRateBp < 0 || settings.feeRateBp > 10_000) {
    throw invalid('settings.feeRateBp', `must be whole basis points 0-10000 (got ${settings.feeRateBp})`, 'setting_invalid');
  }
  if (!Number.isSafeInteger(settings.minimumTopUpCents) || settings.minimumTopUpCents < 0) {
    throw invalid('settings.minimumTopUpCents', `must be a whole number of cents (got ${settings.minimumTopUpCents})`, 'setting_invalid');
  }
  return settings;
}

export interface TopUp {
  customerId: string;
  /** Id of this top-up (e.g. the payment record); recording it again is a no-op. */
  topUpId: string;
  amountReceivedCents: number;
  method: TopUpMethod;
  reference: string;
  /** When the money arrived, `YYYY-MM-DD`. */
  receivedOn: string;
  /** Fee rate and minimum in force; defaults 180 bp and 3300 cents. */
  settings?: Partial<PrepaidSettings> | undefined;
  /** When the command is decided, ISO-8601 UTC: the instant its event records. */
  at: string;
}

export function topUp(command: TopUp, state: PrepaidState): PrepaidToppedUp[] {
  const at = instantOf(command.at);
  const customerId = requiredId(command.customerId, 'customerId');
  const topUpId = requiredId(command.topUpId, 'topUpId');
  if (state.topUpIds.has(topUpId)) return [];
  const settings = validSettings({ ...defaultPrepaidSettings, ...command.settings });
  const received = positiveCents(command.amountReceivedCents, 'amountReceivedCents');
  if (!topUpMethods.includes(command.method)) {
    throw invalid('method', `must be one of ${topUpMethods.join(', ')} (got '${command.method}')`, 'method_invalid');
  }
  const reference = requiredId(command.reference, 'reference');
  const receivedOn = validDate(command.receivedOn, 'receivedOn');
  const { creditedCents, feeCents } = splitTopUp(received, settings.feeRateBp);
  if (creditedCents < settings.minimumTopUpCents) {
    const least = topUpQuote(settings.minimumTopUpCents, settings.feeRateBp);
    throw refuse(
      'top_up_below_minimum',
      `a top-up must credit at least ${formatEuro(least.creditedCents)}, i.e. ${formatEuro(least.toPayCents)} ` +
        `with the ${formatRate(settings.feeRateBp)} fee; received ${formatEuro(received)}`,
      'amountReceivedCents',
      // `_cents` and `_bp` values: clients format them as money and percent in their language.
      { minimum_cents: least.creditedCents, to_pay_cents: least.toPayCents, rate_bp: settings.feeRateBp, received_cents: received },
    );
  }
  return [
    {
      type: 'PrepaidToppedUp',
      data: {
        customerId,
        topUpId,
        amountReceivedCents: received,
        feeCents,
        creditedCents,
        feeRateBp: settings.feeRateBp,
        method: command.method,
        reference,
        receivedOn,
        balanceAfterCents: state.balanceCents + creditedCents,
        recordedAt: at,
      },
    },
  ];
}

export interface DebitForOrder {
  customerId: string;
  orderId: string;
  amountCents: number;
  /** When the command is decided, ISO-8601 UTC: the instant its event records. */
  at: string;
}

/**
 * Pays an order from the account. Refused with `balance_insufficient` when the balance is lower
 * than the amount; a second debit for the same order is a no-op (returns no events).
 */
export function debitForOrder(command: DebitForOrder, state: PrepaidState): PrepaidDebited[] {
  const at = instantOf(command.at);
  const customerId = requiredId(command.customerId, 'customerId');
  const orderId = requiredId(command.orderId, 'orderId');
  if (state.debitedOrders.has(orderId)) return [];
  const amountCents = positiveCents(command.amountCents, 'amountCents');
  if (state.balanceCents < amountCents) {
    throw refuse(
      'balance_insufficient',
      `the prepaid balance ${formatEuro(state.balanceCents)} is less than the amount ${formatEuro(amountCents)}`,
    );
  }
  return [
    {
      type: 'PrepaidDebited',
      data: {
        customerId,
        orderId,
        amountCents,
        balanceAfterCents: state.balanceCents - amountCents,
        debitedAt: at,
      },
    },
  ];
}

export interface CreditAccount {
  customerId: string;
  /** Id of this credit; crediting it again is a no-op. */
  creditId: string;
  reason: CreditReason;
  orderId?: string | null | undefined;
  amountCents: number;
  note?: string | null | undefined;
  /** When the command is decided, ISO-8601 UTC: the instant its event records. */
  at: string;
}

export function creditAccount(command: CreditAccount, state: PrepaidState): PrepaidCredited[] {
  const at = instantOf(command.at);
  const customerId = requiredId(command.customerId, 'customerId');
  const creditId = requiredId(command.creditId, 'creditId');
  if (state.creditIds.has(creditId)) return [];
  if (!creditReasons.includes(command.reason)) {
    throw invalid('reason', `must be one of ${creditReasons.join(', ')} (got '${command.reason}')`, 'reason_invalid');
  }
  const amountCents = positiveCents(command.amountCents, 'amountCents');
  const orderId = (command.orderId ?? '').trim() || null;
  const note = (command.note ?? '').trim() || null;
  return [
    {
      type: 'PrepaidCredited',
      data: {
        customerId,
        creditId,
        reason: command.reason,
        orderId,
        amountCents,
        note,
        balanceAfterCents: state.balanceCents + amountCents,
        creditedAt: at,
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Manual adjustments (four eyes)
// ---------------------------------------------------------------------------------------------

export { maxAdjustmentCents };

/** A reason for people reading the account later: said in words, not a code. */
function reasonText(value: string | undefined, field: string): string {
  const v = (value ?? '').trim();
  if (v.length < 3) throw invalid(field, 'say why, in at least 3 characters', 'value_required');
  if (v.length > 500) throw invalid(field, `must be at most 500 characters (got ${v.length})`, 'value_too_long');
  return v;
}

export interface RequestAdjustment {
  customerId: string;
  /** Id of this request; requesting it again is a no-op. */
  adjustmentId: string;
  amountCents: number;
  reason: string;
  /** The staff user asking (the command's actor). */
  requestedBy: string;
  /** When the command is decided, ISO-8601 UTC: the instant its event records. */
  at: string;
}

/** Asks for money to be put on the account by hand. Nothing is credited until a supervisor approves. */
export function requestAdjustment(command: RequestAdjustment, state: PrepaidState): PrepaidAdjustmentRequested[] {
  const at = instantOf(command.at);
  const customerId = requiredId(command.customerId, 'customerId');
  const adjustmentId = requiredId(command.adjustmentId, 'adjustmentId');
  if (state.adjustments.has(adjustmentId)) return [];
  const amountCents = positiveCents(command.amountCents, 'amountCents');
  if (amountCents > maxAdjustmentCents) {
    throw invalid(
      'amountCents',
      `a manual adjustment may credit at most ${formatEuro(maxAdjustmentCents)} (got ${formatEuro(amountCents)}); money received is recorded as a payment or a top-up`,
      'adjustment_too_large',
    );
  }
  const reason = reasonText(command.reason, 'reason');
  const requestedBy = requiredId(command.requestedBy, 'requestedBy');
  return [
    {
      type: 'PrepaidAdjustmentRequested',
      data: { customerId, adjustmentId, amountCents, reason, requestedBy, requestedAt: at },
    },
  ];
}

function pendingRequest(state: PrepaidState, adjustmentId: string, by: string, verb: 'approve' | 'reject'): AdjustmentState {
  const request = state.adjustments.get(adjustmentId);
  if (!request) throw notFound('prepaid_adjustment', adjustmentId);
  if (request.status !== 'pending') {
    throw conflict('adjustment_already_decided', `adjustment ${adjustmentId} has already been ${request.status} by ${request.decidedBy ?? 'someone'}`);
  }
  if (request.requestedBy === by) {
    throw refuse('adjustment_decision_by_requester', `you requested adjustment ${adjustmentId}: another supervisor must ${verb} it`);
  }
  return request;
}

export interface ApproveAdjustment {
  customerId: string;
  adjustmentId: string;
  /** The supervisor approving (the command's actor); never the requester. */
  approvedBy: string;
  /** When the command is decided, ISO-8601 UTC: the instant its event records. */
  at: string;
}

/** Credits a pending request's amount. Refused to its requester, and once it has been decided. */
export function approveAdjustment(command: ApproveAdjustment, state: PrepaidState): PrepaidAdjustmentApproved[] {
  const at = instantOf(command.at);
  const customerId = requiredId(command.customerId, 'customerId');
  const adjustmentId = requiredId(command.adjustmentId, 'adjustmentId');
  const approvedBy = requiredId(command.approvedBy, 'approvedBy');
  const request = pendingRequest(state, adjustmentId, approvedBy, 'approve');
  return [
    {
      type: 'PrepaidAdjustmentApproved',
      data: {
        customerId,
        adjustmentId,
        amountCents: request.amountCents,
        reason: request.reason,
        requestedBy: request.requestedBy,
        approvedBy,
        balanceAfterCents: state.balanceCents + request.amountCents,
        approvedAt: at,
      },
    },
  ];
}

export interface RejectAdjustment {
  customerId: string;
  adjustmentId: string;
  /** The supervisor rejecting (the command's actor); never the requester. */
  rejectedBy: string;
  reason: string;
  /** When the command is decided, ISO-8601 UTC: the instant its event records. */
  at: string;
}

/** Turns a pending request down, saying why; nothing is credited. */
export function rejectAdjustment(command: RejectAdjustment, state: PrepaidState): PrepaidAdjustmentRejected[] {
  const at = instantOf(command.at);
  const customerId = requiredId(command.customerId, 'customerId');
  const adjustmentId = requiredId(command.adjustmentId, 'adjustmentId');
  const rejectedBy = requiredId(command.rejectedBy, 'rejectedBy');
  const rejectionReason = reasonText(command.reason, 'reason');
  pendingRequest(state, adjustmentId, rejectedBy, 'reject');
  return [
    {
      type: 'PrepaidAdjustmentRejected',
      data: { customerId, adjustmentId, rejectedBy, rejectionReason, rejectedAt: at },
    },
  ];
}
