// Times as seen in Rome: stored times are UTC, while screens and paper show Rome's calendar and
// clock (a Rome day starts at 23:00 or 22:00 UTC of the day before). One place for the time zone
// arithmetic: the server's invoice days, figures "of today" and dates on documents, and the
// console's days (admin-ui/src/dates.ts builds on this module).
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

/** The wall clock as Intl reads it (some microseconds a call: hence the offsets kept below). */
function intlPartsAt(ms: number): WallClock {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of wallClock.formatToParts(new Date(ms))) if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  return out;
}

const HOUR = 3_600_000;
const wallMs = (w: WallClock) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/**
 * Rome's offset from UTC per UTC hour, kept when it is the same at the hour's first and last second.
 * Rome's clock has only ever changed on a whole UTC hour (at 01:00 UTC nowadays; from Rome mean
 * time, 0:49:56 ahead, at 23:00 UTC on 31 October 1893); an hour that did not agree with itself
 * would be read from Intl at each call.
 */
const hourOffsets = new Map<number, number>();
const HOUR_OFFSETS_KEPT = 4096;

function hourOffset(hour: number): number | null {
  const kept = hourOffsets.get(hour);
  if (kept !== undefined) return kept;
  const first = hour * HOUR;
  const last = first + HOUR - 1000;
  const offset = wallMs(intlPartsAt(first)) - first;
  if (wallMs(intlPartsAt(last)) - last !== offset) return null;
  if (hourOffsets.size >= HOUR_OFFSETS_KEPT) hourOffsets.clear();
  hourOffsets.set(hour, offset);
  return offset;
}

function partsAt(ms: number): WallClock {
  const offset = hourOffset(Math.floor(ms / HOUR));
  if (offset === null) return intlPartsAt(ms);
  const d = new Date(ms + offset);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
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

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayParts(day: string): [number, number, number] {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`not a day: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The Rome calendar day of an instant, `YYYY-MM-DD`. */
export function romeDayOf(at: Date | string | number): string {
  const w = romeWallClock(at);
  return `${w.year}-${pad2(w.month)}-${pad2(w.day)}`;
}

/** The instant (ISO-8601 UTC) when the wall clock in Rome reads `day` (`YYYY-MM-DD`) at `time` (HH:mm). */
export function romeInstant(day: string, time = '00:00'): string {
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!DAY.test(day) || !t) throw new RangeError(`not a day and time: ${day} ${time}`);
  const [y, m, d] = dayParts(day);
  const asIfUtc = Date.UTC(y, m - 1, d, Number(t[1]), Number(t[2]));
  // The offset at the first guess is right unless a clock change falls in between; a second look
  // settles it.
  const guess = asIfUtc - offsetAt(asIfUtc);
  return new Date(asIfUtc - offsetAt(guess)).toISOString();
}

/** The instant (ISO-8601 UTC) when `day` (`YYYY-MM-DD`) begins in Rome. */
export const romeDayStart = (day: string): string => romeInstant(day);

/** The day `days` after `day` (negative: before); calendar arithmetic, no time zone involved. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = dayParts(day);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The first day of the month `months` after the month of `day`: `monthStart('2026-05-17', -1)` = `2026-04-01`. */
export function monthStart(day: string, months = 0): string {
  const [y, m] = dayParts(day);
  return new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 10);
}
