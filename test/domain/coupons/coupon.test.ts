import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { couponCodeEventShapes, couponEventShapes, type CouponCodeEvent, type CouponEvent } from '../../../domain/coupons/events';
import { claimCouponCode, couponCodeAggregate, couponCodeStreamOf, couponOfCode } from '../../../domain/coupons/codeClaim';
import {
  cancelCoupon,
  couponAggregate,
  couponStatusView,
  covers,
  expireCoupon,
  issueCoupon,
  redeemCoupon,
  streamOf,
} from '../../../domain/coupons/decider';
import { generateCouponCode } from '../../../domain/shared/couponCode';
import { specFor } from '../gwt';

const spec = specFor(couponAggregate, { catalogue: new EventCatalogue<CouponEvent>(couponEventShapes) });
const codes = specFor(couponCodeAggregate, { catalogue: new EventCatalogue<CouponCodeEvent>(couponCodeEventShapes) });

const AT = '2026-03-10T09:00:00.000Z';
const LATER = '2026-04-01T10:00:00.000Z';
const VALID_UNTIL = '2027-03-10T09:00:00.000Z';
let seed = 0;
const CODE = generateCouponCode((n) => Uint8Array.from({ length: n }, () => seed++));
const OTHER_CODE = generateCouponCode((n) => Uint8Array.from({ length: n }, () => seed++));

const issue = {
  couponId: 'k-1',
  code: CODE.toLowerCase().replace(/-/g, ' '),
  orderId: 'o-1',
  customerId: 'c-1',
  productCode: 'RIN-FIRMA',
  renews: 'signing' as const,
  validUntil: VALID_UNTIL,
  at: AT,
};
const issued = (renews: 'signing' | 'authentication' | 'both' = 'signing'): CouponEvent => ({
  type: 'CouponIssued',
  data: { couponId: 'k-1', code: CODE, orderId: 'o-1', customerId: 'c-1', productCode: 'RIN-FIRMA', renews, issuedAt: AT, validUntil: VALID_UNTIL },
});
const redeem = { deviceSerial: '1205100000', certificateKind: 'signing' as const, at: LATER };
const redeemed: CouponEvent = { type: 'CouponRedeemed', data: { couponId: 'k-1', deviceSerial: '1205100000', certificateKind: 'signing', redeemedAt: LATER } };
const cancelled: CouponEvent = { type: 'CouponCancelled', data: { couponId: 'k-1', reason: 'refund', cancelledAt: LATER } };
const expired: CouponEvent = { type: 'CouponExpired', data: { couponId: 'k-1', expiredAt: '2027-03-11T00:00:00.000Z' } };

describe('issuing a coupon', () => {
  it('stream coupon-<id>; the code is stored in its canonical form', () => {
    expect(streamOf('k-1')).toBe('coupon-k-1');
    spec.given([]).when((s) => issueCoupon(issue, s)).then([issued()]);
  });

  it('refuses a mistyped code, a validity not after issue; repeating the issue does nothing, another issue is refused', () => {
    const mistyped = CODE.slice(0, -1) + (CODE.endsWith('0') ? '1' : '0');
    spec.given([]).when((s) => issueCoupon({ ...issue, code: mistyped }, s)).then({ error: 'coupon_code_invalid', kind: 'invalid' });
    spec.given([]).when((s) => issueCoupon({ ...issue, validUntil: AT }, s)).then({ error: 'input_invalid', field: 'validUntil' });
    spec.given([issued()]).when((s) => issueCoupon(issue, s)).thenNothing();
    spec.given([issued()]).when((s) => issueCoupon({ ...issue, code: OTHER_CODE }, s)).then({ error: 'coupon_exists', kind: 'conflict' });
  });
});

describe('redeeming a coupon', () => {
  it('redeems an issued coupon against a certificate of a device', () => {
    spec.given([issued()]).when((s) => redeemCoupon(redeem, s)).then([redeemed]);
  });

  it('at most once', () => {
    spec.given([issued(), redeemed]).when((s) => redeemCoupon(redeem, s)).then({ error: 'coupon_already_redeemed', kind: 'conflict' });
    spec.given([issued(), redeemed]).when((s) => redeemCoupon({ ...redeem, deviceSerial: '9999999999' }, s)).then({ error: 'coupon_already_redeemed' });
  });

  it('never when cancelled or expired, nor past validUntil even before the expiry is recorded', () => {
    spec.given([issued(), cancelled]).when((s) => redeemCoupon(redeem, s)).then({ error: 'coupon_cancelled', kind: 'rule' });
    spec.given([issued(), expired]).when((s) => redeemCoupon(redeem, s)).then({ error: 'coupon_expired', kind: 'rule' });
    spec.given([issued()]).when((s) => redeemCoupon({ ...redeem, at: '2027-03-10T09:00:00.001Z' }, s)).then({ error: 'coupon_expired' });
    expect(spec.given([issued()]).when((s) => redeemCoupon({ ...redeem, at: VALID_UNTIL }, s)).events()).toHaveLength(1);
  });

  it('only for a certificate kind the coupon covers', () => {
    spec.given([issued('signing')]).when((s) => redeemCoupon({ ...redeem, certificateKind: 'authentication' }, s)).then({ error: 'coupon_kind_mismatch', field: 'certificateKind' });
    spec.given([issued('authentication')]).when((s) => redeemCoupon(redeem, s)).then({ error: 'coupon_kind_mismatch' });
    spec.given([issued('signing')]).when((s) => redeemCoupon({ ...redeem, certificateKind: 'both' }, s)).then({ error: 'coupon_kind_mismatch' });
    for (const kind of ['signing', 'authentication', 'both'] as const) {
      expect(spec.given([issued('both')]).when((s) => redeemCoupon({ ...redeem, certificateKind: kind }, s)).events()).toHaveLength(1);
    }
    expect([covers('signing', 'signing'), covers('authentication', 'signing'), covers('both', 'authentication')]).toEqual([true, false, true]);
  });

  it('refuses an unknown coupon', () => {
    spec.given([]).when((s) => redeemCoupon(redeem, s)).then({ error: 'coupon_not_found', kind: 'not_found' });
  });
});

