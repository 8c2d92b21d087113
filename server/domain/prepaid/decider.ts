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
import { Map as ImmutableMap, Set as ImmutableSet } from 'immutable';
import type {
  CreditReason,
  PrepaidCredited,
  PrepaidDebited,
  PrepaidEvent,
  PrepaidToppedUp,
  TopUpMethod,
} from '../../../events/prepaid';
import { creditReasons, topUpMethods } from '../../../events/prepaid';
import type { Aggregate } from '../../commands/handle';
import { invalid, refuse } from '../errors';
import { feeOf, formatEuro, formatRate } from '../values/money';

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
}

export const initialState = (): PrepaidState => ({
  balanceCents: 0,
  debitedOrders: ImmutableMap(),
  topUpIds: ImmutableSet(),
  creditIds: ImmutableSet(),
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
    default:
      return state;
  }
}

export const prepaidAggregate: Aggregate<PrepaidState, PrepaidEvent> = { initialState, evolve };

// ---------------------------------------------------------------------------------------------
// Fee arithmetic
// ---------------------------------------------------------------------------------------------

export interface TopUpQuote {
  creditedCents: number;
  feeCents: number;
  /** What the customer pays: credited + fee. */
  toPayCents: number;
}

/** What to pay to have `creditedCents` put on the account: `topUpQuote(3300, 180)` → 3300 + 59 = 3359. */
export function topUpQuote(creditedCents: number, feeRateBp: number = defaultPrepaidSettings.feeRateBp): TopUpQuote {
  const feeCents = feeOf(creditedCents, feeRateBp);
  return { creditedCents, feeCents, toPayCents: creditedCents + feeCents };
}

/**
 * Splits money received into credited + fee: credited is the largest c with c + fee(c) ≤ received,
 * fee = received − credited. `splitTopUp(3359, 180)` → credited 3300, fee 59.
 */
export function splitTopUp(amountReceivedCents: number, feeRateBp: number = defaultPrepaidSettings.feeRateBp): TopUpQuote {
  if (!Number.isSafeInteger(amountReceivedCents) || amountReceivedCents < 0) {
    throw new RangeError(`amount received must be a non-negative integer of cents (got ${amountReceivedCents})`);
  }
  const toPay = (c: number) => c + feeOf(c, feeRateBp);
  // Start near the exact inverse, then step: toPay is non-decreasing.
  let c = Math.floor((amountReceivedCents * 10_000) / (10_000 + feeRateBp));
  while (c > 0 && toPay(c) > amountReceivedCents) c--;
  while (toPay(c + 1) <= amountReceivedCents) c++;
  return { creditedCents: c, feeCents: amountReceivedCents - c, toPayCents: amountReceivedCents };
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

function positiveCents(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw invalid(field, `must be a positive whole number of cents (got ${value})`, 'invalid_amount');
  }
  return value;
}

function requiredId(value: string | undefined, field: string): string {
  const v = (value ?? '').trim();
  if (v === '') throw invalid(field, 'is required', 'required');
  return v;
}

function validDate(value: string, field: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  const d = m ? new Date(`${value}T00:00:00.000Z`) : null;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw invalid(field, `must be a date YYYY-MM-DD (got '${value}')`, 'invalid_date');
  }
  return value;
}

function validSettings(settings: PrepaidSettings): PrepaidSettings {
  if (!Number.isSafeInteger(settings.feeRateBp) || settings.feeRateBp < 0 || settings.feeRateBp > 10_000) {
    throw invalid('settings.feeRateBp', `must be whole basis points 0-10000 (got ${settings.feeRateBp})`, 'invalid_setting');
  }
  if (!Number.isSafeInteger(settings.minimumTopUpCents) || settings.minimumTopUpCents < 0) {
    throw invalid('settings.minimumTopUpCents', `must be a whole number of cents (got ${settings.minimumTopUpCents})`, 'invalid_setting');
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
}

export function topUp(command: TopUp, state: PrepaidState, now: Date): PrepaidToppedUp[] {
  const customerId = requiredId(command.customerId, 'customerId');
  const topUpId = requiredId(command.topUpId, 'topUpId');
  if (state.topUpIds.has(topUpId)) return [];
  const settings = validSettings({ ...defaultPrepaidSettings, ...command.settings });
  const received = positiveCents(command.amountReceivedCents, 'amountReceivedCents');
  if (!topUpMethods.includes(command.method)) {
    throw invalid('method', `must be one of ${topUpMethods.join(', ')} (got '${command.method}')`, 'invalid_method');
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
        recordedAt: now.toISOString(),
      },
    },
  ];
}

export interface DebitForOrder {
  customerId: string;
  orderId: string;
  amountCents: number;
}

/**
 * Pays an order from the account. Refused with `insufficient_balance` when the balance is lower
 * than the amount; a second debit for the same order is a no-op (returns no events).
 */
export function debitForOrder(command: DebitForOrder, state: PrepaidState, now: Date): PrepaidDebited[] {
  const customerId = requiredId(command.customerId, 'customerId');
  const orderId = requiredId(command.orderId, 'orderId');
  if (state.debitedOrders.has(orderId)) return [];
  const amountCents = positiveCents(command.amountCents, 'amountCents');
  if (state.balanceCents < amountCents) {
    throw refuse(
      'insufficient_balance',
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
        debitedAt: now.toISOString(),
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
}

export function creditAccount(command: CreditAccount, state: PrepaidState, now: Date): PrepaidCredited[] {
  const customerId = requiredId(command.customerId, 'customerId');
  const creditId = requiredId(command.creditId, 'creditId');
  if (state.creditIds.has(creditId)) return [];
  if (!creditReasons.includes(command.reason)) {
    throw invalid('reason', `must be one of ${creditReasons.join(', ')} (got '${command.reason}')`, 'invalid_reason');
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
        creditedAt: now.toISOString(),
      },
    },
  ];
}
