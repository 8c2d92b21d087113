// A coupon held by one renewal at a time (issue #16): reserved when a renewal starts, released
// when it is abandoned, redeemed when it completes; a CA report may still redeem an unreserved one.
import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { couponEventShapes, type CouponEvent } from '../../../domain/coupons/events';
import { cancelCoupon, couponAggregate, expireCoupon, redeemCoupon, releaseCoupon, reserveCoupon } from '../../../domain/coupons/decider';
import { generateCouponCode } from '../../../domain/shared/couponCode';
import { specFor } from '../gwt';

const spec = specFor(couponAggregate, { catalogue: new EventCatalogue<CouponEvent>(couponEventShapes) });

const AT = '2026-03-10T09:00:00.000Z';
const LATER = '2026-04-01T10:00:00.000Z';
const VALID_UNTIL = '2027-03-10T09:00:00.000Z';
const AFTER_VALIDITY = '2027-03-11T00:00:00.000Z';
let seed = 7;
const CODE = generateCouponCode((n) => Uint8Array.from({ length: n }, () => seed++));
const SERIAL = '1205100000';

const issued = (renews: 'signing' | 'authentication' | 'both' = 'signing'): CouponEvent => ({
  type: 'CouponIssued',
  data: { couponId: 'k-1', code: CODE, orderId: 'o-1', customerId: 'c-1', productCode: 'RIN-FIRMA', renews, issuedAt: AT, validUntil: VALID_UNTIL },
});
const reserve = (renewalId = 'r-1', certificateKind: 'signing' | 'authentication' | 'both' = 'signing') => ({ renewalId, deviceSerial: SERIAL, certificateKind, at: LATER });
const reserved = (renewalId = 'r-1', certificateKind: 'signing' | 'authentication' | 'both' = 'signing'): CouponEvent => ({
  type: 'CouponReserved',
  data: { couponId: 'k-1', renewalId, deviceSerial: SERIAL, certificateKind, reservedAt: LATER },
});
const released = (renewalId = 'r-1'): CouponEvent => ({ type: 'CouponReleased', data: { couponId: 'k-1', renewalId, reason: 'abandoned', releasedAt: LATER } });
const redeemedBy = (renewalId: string | null, at = LATER): CouponEvent => ({
  type: 'CouponRedeemed',
  data: { couponId: 'k-1', deviceSerial: SERIAL, certificateKind: 'signing', ...(renewalId ? { renewalId } : {}), redeemedAt: at },
});

describe('reserving a coupon for a renewal', () => {
  it('holds it for that renewal; the same renewal again changes nothing', () => {
    spec.given([issued()]).when((s) => reserveCoupon(reserve(), s)).then([reserved()]);
    spec.given([issued(), reserved()]).when((s) => reserveCoupon(reserve(), s)).thenNothing();
    expect(spec.given([issued(), reserved()]).state()).toMatchObject({ status: 'issued', reservation: { renewalId: 'r-1', deviceSerial: SERIAL } });
  });

  it('refuses another renewal 409 coupon_reserved, naming neither the renewal, the device nor the customer', () => {
    let message = '';
    try {
      reserveCoupon(reserve('r-2'), spec.given([issued(), reserved('r-1')]).state());
    } catch (error) {
      message = (error as Error).message;
    }
    spec.given([issued(), reserved('r-1')]).when((s) => reserveCoupon(reserve('r-2'), s)).then({ error: 'coupon_reserved', kind: 'conflict' });
    for (const secret of ['r-1', SERIAL, 'c-1', 'o-1']) expect(message).not.toContain(secret);
  });

  it('only a coupon that can pay for it: of the right kind, not expired, cancelled or redeemed', () => {
    spec.given([issued('authentication')]).when((s) => reserveCoupon(reserve(), s)).then({ error: 'coupon_kind_mismatch', field: 'certificateKind' });
    spec.given([issued('signing')]).when((s) => reserveCoupon(reserve('r-1', 'both'), s)).then({ error: 'coupon_kind_mismatch' });
    expect(spec.given([issued('both')]).when((s) => reserveCoupon(reserve('r-1', 'both'), s)).events()).toHaveLength(1);
    spec.given([issued()]).when((s) => reserveCoupon({ ...reserve(), at: AFTER_VALIDITY }, s)).then({ error: 'coupon_expired' });
    spec.given([issued(), { type: 'CouponCancelled', data: { couponId: 'k-1', reason: 'refund', cancelledAt: LATER } }])
      .when((s) => reserveCoupon(reserve(), s))
      .then({ error: 'coupon_cancelled' });
    spec.given([issued(), redeemedBy(null)]).when((s) => reserveCoupon(reserve(), s)).then({ error: 'coupon_already_redeemed', kind: 'conflict' });
    spec.given([]).when((s) => reserveCoupon(reserve(), s)).then({ error: 'coupon_not_found', kind: 'not_found' });
  });

  it('is usable again once released, by another renewal', () => {
    spec.given([issued(), reserved('r-1'), released('r-1')]).when((s) => reserveCoupon(reserve('r-2'), s)).then([reserved('r-2')]);
  });
});

