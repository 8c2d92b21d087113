// When a renewal reminder is due: the smallest offset whose day has come, up to the deadline itself.
import { describe, expect, it } from 'vitest';
import { DEFAULT_REMINDER_OFFSETS_DAYS, dueOffset, parseReminderOffsets, reminderDueAt, reminderStream } from '../../../domain/reminders/schedule';
import { windowOf } from '../../../domain/certificates/renewalWindow';
import { GUIDE_POLICY } from '../../../domain/certificates/issuerPolicy';

const DAY = 86_400_000;
// notAfter at 23:59:59 Rome time on 30 March 2027 (just after the clocks went forward).
const deadline = windowOf('2027-03-30T21:59:59.000Z', GUIDE_POLICY).closesAt;
const at = (ms: number) => new Date(Date.parse(deadline) + ms);

describe('dueOffset', () => {
  it('is the latest offset whose instant has come, to the millisecond, and none after the deadline', () => {
    expect(deadline).toBe('2027-03-31T21:59:59.000Z');
    const offsets = DEFAULT_REMINDER_OFFSETS_DAYS;
    expect(dueOffset(deadline, at(-60 * DAY - 1), offsets)).toBeNull();
    expect(dueOffset(deadline, at(-60 * DAY), offsets)).toBe(60);
    expect(dueOffset(deadline, at(-30 * DAY - 1), offsets)).toBe(60);
    expect(dueOffset(deadline, at(-30 * DAY), offsets)).toBe(30);
    expect(dueOffset(deadline, at(-5 * DAY), offsets)).toBe(7); // missed 30 and 60 meanwhile: only 7
    expect(dueOffset(deadline, at(-DAY), offsets)).toBe(1);
    expect(dueOffset(deadline, at(0), offsets)).toBe(1); // the deadline itself is still in time
    expect(dueOffset(deadline, at(1), offsets)).toBeNull();
    expect(reminderDueAt(deadline, 7)).toBe('2027-03-24T21:59:59.000Z');
  });

  it('names the claim stream by device, certificate and offset', () => {
    expect(reminderStream('1205100000', 'AB12', 30)).toBe('reminder-1205100000-AB12-30');
  });

  it('reads REMINDER_OFFSETS_DAYS: whole days, largest first, no repeats', () => {
    expect(parseReminderOffsets(' 1,60, 7 ,30')).toEqual([60, 30, 7, 1]);
    expect(() => parseReminderOffsets('')).toThrow(/at least one offset/);
    expect(() => parseReminderOffsets('7,x')).toThrow(/'x' is not a whole number of days/);
    expect(() => parseReminderOffsets('7,7')).toThrow(/appears twice/);
  });
});
