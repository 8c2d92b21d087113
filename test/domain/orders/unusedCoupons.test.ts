import { describe, expect, it } from 'vitest';
import { checkUnusedCoupons, couponsCovering, type UnusedCouponOfDevice } from '../../../domain/orders/unusedCoupons';
import { DomainError } from '../../../domain/shared/errors';

const coupon = (renews: UnusedCouponOfDevice['renews'], n = 1): UnusedCouponOfDevice => ({
  couponId: `c${n}`,
  codeHint: `****-****-****-****-000${n}`,
  productCode: 'RIN-FIRMA',
  renews,
  issuedAt: '2026-11-01T10:00:00.000Z',
  validUntil: '2027-11-01T10:00:00.000Z',
  orderId: `o${n}`,
});

describe('unused coupons of a device', () => {
  it("a coupon covers its own kind, and 'both' covers either", () => {
    const all = [coupon('signing', 1), coupon('authentication', 2), coupon('both', 3)];
    expect(couponsCovering(['signing'], all).map((c) => c.couponId)).toEqual(['c1', 'c3']);
    expect(couponsCovering(['authentication'], all).map((c) => c.couponId)).toEqual(['c2', 'c3']);
  });

  it('refuses (conflict, on deviceSerial, with the count) unless confirmed; coupons of another kind do not count', () => {
    let error: unknown;
    try {
      checkUnusedCoupons('1205100000', ['signing', 'authentication'], [coupon('signing')], false);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'device_has_unused_coupons', kind: 'conflict', field: 'deviceSerial', params: { serial: '1205100000', count: 1 } });
    expect(() => checkUnusedCoupons('1205100000', ['signing'], [coupon('signing')], true)).not.toThrow();
    expect(() => checkUnusedCoupons('1205100000', ['authentication'], [coupon('signing')], false)).not.toThrow();
    expect(() => checkUnusedCoupons('1205100000', ['signing'], [], false)).not.toThrow();
  });
});
