// Rome's clock and calendar as invoices, reminders and screens use them: the same reading as Intl's
// at every instant (the module keeps Rome's offset per UTC hour instead of asking Intl each time),
// across the clock changes and far from today.
import { expect, it } from 'vitest';
import { romeDayOf, romeInstant, romeWallClock, type WallClock } from '../../../domain/shared/romeCalendar';
import { Random } from '../../../faults/random';

const intl = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function intlReading(ms: number): WallClock {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of intl.formatToParts(new Date(ms))) if (p.type in out) out[p.type as keyof WallClock] = Number(p.value);
  return out;
}

const MINUTE = 60_000;

it('reads as Intl does every minute (and second past it) around both clock changes of 2026', () => {
  for (const from of ['2026-03-28T22:00:00Z', '2026-10-24T22:00:00Z']) {
    const start = Date.parse(from);
    for (let ms = start; ms < start + 6 * 60 * MINUTE; ms += MINUTE + 1000) {
      expect(romeWallClock(ms), new Date(ms).toISOString()).toEqual(intlReading(ms));
    }
  }
  // The hour the clock goes back is read twice in Rome: 02:30 at 00:30 UTC and again at 01:30 UTC.
  expect(romeWallClock('2026-10-25T00:30:00Z')).toMatchObject({ hour: 2, minute: 30 });
  expect(romeWallClock('2026-10-25T01:30:00Z')).toMatchObject({ hour: 2, minute: 30 });
});

it('reads as Intl does at random instants from 1850 to 2100, Rome mean time before 1893 included', () => {
  const random = new Random(20261207);
  const from = Date.parse('1850-01-01T00:00:00Z');
  const to = Date.parse('2100-01-01T00:00:00Z');
  for (let i = 0; i < 5000; i++) {
    const ms = from + Math.floor(random.next() * (to - from));
    expect(romeWallClock(ms), new Date(ms).toISOString()).toEqual(intlReading(ms));
  }
  // Every second of the hour Rome left its mean time (offset 0:49:56) for Central European Time.
  const cet = Date.parse('1893-10-31T23:00:00Z');
  for (let ms = cet - 3_600_000; ms < cet + 3_600_000; ms += 7_000) {
    expect(romeWallClock(ms), new Date(ms).toISOString()).toEqual(intlReading(ms));
  }
});

it('starts a Rome day at 23:00 UTC in winter and 22:00 UTC in summer', () => {
  expect(romeDayOf('2026-12-06T22:59:59Z')).toBe('2026-12-06');
  expect(romeDayOf('2026-12-06T23:00:00Z')).toBe('2026-12-07');
  expect(romeDayOf('2026-07-01T21:59:59Z')).toBe('2026-07-01');
  expect(romeDayOf('2026-07-01T22:00:00Z')).toBe('2026-07-02');
  expect(romeInstant('2026-12-07')).toBe('2026-12-06T23:00:00.000Z');
  expect(romeInstant('2026-07-02', '09:30')).toBe('2026-07-02T07:30:00.000Z');
  // The day of the change to summer time starts at 23:00 UTC; the next at 22:00 UTC.
  expect(romeInstant('2026-03-29')).toBe('2026-03-28T23:00:00.000Z');
  expect(romeInstant('2026-03-30')).toBe('2026-03-29T22:00:00.000Z');
});