describe('cancelling a coupon', () => {
  const cancel = { reason: 'refund', at: LATER };
  it('only when issued; a second cancel does nothing', () => {
    spec.given([issued()]).when((s) => cancelCoupon(cancel, s)).then([cancelled]);
    spec.given([issued(), cancelled]).when((s) => cancelCoupon(cancel, s)).thenNothing();
    spec.given([issued(), redeemed]).when((s) => cancelCoupon(cancel, s)).then({ error: 'coupon_already_redeemed' });
    spec.given([issued(), expired]).when((s) => cancelCoupon(cancel, s)).then({ error: 'coupon_expired' });
    spec.given([issued()]).when((s) => cancelCoupon({ ...cancel, reason: '' }, s)).then({ error: 'reason_required' });
  });
});

describe('expiring a coupon', () => {
  it('after validUntil only, and only an unused one', () => {
    spec.given([issued()]).when((s) => expireCoupon({ at: VALID_UNTIL }, s)).then({ error: 'coupon_not_expired_yet' });
    spec.given([issued()]).when((s) => expireCoupon({ at: '2027-03-11T00:00:00.000Z' }, s)).then([expired]);
    spec.given([issued(), expired]).when((s) => expireCoupon({ at: '2027-03-12T00:00:00.000Z' }, s)).thenNothing();
    spec.given([issued(), redeemed]).when((s) => expireCoupon({ at: '2027-03-11T00:00:00.000Z' }, s)).then({ error: 'coupon_already_redeemed' });
    spec.given([issued(), cancelled]).when((s) => expireCoupon({ at: '2027-03-11T00:00:00.000Z' }, s)).then({ error: 'coupon_cancelled' });
  });
});

describe('public status check', () => {
  it('shows the state and what it renews, and no personal data', () => {
    const view = couponStatusView(spec.given([issued('both'), { ...redeemed, data: { ...redeemed.data, certificateKind: 'both' } }]).state());
    expect(view).toEqual({ status: 'redeemed', renews: 'both', validUntil: VALID_UNTIL, redeemedAt: LATER });
    const text = JSON.stringify(view);
    for (const personal of ['c-1', 'o-1', '1205100000', CODE]) expect(text).not.toContain(personal);
  });

  it('unknown for no coupon; expired for an issued coupon past validity when a time is given', () => {
    expect(couponStatusView(spec.given([]).state())).toEqual({ status: 'unknown', renews: null, validUntil: null, redeemedAt: null });
    const state = spec.given([issued()]).state();
    expect(couponStatusView(state).status).toBe('issued');
    expect(couponStatusView(state, '2027-03-11T00:00:00.000Z').status).toBe('expired');
    expect(couponStatusView(spec.given([issued(), cancelled]).state()).status).toBe('cancelled');
  });
});

describe('coupon code guard', () => {
  const normalised = CODE.replace(/-/g, '');
  const claimed: CouponCodeEvent = { type: 'CouponCodeClaimed', data: { code: normalised, couponId: 'k-1', claimedAt: AT } };

  it('stream coupon-code-<normalised code>, whatever the typing', () => {
    expect(couponCodeStreamOf(CODE)).toBe(`coupon-code-${normalised}`);
    expect(couponCodeStreamOf(` ${CODE.toLowerCase()} `)).toBe(`coupon-code-${normalised}`);
  });

  it('a free code is claimed for the coupon; the same coupon again does nothing; another coupon is refused', () => {
    codes.given([]).when((s) => claimCouponCode({ code: CODE, couponId: 'k-1', at: AT }, s)).then([claimed]);
    codes.given([claimed]).when((s) => claimCouponCode({ code: CODE, couponId: 'k-1', at: AT }, s)).thenNothing();
    codes.given([claimed]).when((s) => claimCouponCode({ code: CODE, couponId: 'k-2', at: AT }, s)).then({ error: 'coupon_code_taken', kind: 'conflict' });
    codes.given([]).when((s) => claimCouponCode({ code: 'not a code', couponId: 'k-1', at: AT }, s)).then({ error: 'coupon_code_invalid' });
  });

  it('maps a code to its coupon', () => {
    expect(couponOfCode(codes.given([claimed]).state())).toBe('k-1');
    expect(couponOfCode(codes.given([]).state())).toBeNull();
  });
});
