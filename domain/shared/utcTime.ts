// Instants in commands and events are ISO-8601 UTC date-times (`2026-05-04T10:00:00.000Z`).
import { z } from 'zod';
import { invalid } from './errors';

// Built once: a zod schema costs more to build than to run.
const utcDateTime = z.iso.datetime();

export { DAY_MS } from './spans';

export const isUtcDateTime = (value: unknown): value is string => utcDateTime.safeParse(value).success;

/**
 * The instant a command carries (`command.at`, when it is decided: time enters a decider this way
 * only), checked; refused `input_invalid` on the field unless it is an ISO-8601 UTC date-time.
 */
export function instantOf(at: string, field = 'at'): string {
  if (!isUtcDateTime(at)) throw invalid(field, 'must be an ISO-8601 UTC date-time');
  return at;
}
