// When the renewal reminders of a certificate are due: at each offset (days) before its deadline,
// the window's close under the issuer's policy (windowOf in ../certificates/renewalWindow.ts).
// Only the latest offset due counts: a reminder missed while the server was down is not sent late
// beside a newer one, and none is sent once the deadline has passed.
import { DAY_MS } from '../shared/utcTime';

/** The guides' reminders: 60, 30, 7 and 1 day before the deadline. */
export const DEFAULT_REMINDER_OFFSETS_DAYS: readonly number[] = [60, 30, 7, 1];

/** The claim stream of one reminder that may ever be sent (domain/reminders/events.ts). */
export const reminderStream = (deviceSerial: string, certificateSerialNumber: string, offsetDays: number): string =>
  `reminder-${deviceSerial}-${certificateSerialNumber}-${offsetDays}`;

/** The instant the reminder `offsetDays` before `deadline` is due, UTC ISO. */
export const reminderDueAt = (deadline: string, offsetDays: number): string => new Date(Date.parse(deadline) - offsetDays * DAY_MS).toISOString();

/**
 * The reminder due at `at` for a certificate whose deadline is `deadline`: the smallest offset whose
 * instant has come, or null before the first one and after the deadline.
 */
export function dueOffset(deadline: string, at: Date | string, offsetsDays: readonly number[]): number | null {
  const t = typeof at === 'string' ? Date.parse(at) : at.getTime();
  const end = Date.parse(deadline);
  if (t > end) return null;
  let due: number | null = null;
  for (const offset of offsetsDays) {
    if (end - offset * DAY_MS <= t && (due === null || offset < due)) due = offset;
  }
  return due;
}

/** Parses `60,30,7,1`: whole days, at least one, no repeats; largest first. Throws a message naming the problem. */
export function parseReminderOffsets(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new Error('at least one offset in days, e.g. 60,30,7,1');
  const offsets = parts.map((p) => {
    if (!/^\d{1,4}$/.test(p)) throw new Error(`'${p}' is not a whole number of days (0 to 9999)`);
    return Number(p);
  });
  if (new Set(offsets).size !== offsets.length) throw new Error('an offset appears twice');
  return offsets.sort((a, b) => b - a);
}
