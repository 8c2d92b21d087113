// Times as seen in Rome: stored times are UTC, while screens and paper show Rome's calendar and
// clock (a Rome day starts at 23:00 or 22:00 UTC of the day before). One place for the time zone
// arithmetic of the server: invoice days, figures "of today", dates on documents.
const ROME = 'Europe/Rome';

const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: ROME,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export type WallClock = Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;

function partsAt(ms: number): WallClock {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of wallClock.formatToParts(new Date(ms))) if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  return out;
}

/** What a clock in Rome reads at an instant; a RangeError for an invalid date. */
export function romeWallClock(at: Date | string | number): WallClock {
  const ms = (at instanceof Date ? at : new Date(at)).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a valid date: ${String(at)}`);
  return partsAt(ms);
}

/** Rome's offset from UTC at an instant (+1 h in winter, +2 h in summer), in milliseconds. */
function offsetAt(ms: number): number {
  const w = partsAt(ms);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

export const pad2 = (n: number) => String(n).padStart(2, '0');

/** The Rome calendar day of an instant, `YYYY-MM-DD`. */
export function romeDayOf(at: Date | string | number): string {
  const w = romeWallClock(at);
  return `${w.year}-${pad2(w.month)}-${pad2(w.day)}`;
}

/** The instant (ISO-8601 UTC) when `day` (`YYYY-MM-DD`) begins in Rome. */
export function romeDayStart(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(y, m - 1, d);
  // Rome changes its clocks at 02:00 or 03:00, never at midnight: the offset an hour or two
  // before the UTC midnight is the one in force at the Rome midnight.
  const guess = midnightUtc - offsetAt(midnightUtc);
  return new Date(midnightUtc - offsetAt(guess)).toISOString();
}

/** The day `days` after `day` (negative: before). */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The first day of the month `months` after the month of `day` (negative: before). */
export function monthStart(day: string, months = 0): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 10);
}
