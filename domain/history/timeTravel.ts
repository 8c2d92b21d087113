// Time travel over one record: its state as of an instant, and what changed between two. Pure: the
// server reads the record's streams and hands every event here; the cut, the fold and the diff are
// decided here, so a test is Given events / When as of / Then state.
import { formatEuro } from '../shared/money';
import { foldCustomer } from './customer';
import { diffStates, type Change, type Json } from './diff';
import { foldInvoice } from './invoice';
import { foldOrder } from './order';
import { foldPrepaid } from './prepaid';
import { notYet, recordedBetween, recordedBy, checkSpan, type HistoryEvent, type HistoryKind } from './recorded';

const folds: Record<HistoryKind, (events: readonly HistoryEvent[]) => object | null> = {
  order: foldOrder,
  customer: foldCustomer,
  prepaid: foldPrepaid,
  invoice: foldInvoice,
};

export interface EventLine {
  type: string;
  /** When the back office recorded it, ISO-8601 UTC. */
  at: string;
  short: string;
  /** The event's data, for the console's summary in words (eventSummary.ts); `short` is its fallback. */
  data: unknown;
}

export interface StateAsOf {
  asOf: string;
  state: Json;
  events: EventLine[];
}

export interface Changes {
  from: string;
  to: string;
  changes: Change[];
  events: EventLine[];
}

const cents = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? formatEuro(v) : null);

/** One line about an event: its amount, reference, address or reason, whatever says most. */
export function shortOf(event: HistoryEvent): string {
  const d = (event.data ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  const money = cents(d.amountCents) ?? cents((d.totals as { totalCents?: unknown } | undefined)?.totalCents) ?? cents(d.creditedCents);
  if (money) parts.push(money);
  if (typeof d.method === 'string') parts.push(d.method);
  const payment = d.payment as { mode?: string; method?: string; rfReference?: string } | undefined;
  if (payment?.mode) parts.push(...[payment.method ?? payment.mode, payment.rfReference].filter((x): x is string => Boolean(x)));
  if (typeof d.receipt === 'string') parts.push(`SdI ${d.receipt}`);
  if (typeof d.newEmail === 'string') parts.push(d.newEmail);
  if (event.type === 'CustomerSdiAddressChanged') parts.push([d.sdiCode, d.pecAddress].filter(Boolean).join(' ') || '—');
  if (typeof d.number === 'number' && typeof d.year === 'number') parts.push(`${d.number}/${d.year}`);
  if (typeof d.invoiceNumber === 'number' && typeof d.invoiceYear === 'number' && event.type === 'OrderFulfilled') parts.push(`${d.invoiceNumber}/${d.invoiceYear}`);
  if (typeof d.reason === 'string') parts.push(d.reason);
  if (typeof d.balanceAfterCents === 'number') parts.push(`→ ${formatEuro(d.balanceAfterCents)}`);
  return parts.join(' · ');
}

const lineOf = (e: HistoryEvent): EventLine => ({ type: e.type, at: e.at, short: shortOf(e), data: e.data });

// The folds' states are plain data (strings, numbers, booleans, null, arrays, objects).
const asJson = (state: object): Json => state as unknown as Json;

/** The record as of `asOf` (UTC), from all its events; refused not_found when it did not exist yet. */
export function stateAsOf(kind: HistoryKind, id: string, events: readonly HistoryEvent[], asOf: string): StateAsOf {
  const known = recordedBy(events, asOf);
  const state = folds[kind](known);
  if (!state) throw notYet(kind, id, asOf);
  return { asOf, state: asJson(state), events: known.map(lineOf) };
}

/**
 * What changed between `from` and `to` (UTC, from not after to), and the events recorded in
 * between. A `from` before the record existed compares with nothing: every field is a change.
 * Refused not_found when the record did not exist at `to` either.
 */
export function changesBetween(kind: HistoryKind, id: string, events: readonly HistoryEvent[], from: string, to: string): Changes {
  checkSpan(from, to);
  const after = folds[kind](recordedBy(events, to));
  if (!after) throw notYet(kind, id, to);
  const before = folds[kind](recordedBy(events, from));
  return {
    from,
    to,
    changes: diffStates(before ? asJson(before) : {}, asJson(after)),
    events: recordedBetween(events, from, to).map(lineOf),
  };
}
