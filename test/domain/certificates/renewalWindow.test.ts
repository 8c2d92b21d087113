import { describe, expect, it } from 'vitest';
import { GUIDE_POLICY } from '../../../domain/certificates/issuerPolicy';
import { renewable, windowOf, windowState, worstWindowState, type WindowRule } from '../../../domain/certificates/renewalWindow';
import { formatRomeDateTime } from '../../../domain/shared/money';

const expiry = '2026-12-01T09:00:00.000Z';
const guide: WindowRule = GUIDE_POLICY;
const SECOND = 1000;
const HOUR = 3_600_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe('the renewal window under an issuer policy', () => {
  it("the guides' window: opens 90 days before notAfter, closes 24 hours after it", () => {
    expect(windowOf(expiry, guide)).toEqual({ opensAt: '2026-09-02T09:00:00.000Z', closesAt: '2026-12-02T09:00:00.000Z' });
  });

  it('not yet open one second before opensAt; open exactly at opensAt', () => {
    const { opensAt } = windowOf(expiry, guide);
    expect(windowState({ validUntil: expiry }, plus(opensAt, -SECOND), guide)).toBe('not_yet');
    expect(windowState({ validUntil: expiry }, plus(opensAt, -1), guide)).toBe('not_yet');
    expect(windowState({ validUntil: expiry }, opensAt, guide)).toBe('open');
  });

  it('open up to and including notAfter; in grace one millisecond later', () => {
    expect(windowState({ validUntil: expiry }, expiry, guide)).toBe('open');
    expect(windowState({ validUntil: expiry }, plus(expiry, 1), guide)).toBe('in_grace');
  });

  it('exactly graceHours after notAfter is still in grace; one second later it is closed', () => {
    expect(windowState({ validUntil: expiry }, plus(expiry, 24 * HOUR), guide)).toBe('in_grace');
    expect(windowState({ validUntil: expiry }, plus(expiry, 24 * HOUR + SECOND), guide)).toBe('closed');
    expect(windowState({ validUntil: expiry }, plus(expiry, 24 * HOUR + 1), guide)).toBe('closed');
    expect(windowState({ validUntil: expiry }, '2027-06-01T00:00:00.000Z', guide)).toBe('closed');
  });

  it('follows the policy: another issuer with 30 days and 48 hours of grace', () => {
    const rule: WindowRule = { renewalOpensDaysBefore: 30, graceHours: 48 };
    expect(windowOf(expiry, rule)).toEqual({ opensAt: '2026-11-01T09:00:00.000Z', closesAt: '2026-12-03T09:00:00.000Z' });
    expect(windowState({ validUntil: expiry }, '2026-10-15T00:00:00.000Z', rule)).toBe('not_yet');
    expect(windowState({ validUntil: expiry }, '2026-10-15T00:00:00.000Z', guide)).toBe('open');
    expect(windowState({ validUntil: expiry }, plus(expiry, 47 * HOUR), rule)).toBe('in_grace');
    expect(windowState({ validUntil: expiry }, plus(expiry, 47 * HOUR), guide)).toBe('closed');
    // No grace at all: closed one millisecond after notAfter.
    expect(windowState({ validUntil: expiry }, plus(expiry, 1), { renewalOpensDaysBefore: 30, graceHours: 0 })).toBe('closed');
  });

  it('a revoked certificate is closed whatever its expiry', () => {
    expect(windowState({ validUntil: expiry, status: 'revoked' }, '2026-01-01T00:00:00.000Z', guide)).toBe('closed');
    expect(windowState({ validUntil: expiry, status: 'revoked' }, expiry, guide)).toBe('closed');
  });

  it('renewable while open or in grace; a device is as late as its latest certificate', () => {
    expect(['not_yet', 'open', 'in_grace', 'closed'].map((s) => renewable(s as never))).toEqual([false, true, true, false]);
    expect(worstWindowState(['open', 'not_yet'])).toBe('open');
    expect(worstWindowState(['in_grace', 'closed', 'open'])).toBe('closed');
    expect(worstWindowState([])).toBe('not_yet');
  });
});

