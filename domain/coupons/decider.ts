// The coupon aggregate (stream `coupon-<couponId>`). A coupon pays for one renewal of what it
// renews; it is redeemed at most once; a cancelled or expired coupon is never redeemable.
import type { CouponEvent } from './events';
import type { CouponRenews } from '../orders/events';
import { couponRenewals } from '../orders/events';
import { DomainError, conflict, invalid, refuse } from '../shared/errors';
import { checkCouponCode } from '../shared/couponCode';
import { isUtcDateTime } from '../shared/utcTime';

export const streamOf = (couponId: string): string => `coupon-${couponId}`;

export type CouponStatus = 'issued' | 'redeemed' | 'cancelled' | 'expired';

export interface IssuedCoupon {
  status: CouponStatus;
  couponId: string;
  code: string;
  orderId: string;
  customerId: string;
  productCode: string;
  renews: CouponRenews;
  issuedAt: string;
  validUntil: string;
  redemption: {
    deviceSerial: string;
    certificateKind: CouponRenews;
    redeemedAt: string;
    /** The renewal that used it, or the CA report that said it was used elsewhere (null before #16). */
    renewalId?: string | null;
    reportId?: string | null;
  } | null;
  /** The renewal holding it while it runs (an issued coupon only). */
  reservation: { renewalId: string; deviceSerial: string; certificateKind: CouponRenews; reservedAt: string } | null;
  cancellation: { reason: string; cancelledAt: string } | null;
  expiredAt: string | null;
}

export type CouponState = { status: 'none' } | IssuedCoupon;

export const initialState = (): CouponState => ({ status: 'none' });

