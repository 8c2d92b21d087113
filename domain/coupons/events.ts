// Coupons (stream `coupon-<couponId>`): issued when an order is fulfilled, redeemed at most once
// against a certificate of a device, or cancelled (refund) or expired. And the guard stream
// `coupon-code-<normalised code>` that maps a code to its coupon, claimed with 'no_stream', so a
// code is never issued twice and a status check by code is possible.
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';
import { couponRenewals, isoTimeSchema } from '../orders/events';

/** The canonical coupon code, grouped: `K7Q2-9XMD-4HRT-0ZBW-J8NC`. */
const couponCodeSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);

export const couponIssued = eventShape(
  'CouponIssued',
  z.object({
    couponId: z.string().min(1),
    code: couponCodeSchema,
    orderId: z.string().min(1),
    customerId: z.string().min(1),
    productCode: z.string().min(1),
    renews: z.enum(couponRenewals),
    issuedAt: isoTimeSchema,
    /** Not redeemable after this instant. */
    validUntil: isoTimeSchema,
  }),
);

export const couponRedeemed = eventShape(
  'CouponRedeemed',
  z.object({
    couponId: z.string().min(1),
    deviceSerial: z.string().min(1),
    /** What was renewed with it: one certificate, or both with a 'both' coupon. */
    certificateKind: z.enum(couponRenewals),
    /** The renewal that used it, or the CA report that said it was used elsewhere (absent before #16). */
    renewalId: z.string().nullable().optional(),
    reportId: z.string().nullable().optional(),
    redeemedAt: isoTimeSchema,
  }),
);

/** Held by one renewal while it runs, so two desks cannot use the same coupon together. */
export const couponReserved = eventShape(
  'CouponReserved',
  z.object({
    couponId: z.string().min(1),
    renewalId: z.string().min(1),
    deviceSerial: z.string().min(1),
    certificateKind: z.enum(couponRenewals),
    reservedAt: isoTimeSchema,
  }),
);

/** Given back when the renewal holding it is abandoned: usable again. */
export const couponReleased = eventShape(
  'CouponReleased',
  z.object({
    couponId: z.string().min(1),
    renewalId: z.string().min(1),
    reason: z.string().min(1),
    releasedAt: isoTimeSchema,
  }),
);

export const couponCancelled = eventShape(
  'CouponCancelled',
  z.object({
    couponId: z.string().min(1),
    reason: z.string().min(1),
    cancelledAt: isoTimeSchema,
  }),
);

export const couponExpired = eventShape(
  'CouponExpired',
  z.object({
    couponId: z.string().min(1),
    expiredAt: isoTimeSchema,
  }),
);

export const couponEventShapes = [couponIssued, couponRedeemed, couponCancelled, couponExpired, couponReserved, couponReleased];

export type CouponEvent =
  | EventOf<typeof couponIssued>
  | EventOf<typeof couponRedeemed>
  | EventOf<typeof couponCancelled>
  | EventOf<typeof couponExpired>
  | EventOf<typeof couponReserved>
  | EventOf<typeof couponReleased>;

export const couponCodeClaimed = eventShape(
  'CouponCodeClaimed',
  z.object({
    /** Normalised: the 20 symbols without dashes. */
    code: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{20}$/),
    couponId: z.string().min(1),
    claimedAt: isoTimeSchema,
  }),
);

export const couponCodeEventShapes = [couponCodeClaimed];
export type CouponCodeEvent = EventOf<typeof couponCodeClaimed>;
