// Read model `coupons`: every coupon with its state (issued, redeemed, cancelled, expired), product,
// what it renews, order, customer, validity, and its redemption (device serial, certificate kind).
//
// The code is a secret that pays for a renewal: the row keeps it (`code`, and `code_key`, the 20
// symbols without dashes, indexed, for the desk's lookup by code), and its hint
// (`****-****-****-****-J8NC`). The read API shows the code only to the roles that hand coupons to
// customers; the others get the hint, and their search never looks at the code.
// Search terms (any role): the hint's last group, the device serial, the product code.
import type { CouponEvent } from '../../domain/coupons/events';
import { couponCodeHint, normaliseCouponCode } from '../../domain/shared/couponCode';
import { sql, type Projection } from '../projection';
import { addTerms, createTermsTable, isoTime, seqOf } from './shared';

export const COUPON_STATES = ['issued', 'redeemed', 'cancelled', 'expired'] as const;

export const couponsProjection: Projection<CouponEvent> = {
  name: 'coupons',
  version: 1,
  tables: ['coupons', 'coupons_terms'],
  handles: ['CouponIssued', 'CouponRedeemed', 'CouponCancelled', 'CouponExpired'],
  setup(db, t) {
    const c = t('coupons');
    db.exec(`CREATE TABLE ${c} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      code TEXT NOT NULL,
      code_key TEXT NOT NULL,
      code_hint TEXT NOT NULL,
      state TEXT NOT NULL,
      product_code TEXT NOT NULL,
      renews TEXT NOT NULL,
      order_id TEXT NOT NULL,
      customer_id TEXT NOT NULL,
      issued_at TEXT NOT NULL,
      valid_until TEXT NOT NULL,
      redeemed_at TEXT,
      device_serial TEXT,
      certificate_kind TEXT,
      cancelled_at TEXT,
      cancel_reason TEXT,
      expired_at TEXT
    )`);
    db.exec(`CREATE UNIQUE INDEX ${c}_by_code ON ${c} (code_key)`);
    db.exec(`CREATE INDEX ${c}_by_issued ON ${c} (issued_at)`);
    db.exec(`CREATE INDEX ${c}_by_state ON ${c} (state, issued_at)`);
    db.exec(`CREATE INDEX ${c}_by_order ON ${c} (order_id, issued_at)`);
    db.exec(`CREATE INDEX ${c}_by_customer ON ${c} (customer_id, issued_at)`);
    db.exec(`CREATE INDEX ${c}_by_product ON ${c} (product_code, issued_at)`);
    db.exec(`CREATE INDEX ${c}_by_valid ON ${c} (valid_until)`);
    db.exec(`CREATE INDEX ${c}_by_redeemed ON ${c} (redeemed_at)`);
    db.exec(`CREATE INDEX ${c}_by_device ON ${c} (device_serial)`);
    createTermsTable(db, t('coupons_terms'));
  },
  apply(db, event, t) {
    const c = t('coupons');
    switch (event.type) {
      case 'CouponIssued': {
        const d = event.data;
        const hint = couponCodeHint(d.code);
        const { lastInsertRowid } = sql(db)`INSERT INTO ${c} (id, code, code_key, code_hint, state, product_code, renews, order_id, customer_id, issued_at, valid_until)
           VALUES (?, ?, ?, ?, 'issued', ?, ?, ?, ?, ?, ?)`.run(
          d.couponId,
          d.code,
          normaliseCouponCode(d.code),
          hint,
          d.productCode,
          d.renews,
          d.orderId,
          d.customerId,
          isoTime(d.issuedAt),
          isoTime(d.validUntil),
        );
        addTerms(db, t('coupons_terms'), lastInsertRowid, hint.slice(-4), d.productCode);
        break;
      }
      case 'CouponRedeemed': {
        const d = event.data;
        sql(db)`UPDATE ${c} SET state = 'redeemed', redeemed_at = ?, device_serial = ?, certificate_kind = ? WHERE id = ?`.run(
          isoTime(d.redeemedAt),
          d.deviceSerial,
          d.certificateKind,
          d.couponId,
        );
        addTerms(db, t('coupons_terms'), seqOf(db, c, d.couponId), d.deviceSerial);
        break;
      }
      case 'CouponCancelled': {
        const d = event.data;
        sql(db)`UPDATE ${c} SET state = 'cancelled', cancelled_at = ?, cancel_reason = ? WHERE id = ?`.run(
          isoTime(d.cancelledAt),
          d.reason,
          d.couponId,
        );
        break;
      }
      case 'CouponExpired': {
        const d = event.data;
        sql(db)`UPDATE ${c} SET state = 'expired', expired_at = ? WHERE id = ?`.run(isoTime(d.expiredAt), d.couponId);
        break;
      }
    }
  },
};