describe('releasing a coupon', () => {
  it('by the renewal holding it; again, or by another renewal, changes nothing', () => {
    const release = (renewalId = 'r-1') => ({ renewalId, reason: 'abandoned', at: LATER });
    spec.given([issued(), reserved()]).when((s) => releaseCoupon(release(), s)).then([released()]);
    spec.given([issued(), reserved(), released()]).when((s) => releaseCoupon(release(), s)).thenNothing();
    spec.given([issued(), reserved('r-1')]).when((s) => releaseCoupon(release('r-2'), s)).thenNothing();
    spec.given([issued(), reserved('r-1'), redeemedBy('r-1')]).when((s) => releaseCoupon(release(), s)).thenNothing();
    spec.given([issued(), reserved()]).when((s) => releaseCoupon({ ...release(), reason: ' ' }, s)).then({ error: 'reason_required' });
  });
});

describe('redeeming a reserved coupon', () => {
  const redeem = (renewalId: string | null) => ({ deviceSerial: SERIAL, certificateKind: 'signing' as const, renewalId, at: LATER });

  it('completes the reservation: only the renewal holding it, once (a retry changes nothing)', () => {
    spec.given([issued(), reserved('r-1')]).when((s) => redeemCoupon(redeem('r-1'), s)).then([redeemedBy('r-1')]);
    spec.given([issued(), reserved('r-1'), redeemedBy('r-1')]).when((s) => redeemCoupon(redeem('r-1'), s)).thenNothing();
    spec.given([issued(), reserved('r-1')]).when((s) => redeemCoupon(redeem('r-2'), s)).then({ error: 'coupon_reserved', kind: 'conflict' });
    spec.given([issued(), reserved('r-1'), redeemedBy('r-1')]).when((s) => redeemCoupon(redeem('r-2'), s)).then({ error: 'coupon_already_redeemed' });
  });

  it('a reservation made in time holds past the coupon validity', () => {
    spec.given([issued(), reserved('r-1')]).when((s) => redeemCoupon({ ...redeem('r-1'), at: AFTER_VALIDITY }, s)).then([redeemedBy('r-1', AFTER_VALIDITY)]);
  });

  it('without a reservation (the CA report), an unreserved coupon is redeemed; a reserved one is refused', () => {
    const report = { deviceSerial: SERIAL, certificateKind: 'signing' as const, reportId: 'rep-1', at: LATER };
    spec.given([issued()]).when((s) => redeemCoupon(report, s)).then([
      { type: 'CouponRedeemed', data: { couponId: 'k-1', deviceSerial: SERIAL, certificateKind: 'signing', reportId: 'rep-1', redeemedAt: LATER } },
    ]);
    spec.given([issued(), reserved('r-1')]).when((s) => redeemCoupon(report, s)).then({ error: 'coupon_reserved', kind: 'conflict' });
    spec.given([issued(), reserved('r-1'), released('r-1')]).when((s) => redeemCoupon(report, s)).events();
  });

  it('a reserved coupon is neither cancelled (refund) nor expired under the renewal', () => {
    spec.given([issued(), reserved()]).when((s) => cancelCoupon({ reason: 'refund', at: LATER }, s)).then({ error: 'coupon_reserved' });
    spec.given([issued(), reserved()]).when((s) => expireCoupon({ at: AFTER_VALIDITY }, s)).then({ error: 'coupon_reserved' });
  });
});