// Europe/Rome in 2026: summer time starts on 29 March (02:00 CET → 03:00 CEST, 01:00 UTC) and ends
// on 25 October (03:00 CEST → 02:00 CET, 01:00 UTC). The window is counted in elapsed time from the
// UTC notAfter: 24 hours of grace are 24 hours, even when the Rome clock shows 23 or 25 between them.
describe('the window across the Europe/Rome DST changes of 2026', () => {
  it('29 March: a certificate expiring at 00:30 Rome (CET) is renewable until 01:30 Rome (CEST) of the 30th, 24 h later', () => {
    const notAfter = '2026-03-28T23:30:00.000Z';
    expect(formatRomeDateTime(notAfter)).toBe('29/03/2026 00:30');
    const { closesAt } = windowOf(notAfter, guide);
    expect(closesAt).toBe('2026-03-29T23:30:00.000Z');
    expect(formatRomeDateTime(closesAt)).toBe('30/03/2026 01:30');
    expect(windowState({ validUntil: notAfter }, closesAt, guide)).toBe('in_grace');
    expect(windowState({ validUntil: notAfter }, plus(closesAt, SECOND), guide)).toBe('closed');
  });

  it('29 March: a certificate expiring in the skipped hour is shown at the instant, in CEST', () => {
    // 01:30 UTC is 03:30 CEST: 02:30 Rome never happened that night.
    const notAfter = '2026-03-29T01:30:00.000Z';
    expect(formatRomeDateTime(notAfter)).toBe('29/03/2026 03:30');
    expect(formatRomeDateTime(plus(notAfter, -HOUR))).toBe('29/03/2026 01:30');
    const { closesAt, opensAt } = windowOf(notAfter, guide);
    expect(formatRomeDateTime(closesAt)).toBe('30/03/2026 03:30');
    // 90 days before falls in winter time: CET, one hour less on the clock.
    expect(opensAt).toBe('2025-12-29T01:30:00.000Z');
    expect(formatRomeDateTime(opensAt)).toBe('29/12/2025 02:30');
    expect(windowState({ validUntil: notAfter }, opensAt, guide)).toBe('open');
    expect(windowState({ validUntil: notAfter }, plus(opensAt, -SECOND), guide)).toBe('not_yet');
    expect(windowState({ validUntil: notAfter }, closesAt, guide)).toBe('in_grace');
    expect(windowState({ validUntil: notAfter }, plus(closesAt, SECOND), guide)).toBe('closed');
  });

  it('25 October: a certificate expiring at 23:30 Rome (CEST) on the 24th is renewable until 22:30 Rome (CET) on the 25th', () => {
    const notAfter = '2026-10-24T21:30:00.000Z';
    expect(formatRomeDateTime(notAfter)).toBe('24/10/2026 23:30');
    const { closesAt } = windowOf(notAfter, guide);
    expect(closesAt).toBe('2026-10-25T21:30:00.000Z');
    expect(formatRomeDateTime(closesAt)).toBe('25/10/2026 22:30');
    expect(windowState({ validUntil: notAfter }, closesAt, guide)).toBe('in_grace');
    expect(windowState({ validUntil: notAfter }, plus(closesAt, SECOND), guide)).toBe('closed');
  });

  it('25 October: the repeated hour 02:00–03:00 Rome is told apart by the instant', () => {
    const firstTwoThirty = '2026-10-25T00:30:00.000Z'; // 02:30 CEST
    const secondTwoThirty = '2026-10-25T01:30:00.000Z'; // 02:30 CET
    expect(formatRomeDateTime(firstTwoThirty)).toBe('25/10/2026 02:30');
    expect(formatRomeDateTime(secondTwoThirty)).toBe('25/10/2026 02:30');
    // A certificate expiring at the first 02:30: its grace ends at 01:30 CET on the 26th (24 h later).
    const { closesAt } = windowOf(firstTwoThirty, guide);
    expect(formatRomeDateTime(closesAt)).toBe('26/10/2026 01:30');
    expect(windowState({ validUntil: firstTwoThirty }, secondTwoThirty, guide)).toBe('in_grace');
    expect(windowState({ validUntil: firstTwoThirty }, closesAt, guide)).toBe('in_grace');
    expect(windowState({ validUntil: firstTwoThirty }, plus(closesAt, SECOND), guide)).toBe('closed');
    // 90 days before 25 October is in summer time: the same clock hour, 90 × 24 h earlier.
    expect(formatRomeDateTime(windowOf(secondTwoThirty, guide).opensAt)).toBe('27/07/2026 03:30');
  });
});
