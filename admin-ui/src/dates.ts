// Calendar days as seen in Rome, whatever the browser's own time zone: "today", the first and last
// instant of a Rome day (for the API's time filters, which take ISO instants), and `YYYY-MM-DD`
// shown as `dd/mm/yyyy`. Instants are shown with formatRomeDate / formatRomeDateTime (format.ts).
// The time zone arithmetic and the formats are the server's own (domain/shared/romeCalendar.ts,
// domain/shared/money.ts).

import { formatDay as formatIsoDay } from '../../domain/shared/money';
import { addDays, monthStart, romeDayOf, romeDayStart, romeInstant } from '../../domain/shared/romeCalendar';

export { addDays, monthStart, romeDayStart, romeInstant };

const DAY_MS = 24 * 60 * 60 * 1000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDay(value: unknown): value is string {
  return typeof value === 'string' && DAY.test(value) && !Number.isNaN(Date.parse(value));
}

/** The Rome calendar day of an instant (now by default), `YYYY-MM-DD`. */
export const romeDay = (at: Date | string | number = new Date()): string => romeDayOf(at);

/** Last millisecond of a Rome day. */
export const romeDayEnd = (day: string): string => new Date(Date.parse(romeInstant(addDays(day, 1), '00:00')) - 1).toISOString();

/** `2026-05-01` → `01/05/2026` (a calendar day: no conversion); nothing → '', anything else as it is. */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '';
  const first = day.slice(0, 10);
  return DAY.test(first) ? formatIsoDay(first) : day;
}

/** Whole days from now to an instant (negative once past). */
export function daysUntil(at: string, now = Date.now()): number {
  return Math.floor((Date.parse(at) - now) / DAY_MS);
}
