// Calendar days as seen in Rome, whatever the browser's own time zone: "today", the first and last
// instant of a Rome day (for the API's time filters, which take ISO instants), and `YYYY-MM-DD`
// shown as `dd/mm/yyyy`. Instants are shown with formatRomeDate / formatRomeDateTime (format.ts).

const ROME = 'Europe/Rome';
const DAY_MS = 24 * 60 * 60 * 1000;

const romeParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: ROME,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function wallClock(ms: number): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of romeParts.formatToParts(new Date(ms))) {
    if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  }
  return out;
}

/** Rome's offset from UTC at an instant, in milliseconds (+1 h in winter, +2 h in summer). */
function romeOffsetMs(ms: number): number {
  const w = wallClock(ms);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDay(value: unknown): value is string {
  return typeof value === 'string' && DAY.test(value) && !Number.isNaN(Date.parse(value));
}

/** The Rome calendar day of an instant, `YYYY-MM-DD`. */
export function romeDay(at: Date | string | number = new Date()): string {
  const w = wallClock(new Date(at).getTime());
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The instant (ISO, UTC) when the wall clock in Rome reads `day` at `time` (HH:mm). */
export function romeInstant(day: string, time = '00:00'): string {
  const m = DAY.exec(day);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m || !t) throw new RangeError(`not a day and time: ${day} ${time}`);
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(t[1]), Number(t[2]));
  let at = guess - romeOffsetMs(guess);
  const again = guess - romeOffsetMs(at);
  if (again !== at) at = again;
  return new Date(at).toISOString();
}

/** First instant of a Rome day. */
export const romeDayStart = (day: string): string => romeInstant(day, '00:00');

/** Last millisecond of a Rome day. */
export const romeDayEnd = (day: string): string => new Date(Date.parse(romeInstant(addDays(day, 1), '00:00')) - 1).toISOString();

/** `YYYY-MM-DD` plus n days (calendar arithmetic, no time zone involved). */
export function addDays(day: string, n: number): string {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`not a day: ${day}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + n * DAY_MS).toISOString().slice(0, 10);
}

/** First day of the month of `day`, plus n months: `monthStart('2026-05-17', -1)` = `2026-04-01`. */
export function monthStart(day: string, n = 0): string {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`not a day: ${day}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1 + n, 1)).toISOString().slice(0, 10);
}

/** `2026-05-01` → `01/05/2026` (a calendar day: no conversion). */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '';
  const m = DAY.exec(day.slice(0, 10));
  return m ? `${m[3]}/${m[2]}/${m[1]}` : day;
}

/** Whole days from now to an instant (negative once past). */
export function daysUntil(at: string, now = Date.now()): number {
  return Math.floor((Date.parse(at) - now) / DAY_MS);
}
