// The same device sold twice: a guided order buys coupons for a device's certificates; when coupons
// bought earlier for that device are still unused (issued, not redeemed, not expired or cancelled),
// a second sale is usually a mistake at the desk (the customer already has the codes). It is not
// forbidden — a code may be lost, or given to someone else — but it must be a decision: the desk
// confirms it explicitly, after seeing those coupons.
import { DomainError } from '../shared/errors';
import type { CouponRenews } from './events';

/** A coupon issued from an earlier guided order for the device, not redeemed, not expired or cancelled. */
export interface UnusedCouponOfDevice {
  couponId: string;
  /** The code as the console shows it to everyone: `****-****-****-****-J8NC`. */
  codeHint: string;
  productCode: string;
  renews: CouponRenews;
  issuedAt: string;
  validUntil: string;
  /** The order it came from. */
  orderId: string;
}

/** The coupons among `coupons` that would renew a certificate of one of `kinds` ('both' renews either). */
export function couponsCovering<C extends { renews: CouponRenews }>(kinds: readonly ('signing' | 'authentication')[], coupons: readonly C[]): C[] {
  return coupons.filter((c) => c.renews === 'both' || (kinds as readonly string[]).includes(c.renews));
}

/**
 * Refuses (409 `device_has_unused_coupons`) a guided sale for certificates the device already has
 * unused coupons for, unless the desk confirmed it after seeing them.
 */
export function checkUnusedCoupons(
  deviceSerial: string,
  kinds: readonly ('signing' | 'authentication')[],
  coupons: readonly UnusedCouponOfDevice[],
  confirmed: boolean,
): void {
  if (confirmed) return;
  const covering = couponsCovering(kinds, coupons);
  if (covering.length === 0) return;
  throw new DomainError(
    'device_has_unused_coupons',
    `device ${deviceSerial} already has ${covering.length} unused coupon(s) for these certificates ` +
      `(${covering.map((c) => `${c.codeHint} from order ${c.orderId}`).join(', ')}): confirm with confirmUnusedCoupons: true to sell more`,
    'conflict',
    'deviceSerial',
    { serial: deviceSerial, count: covering.length },
  );
}
