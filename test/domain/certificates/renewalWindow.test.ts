import { describe, expect, it } from 'vitest';
import { pastRenewalDeadline, renewableUntil, renewalBounds, renewalStatus } from '../../../domain/certificates/renewalWindow';

const expiry = '2026-12-01T09:00:00.000Z';

describe('the renewal window', () => {
  it('accepts a renewal up to 24 hours after the expiry, and not a millisecond later', () => {
    expect(renewableUntil(expiry)).toBe('2026-12-02T09:00:00.000Z');
    expect(pastRenewalDeadline({ validUntil: expiry }, '2026-12-02T09:00:00.000Z')).toBe(false);
    expect(pastRenewalDeadline({ validUntil: expiry }, '2026-12-02T09:00:00.001Z')).toBe(true);
    expect(renewalStatus({ validUntil: expiry }, '2026-12-02T09:00:00.000Z')).toBe('in_grace');
    expect(renewalStatus({ validUntil: expiry }, '2026-12-02T09:00:00.001Z')).toBe('needs_replacement');
  });

  it('a revoked certificate is past its deadline whatever its expiry', () => {
    expect(pastRenewalDeadline({ validUntil: expiry, status: 'revoked' }, '2026-01-01T00:00:00.000Z')).toBe(true);
    expect(renewalStatus({ validUntil: expiry, status: 'revoked' }, '2026-01-01T00:00:00.000Z')).toBe('needs_replacement');
  });

  it('gives queries the same bounds as the rule: past the deadline before renewableFrom, expiring up to expiringUntil', () => {
    const at = '2026-11-01T12:00:00.000Z';
    const { renewableFrom, expiringUntil } = renewalBounds(at, 30);
    expect(renewableFrom).toBe('2026-10-31T12:00:00.000Z');
    expect(expiringUntil).toBe('2026-12-01T12:00:00.000Z');
    for (const validUntil of ['2026-10-31T11:59:59.999Z', renewableFrom, '2026-11-15T00:00:00.000Z', expiringUntil, '2026-12-01T12:00:00.001Z']) {
      expect(pastRenewalDeadline({ validUntil }, at)).toBe(validUntil < renewableFrom);
      const status = renewalStatus({ validUntil }, at, 30);
      expect(status === 'expiring' || status === 'in_grace').toBe(validUntil >= renewableFrom && validUntil <= expiringUntil);
    }
  });
});