export function evolve(state: CouponState, event: CouponEvent): CouponState {
  switch (event.type) {
    case 'CouponIssued':
      return { status: 'issued', ...event.data, redemption: null, reservation: null, cancellation: null, expiredAt: null };
    case 'CouponRedeemed': {
      if (state.status === 'none') return state;
      const { deviceSerial, certificateKind, redeemedAt } = event.data;
      const redemption = { deviceSerial, certificateKind, redeemedAt, renewalId: event.data.renewalId ?? null, reportId: event.data.reportId ?? null };
      return { ...state, status: 'redeemed', redemption, reservation: null };
    }
    case 'CouponReserved': {
      if (state.status === 'none') return state;
      const { renewalId, deviceSerial, certificateKind, reservedAt } = event.data;
      return { ...state, reservation: { renewalId, deviceSerial, certificateKind, reservedAt } };
    }
    case 'CouponReleased':
      if (state.status === 'none') return state;
      return { ...state, reservation: null };
    case 'CouponCancelled':
      if (state.status === 'none') return state;
      return { ...state, status: 'cancelled', cancellation: { reason: event.data.reason, cancelledAt: event.data.cancelledAt } };
    case 'CouponExpired':
      if (state.status === 'none') return state;
      return { ...state, status: 'expired', expiredAt: event.data.expiredAt };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

export const couponAggregate = { initialState, evolve };

function timeOf(field: string, iso: string): number {
  const ms = isUtcDateTime(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(field, 'must be an ISO-8601 UTC date-time');
  return ms;
}

function requireIssued(state: CouponState): IssuedCoupon {
  if (state.status === 'none') throw new DomainError('coupon_not_found', 'coupon not found', 'not_found');
  return state;
}

/** Whether a coupon renewing `renews` pays for renewing `kind` ('both' covers either and both). */
export function covers(renews: CouponRenews, kind: CouponRenews): boolean {
  return renews === 'both' || renews === kind;
}

export interface IssueCoupon {
  couponId: string;
  /** A new code (generateCouponCode), already claimed on its guard stream. */
  code: string;
  orderId: string;
  customerId: string;
  productCode: string;
  renews: CouponRenews;
  validUntil: string;
  at: string;
}

export function issueCoupon(command: IssueCoupon, state: CouponState): CouponEvent[] {
  const code = checkCouponCode(command.code);
  if (!code.ok) throw invalid('code', code.message, 'coupon_code_invalid');
  if (state.status !== 'none') {
    if (state.orderId === command.orderId && state.code === code.value) return [];
    throw conflict('coupon_exists', `coupon ${command.couponId} already exists`);
  }
  if (!(couponRenewals as readonly string[]).includes(command.renews)) throw invalid('renews', 'unknown kind');
  if (timeOf('validUntil', command.validUntil) <= timeOf('at', command.at)) {
    throw invalid('validUntil', 'must be after the issue time');
  }
  return [
    {
      type: 'CouponIssued',
      data: {
        couponId: command.couponId,
        code: code.value,
        orderId: command.orderId,
        customerId: command.customerId,
        productCode: command.productCode,
        renews: command.renews,
        issuedAt: command.at,
        validUntil: command.validUntil,
      },
    },
  ];
}

/** Refuses a coupon that cannot pay for `kind` now: used, cancelled, expired, or of another kind. */
function requireUsable(coupon: IssuedCoupon, kind: CouponRenews, now: number | null): void {
  switch (coupon.status) {
    case 'redeemed':
      throw conflict('coupon_already_redeemed', 'the coupon has already been used');
    case 'cancelled':
      throw refuse('coupon_cancelled', 'the coupon has been cancelled');
    case 'expired':
      throw refuse('coupon_expired', 'the coupon has expired');
    case 'issued':
      break;
  }
  if (now !== null && now > Date.parse(coupon.validUntil)) throw refuse('coupon_expired', 'the coupon has expired');
  if (!covers(coupon.renews, kind)) {
    throw refuse(
      'coupon_kind_mismatch',
      `the coupon renews the ${coupon.renews === 'both' ? 'two certificates' : `${coupon.renews} certificate`}, not ${kind === 'both' ? 'both' : `the ${kind} one`}`,
      'certificateKind',
    );
  }
}

/** Held by another renewal: says so without naming it, its device or its customer. */
const reservedElsewhere = () => conflict('coupon_reserved', 'the coupon is being used by another renewal in progress');

export interface RedeemCoupon {
  deviceSerial: string;
  certificateKind: CouponRenews;
  /** The renewal using it: required to redeem a coupon that renewal reserved. */
  renewalId?: string | null;
  /** The CA report that says it was used elsewhere. */
  reportId?: string | null;
  at: string;
}

/**
 * Redeems the coupon. A coupon reserved by a renewal is redeemed only by that renewal (completing
 * its reservation: redeeming it again for the same renewal changes nothing); an unreserved coupon
 * may be redeemed by a renewal or a CA report; a coupon reserved by a renewal is refused to anyone
 * else (409 coupon_reserved).
 */
export function redeemCoupon(command: RedeemCoupon, state: CouponState): CouponEvent[] {
  const coupon = requireIssued(state);
  const now = timeOf('at', command.at);
  if (command.deviceSerial.trim() === '') throw invalid('deviceSerial', 'is required');
  const renewalId = command.renewalId ?? null;
  if (coupon.status === 'redeemed' && renewalId !== null && coupon.redemption?.renewalId === renewalId) return [];
  // The CA's report sent again (a retry after a crash) finds its own redemption: nothing to do.
  if (coupon.status === 'redeemed' && command.reportId && coupon.redemption?.reportId === command.reportId) return [];
  const held = coupon.status === 'issued' && coupon.reservation !== null;
  if (held && coupon.reservation!.renewalId !== renewalId) throw reservedElsewhere();
  // A reservation made in time holds: the renewal that started with a valid coupon completes with it.
  requireUsable(coupon, command.certificateKind, held ? null : now);
  return [
    {
      type: 'CouponRedeemed',
      data: {
        couponId: coupon.couponId,
        deviceSerial: command.deviceSerial,
        certificateKind: command.certificateKind,
        ...(renewalId !== null ? { renewalId } : {}),
        ...(command.reportId ? { reportId: command.reportId } : {}),
        redeemedAt: command.at,
      },
    },
  ];
}

export interface ReserveCoupon {
  renewalId: string;
  deviceSerial: string;
  /** What it pays for in this renewal: one certificate, or both with a 'both' coupon. */
  certificateKind: CouponRenews;
  at: string;
}

/**
 * Holds the coupon for one renewal while it runs, so that no other renewal (another desk, the
 * kiosk) can use it. The same renewal again changes nothing; another renewal is refused 409
 * coupon_reserved; a coupon used, cancelled, expired or of another kind is refused.
 */
export function reserveCoupon(command: ReserveCoupon, state: CouponState): CouponEvent[] {
  const coupon = requireIssued(state);
  const now = timeOf('at', command.at);
  if (command.renewalId.trim() === '') throw invalid('renewalId', 'is required');
  if (command.deviceSerial.trim() === '') throw invalid('deviceSerial', 'is required');
  if (coupon.status === 'redeemed' && coupon.redemption?.renewalId === command.renewalId) return [];
  if (coupon.status === 'issued' && coupon.reservation !== null) {
    if (coupon.reservation.renewalId !== command.renewalId) throw reservedElsewhere();
    if (coupon.reservation.deviceSerial === command.deviceSerial && coupon.reservation.certificateKind === command.certificateKind) return [];
    throw conflict('coupon_reservation_changed', 'the coupon is already reserved by this renewal for another certificate');
  }
  requireUsable(coupon, command.certificateKind, now);
  return [
    {
      type: 'CouponReserved',
      data: { couponId: coupon.couponId, renewalId: command.renewalId, deviceSerial: command.deviceSerial, certificateKind: command.certificateKind, reservedAt: command.at },
    },
  ];
}

export interface ReleaseCoupon {
  renewalId: string;
  reason: string;
  at: string;
}

/**
 * Gives the coupon back when the renewal holding it is abandoned (or could not start). Only the
 * holder's reservation is released: a coupon this renewal does not hold (released already, never
 * reserved, redeemed, or held by another renewal since) is left as it is.
 */
export function releaseCoupon(command: ReleaseCoupon, state: CouponState): CouponEvent[] {
  const coupon = requireIssued(state);
  timeOf('at', command.at);
  const reason = command.reason.trim();
  if (reason === '') throw invalid('reason', 'say why the coupon is released', 'reason_required');
  if (coupon.status !== 'issued' || coupon.reservation?.renewalId !== command.renewalId) return [];
  return [{ type: 'CouponReleased', data: { couponId: coupon.couponId, renewalId: command.renewalId, reason, releasedAt: command.at } }];
}

export interface CancelCoupon {
  reason: string;
  at: string;
}

/** Only an unused coupon can be cancelled (for a refund); cancelling it again does nothing. */
export function cancelCoupon(command: CancelCoupon, state: CouponState): CouponEvent[] {
  const coupon = requireIssued(state);
  timeOf('at', command.at);
  const reason = command.reason.trim();
  if (reason === '') throw invalid('reason', 'say why the coupon is cancelled', 'reason_required');
  switch (coupon.status) {
    case 'cancelled':
      return [];
    case 'redeemed':
      throw refuse('coupon_already_redeemed', 'a redeemed coupon cannot be cancelled');
    case 'expired':
      throw refuse('coupon_expired', 'an expired coupon cannot be cancelled');
    case 'issued':
      if (coupon.reservation !== null) throw reservedElsewhere();
      return [{ type: 'CouponCancelled', data: { couponId: coupon.couponId, reason, cancelledAt: command.at } }];
  }
}

export interface ExpireCoupon {
  at: string;
}

/** An unused coupon expires after its validUntil; expiring it again does nothing. */
export function expireCoupon(command: ExpireCoupon, state: CouponState): CouponEvent[] {
  const coupon = requireIssued(state);
  const now = timeOf('at', command.at);
  switch (coupon.status) {
    case 'expired':
      return [];
    case 'redeemed':
      throw refuse('coupon_already_redeemed', 'a redeemed coupon does not expire');
    case 'cancelled':
      throw refuse('coupon_cancelled', 'a cancelled coupon does not expire');
    case 'issued':
      if (now <= Date.parse(coupon.validUntil)) throw refuse('coupon_not_expired_yet', `the coupon is valid until ${coupon.validUntil}`);
      if (coupon.reservation !== null) throw reservedElsewhere();
      return [{ type: 'CouponExpired', data: { couponId: coupon.couponId, expiredAt: command.at } }];
  }
}

/** The public status check ("Verifica Stato Coupon"): no personal data (no customer, order or device). */
export interface CouponStatusView {
  status: CouponStatus | 'unknown';
  renews: CouponRenews | null;
  validUntil: string | null;
  /** When it was used, if it was. */
  redeemedAt: string | null;
}

/**
 * What anyone holding the code may see. With `at`, an issued coupon past its validUntil shows as
 * expired even before the expiry has been recorded.
 */
export function couponStatusView(state: CouponState, at?: string): CouponStatusView {
  if (state.status === 'none') return { status: 'unknown', renews: null, validUntil: null, redeemedAt: null };
  const lapsed = state.status === 'issued' && at !== undefined && Date.parse(at) > Date.parse(state.validUntil);
  return {
    status: lapsed ? 'expired' : state.status,
    renews: state.renews,
    validUntil: state.validUntil,
    redeemedAt: state.redemption?.redeemedAt ?? null,
  };
}
