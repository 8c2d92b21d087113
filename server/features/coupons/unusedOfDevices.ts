// The unused coupons bought for devices: coupons are tied to a device through the guided order they
// were issued from (`orders.device_serial`), since a coupon names its device only once redeemed.
// Read from the read models (coupons joined to orders), which every command answers after.
import type Database from 'better-sqlite3';
import type { UnusedCouponOfDevice } from '../../../domain/orders/unusedCoupons';
import type { CouponRenews } from '../../../domain/orders/events';

interface Row {
  serial: string;
  coupon_id: string;
  code_hint: string;
  product_code: string;
  renews: CouponRenews;
  issued_at: string;
  valid_until: string;
  order_id: string;
}

/** Per serial, the coupons issued from its guided orders that are still usable at `now` (ISO), oldest first. */
export function unusedCouponsOfDevices(db: Database.Database, serials: readonly string[], now: string): Map<string, UnusedCouponOfDevice[]> {
  const result = new Map<string, UnusedCouponOfDevice[]>();
  if (serials.length === 0) return result;
  const rows = db
    .prepare(
      `SELECT o.device_serial AS serial, c.id AS coupon_id, c.code_hint, c.product_code, c.renews, c.issued_at, c.valid_until, c.order_id
       FROM orders o JOIN coupons c ON c.order_id = o.id
       WHERE o.device_serial IN (${serials.map(() => '?').join(', ')}) AND c.state = 'issued' AND c.valid_until > ?
       ORDER BY c.issued_at, c.seq`,
    )
    .all(...serials, now) as Row[];
  for (const r of rows) {
    const list = result.get(r.serial) ?? [];
    list.push({
      couponId: r.coupon_id,
      codeHint: r.code_hint,
      productCode: r.product_code,
      renews: r.renews,
      issuedAt: r.issued_at,
      validUntil: r.valid_until,
      orderId: r.order_id,
    });
    result.set(r.serial, list);
  }
  return result;
}
