// What time travel folds: one record's events as the back office recorded them, each with the
// instant the event store recorded it (`at`, the RecordedEvent's `created`) and its global
// position. "As of" an instant means what had been recorded by then, so the cut is on `at`, never
// on the instants the events carry in their data (a payment received on Monday but recorded on
// Wednesday was not known on Tuesday).
import { z } from 'zod';
import { DomainError, invalid } from '../shared/errors';

/** The records one can travel back on, by the name the API and the console use. */
export const historyKinds = ['order', 'customer', 'prepaid', 'invoice'] as const;
export type HistoryKind = (typeof historyKinds)[number];

export interface HistoryEvent {
  stream: string;
  position: number;
  type: string;
  /** The event's data as decoded by the catalogue (current version of its type). */
  data: unknown;
  /** When the store recorded it, ISO-8601 UTC. */
  at: string;
}

// An instant with Z or an offset (2026-03-01T10:00:00+01:00); seconds and fractions optional.
const instantSchema = z.iso.datetime({ offset: true, local: false });

/**
 * The instant a request names, as ISO-8601 UTC; refused `input_invalid` on the field unless it is
 * an ISO-8601 date-time with Z or an offset (a time without a zone is ambiguous: which Rome hour?).
 */
export function instantParam(value: string, field: string): string {
  if (!instantSchema.safeParse(value).success) {
    throw invalid(field, 'must be an ISO-8601 date-time with Z or an offset, e.g. 2026-03-01T10:00:00Z');
  }
  return new Date(value).toISOString();
}

/** Refused unless `from` is not after `to`. */
export function checkSpan(from: string, to: string): void {
  if (Date.parse(from) > Date.parse(to)) throw invalid('from', 'must not be after to', 'span_invalid');
}

/** The events recorded by `asOf` (inclusive), in log order. */
export function recordedBy(events: readonly HistoryEvent[], asOf: string): HistoryEvent[] {
  const cut = Date.parse(asOf);
  return [...events].filter((e) => Date.parse(e.at) <= cut).sort((a, b) => a.position - b.position);
}

/** The events recorded after `from` and by `to`, in log order. */
export function recordedBetween(events: readonly HistoryEvent[], from: string, to: string): HistoryEvent[] {
  const start = Date.parse(from);
  return recordedBy(events, to).filter((e) => Date.parse(e.at) > start);
}

const notFoundCodes: Record<HistoryKind, string> = {
  order: 'order_not_found',
  customer: 'customer_not_found',
  prepaid: 'prepaid_not_found',
  invoice: 'invoice_not_found',
};

/** The record did not exist yet at the instant asked. */
export const notYet = (kind: HistoryKind, id: string, asOf: string) => new DomainError(notFoundCodes[kind], `${kind} ${id} did not exist at ${asOf}`, 'not_found');
