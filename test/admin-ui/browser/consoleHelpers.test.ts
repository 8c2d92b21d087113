// The console's pure helpers (no browser needed; kept beside the browser tests, which own the
// console's tests): euros typed the Italian way to exact cents, Rome days to API instants, and the
// list filters as the API takes them, and when a command's next send must reuse its Idempotency-Key.
import { describe, expect, it } from 'vitest';
import { outcomeUnknown } from '../../../admin-ui/src/components/useCommand';
import { apiFilter } from '../../../admin-ui/src/dataProvider';
import { addDays, formatDay, monthStart, romeDay, romeDayEnd, romeDayStart, romeInstant } from '../../../admin-ui/src/dates';
import { centsToInput, parseEuro, toCents } from '../../../admin-ui/src/money';

describe('parseEuro', () => {
  it.each([
    ['33,00', 3300],
    ['33', 3300],
    ['33,5', 3350],
    ['0,05', 5],
    ['1.234,56', 123456],
    ['999.999,99', 99999999],
    ['1234,56', 123456],
    ['33.50', 3350],
    [' 31,72 € ', 3172],
    ['€ 10', 1000],
    ['0,10', 10],
    ['1.000', 100000],
    ['0,29', 29],
    ['1.005,57', 100557],
  ])('%s → %s cents', (text, cents) => {
    expect(parseEuro(text)).toEqual({ ok: true, cents });
  });

  it('is exact where floating point is not (0,29 × 100 = 28,999…)', () => {
    for (let c = 0; c < 100_000; c += 7) expect(toCents(centsToInput(c))).toBe(c);
  });

  it.each([
    ['', 'empty'],
    ['abc', 'format'],
    ['1,2,3', 'format'],
    ['12,345', 'decimals'],
    ['-5,00', 'negative'],
    ['1.23.4', 'format'],
    ['12.3456', 'format'],
    ['10000000,01', 'too_large'],
    ['1.234.567,89', 'too_large'],
  ])('refuses %j (%s)', (text, reason) => {
    expect(parseEuro(text)).toEqual({ ok: false, reason });
  });

  it('shows cents for editing', () => {
    expect(centsToInput(3300)).toBe('33,00');
    expect(centsToInput(5)).toBe('0,05');
    expect(centsToInput(123456)).toBe('1234,56');
  });
});

describe('Rome days', () => {
  it('turns a Rome day into its first and last instant, in winter and in summer', () => {
    expect(romeDayStart('2026-01-15')).toBe('2026-01-14T23:00:00.000Z');
    expect(romeDayEnd('2026-01-15')).toBe('2026-01-15T22:59:59.999Z');
    expect(romeDayStart('2026-07-15')).toBe('2026-07-14T22:00:00.000Z');
    expect(romeDayEnd('2026-07-15')).toBe('2026-07-15T21:59:59.999Z');
    // The days the clocks change have 23 and 25 hours.
    expect(romeDayStart('2026-03-29')).toBe('2026-03-28T23:00:00.000Z');
    expect(romeDayEnd('2026-03-29')).toBe('2026-03-29T21:59:59.999Z');
    expect(romeDayStart('2026-10-25')).toBe('2026-10-24T22:00:00.000Z');
    expect(romeDayEnd('2026-10-25')).toBe('2026-10-25T22:59:59.999Z');
    expect(romeInstant('2026-07-01', '12:30')).toBe('2026-07-01T10:30:00.000Z');
  });

  it('knows the Rome day of an instant, and does calendar arithmetic', () => {
    expect(romeDay('2026-12-31T23:30:00Z')).toBe('2027-01-01');
    expect(romeDay('2026-06-30T21:59:00Z')).toBe('2026-06-30');
    expect(romeDay('2026-06-30T22:00:00Z')).toBe('2026-07-01');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(monthStart('2026-05-17')).toBe('2026-05-01');
    expect(monthStart('2026-01-17', -11)).toBe('2025-02-01');
    expect(formatDay('2026-05-01')).toBe('01/05/2026');
  });
});

describe('apiFilter', () => {
  it('sends a Rome day of a time filter as instants, days as they are, and drops empty values', () => {
    expect(apiFilter('orders', { placedAt_gte: '2026-07-01', placedAt_lte: '2026-07-31', status: 'paid', q: '', customerId: undefined })).toEqual({
      placedAt_gte: '2026-06-30T22:00:00.000Z',
      placedAt_lte: '2026-07-31T21:59:59.999Z',
      status: 'paid',
    });
    expect(apiFilter('payments', { receivedOn_gte: '2026-07-01' })).toEqual({ receivedOn_gte: '2026-07-01' });
    expect(apiFilter('audit-events', { at_gte: '2026-01-10T10:00:00Z' })).toEqual({ at_gte: '2026-01-10T10:00:00Z' });
  });
});

describe('sending a command again', () => {
  it('reuses the key while the first send may still take effect, and takes a new one after a refusal', () => {
    expect(outcomeUnknown({ status: undefined, code: undefined })).toBe(true); // no answer: the network
    expect(outcomeUnknown({ status: 503, code: 'unavailable' })).toBe(true);
    // A double send whose first is still running: a new key now could place the order twice.
    expect(outcomeUnknown({ status: 409, code: 'idempotency_key_in_flight' })).toBe(true);
    expect(outcomeUnknown({ status: 422, code: 'balance_insufficient' })).toBe(false);
    expect(outcomeUnknown({ status: 409, code: 'order_already_paid' })).toBe(false);
    expect(outcomeUnknown({ status: 422, code: 'idempotency_key_reused' })).toBe(false);
    expect(outcomeUnknown({ status: 400, code: 'input_invalid' })).toBe(false);
  });
});
