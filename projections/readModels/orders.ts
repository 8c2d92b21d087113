// Read model `orders`: one row per order with its status, customer (name denormalised from a table of
// its own, `order_customers`, fed by CustomerRegistered), payment mode and method, RF reference,
// totals, amount paid and amount due, placement/payment/fulfilment times, invoice number, and its
// lines and VAT summary as JSON for the show page. Amounts are cents.
//
// Status: awaiting_payment → paid (prepaid at once, or when payments reach the total) → fulfilled;
// awaiting_payment → cancelled | expired; fulfilled → partially_refunded → refunded (every coupon
// of the order refunded).
//
// The indexes serve the console's lists: by placement time, by status (and payment mode, or each
// sorted column), by customer, by amounts, by customer name, by RF reference and invoice number.
import { formatDocumentNumber } from '../../domain/shared/documentNumber';
import type Database from 'better-sqlite3';
import type { CustomerAreaEvent } from '../../domain/customers/events';
import type { OrderEvent } from '../../domain/orders/events';
import { sql, type Projection } from '../projection';
import { addTerms, createTermsTable, isoTime, normaliseText, seqOf } from './shared';

type Handled = OrderEvent | CustomerAreaEvent;

export const ORDER_STATUSES = [
  'awaiting_payment',
  'paid',
  'fulfilled',
  'cancelled',
  'expired',
  'partially_refunded',
  'refunded',
] as const;

/** The orders' search terms, each with its order's status (also used by the read-API benchmark and tests). */
export function createOrdersTermsTable(db: Database.Database, orders: string, terms: string): void {
  createTermsTable(db, terms, { rows: orders, columns: ['status'] });
}

/** The orders table and its indexes (also used by the read-API benchmark to fill it directly). */
export function createOrdersTable(db: Database.Database, o: string): void {
  db.exec(`CREATE TABLE ${o} (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL,
    customer_name TEXT,
    customer_sort TEXT,
    status TEXT NOT NULL,
    choice TEXT NOT NULL,
    holder_codice_fiscale TEXT,
    device_serial TEXT,
    payment_mode TEXT NOT NULL,
    payment_method TEXT NOT NULL,
    rf_reference TEXT,
    payment_expires_at TEXT,
    codes_email TEXT NOT NULL,
    line_count INTEGER NOT NULL,
    coupon_count INTEGER NOT NULL,
    lines TEXT NOT NULL,
    vat_summary TEXT NOT NULL,
    taxable_cents INTEGER NOT NULL,
    vat_cents INTEGER NOT NULL,
    total_cents INTEGER NOT NULL,
    amount_paid_cents INTEGER NOT NULL DEFAULT 0,
    amount_due_cents INTEGER NOT NULL,
    surplus_cents INTEGER NOT NULL DEFAULT 0,
    refunded_cents INTEGER NOT NULL DEFAULT 0,
    refunded_coupons INTEGER NOT NULL DEFAULT 0,
    placed_at TEXT NOT NULL,
    paid_at TEXT,
    fulfilled_at TEXT,
    cancelled_at TEXT,
    cancel_reason TEXT,
    expired_at TEXT,
    invoice_id TEXT,
    invoice_year INTEGER,
    invoice_number INTEGER,
    invoice_display_number TEXT
  )`);
  db.exec(`CREATE INDEX ${o}_by_placed ON ${o} (placed_at)`);
  db.exec(`CREATE INDEX ${o}_by_status ON ${o} (status, placed_at)`);
  db.exec(`CREATE INDEX ${o}_by_status_mode ON ${o} (status, payment_mode, placed_at)`);
  // A status with each other column the console sorts by: the page read in order from the index,
  // never every order of that status sorted to show 25 (test/server/read/queryPlans.test.ts).
  db.exec(`CREATE INDEX ${o}_by_status_customer_name ON ${o} (status, customer_sort)`);
  db.exec(`CREATE INDEX ${o}_by_status_total ON ${o} (status, total_cents)`);
  db.exec(`CREATE INDEX ${o}_by_status_due ON ${o} (status, amount_due_cents)`);
  db.exec(`CREATE INDEX ${o}_by_status_invoice ON ${o} (status, invoice_year, invoice_number)`);
  db.exec(`CREATE INDEX ${o}_by_mode ON ${o} (payment_mode, placed_at)`);
  db.exec(`CREATE INDEX ${o}_by_method ON ${o} (payment_method, placed_at)`);
  db.exec(`CREATE INDEX ${o}_by_customer ON ${o} (customer_id, placed_at)`);
  db.exec(`CREATE INDEX ${o}_by_customer_name ON ${o} (customer_sort)`);
  db.exec(`CREATE INDEX ${o}_by_total ON ${o} (total_cents)`);
  db.exec(`CREATE INDEX ${o}_by_due ON ${o} (amount_due_cents)`);
  db.exec(`CREATE INDEX ${o}_by_paid ON ${o} (paid_at)`);
  db.exec(`CREATE INDEX ${o}_by_rf ON ${o} (rf_reference)`);
  db.exec(`CREATE INDEX ${o}_by_invoice ON ${o} (invoice_year, invoice_number)`);
  db.exec(`CREATE INDEX ${o}_by_device ON ${o} (device_serial)`);
  db.exec(`CREATE INDEX ${o}_by_holder ON ${o} (holder_codice_fiscale)`);
}

export const ordersProjection: Projection<Handled> = {
  name: 'orders',
  // 2: the lines and VAT summary (JSON) name their amounts …Cents.
  // 3: indexes by status and each sorted column.
  // 4: the search terms carry their order's status (q + status from the terms alone).
  version: 4,
  tables: ['orders', 'orders_terms', 'order_customers'],
  handles: [
    'CustomerRegistered',
    'OrderPlaced',
    'OrderPaymentReceived',
    'OrderPaid',
    'OrderCancelled',
    'OrderExpired',
    'OrderFulfilled',
    'OrderCouponsRefunded',
  ],
  setup(db, t) {
    createOrdersTable(db, t('orders'));
    createOrdersTermsTable(db, t('orders'), t('orders_terms'));
    db.exec(`CREATE TABLE ${t('order_customers')} (id TEXT PRIMARY KEY, name TEXT NOT NULL, sort_name TEXT NOT NULL) WITHOUT ROWID`);
  },
  apply(db, event, t) {
    const o = t('orders');
    switch (event.type) {
      case 'CustomerRegistered': {
        const d = event.data;
        const name = d.kind === 'person' ? `${d.name} ${d.surname}` : d.name;
        const sortName = normaliseText(d.kind === 'person' ? `${d.surname} ${d.name}` : d.name);
        sql(db)`INSERT OR REPLACE INTO ${t('order_customers')} (id, name, sort_name) VALUES (?, ?, ?)`.run(d.customerId, name, sortName);
        break;
      }
      case 'OrderPlaced': {
        const d = event.data;
        const customer = sql(db)<[string], { name: string; sort_name: string }>`SELECT name, sort_name FROM ${t('order_customers')} WHERE id = ?`.get(d.customerId);
        const direct = d.payment.mode === 'direct' ? d.payment : null;
        const couponCount = d.lines.reduce((n, l) => n + (l.renews === 'none' ? 0 : l.quantity), 0);
        const { lastInsertRowid } = sql(db)`INSERT INTO ${o} (id, customer_id, customer_name, customer_sort, status, choice, holder_codice_fiscale, device_serial,
             payment_mode, payment_method, rf_reference, payment_expires_at, codes_email, line_count, coupon_count, lines,
             vat_summary, taxable_cents, vat_cents, total_cents, amount_due_cents, placed_at)
           VALUES (?, ?, ?, ?, 'awaiting_payment', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`.run(
          d.orderId,
          d.customerId,
          customer?.name ?? null,
          customer?.sort_name ?? null,
          d.choice,
          d.holderCodiceFiscale,
          d.deviceSerial,
          d.payment.mode,
          direct ? direct.method : 'prepaid',
          direct ? direct.rfReference : null,
          direct ? isoTime(direct.expiresAt) : null,
          d.codesEmail,
          d.lines.length,
          couponCount,
          JSON.stringify(d.lines),
          JSON.stringify(d.vatSummary),
          d.totals.taxableCents,
          d.totals.vatCents,
          d.totals.totalCents,
          d.totals.totalCents,
          isoTime(d.placedAt),
        );
        addTerms(db, t('orders_terms'), lastInsertRowid, customer?.name, direct?.rfReference, d.holderCodiceFiscale, d.deviceSerial);
        break;
      }
      case 'OrderPaymentReceived': {
        const d = event.data;
        sql(db)`UPDATE ${o} SET amount_paid_cents = amount_paid_cents + ?, surplus_cents = surplus_cents + ?,
             amount_due_cents = CASE WHEN status = 'awaiting_payment' THEN ? ELSE 0 END WHERE id = ?`.run(d.appliedCents, d.surplusCents, d.amountDueCents, d.orderId);
        break;
      }
      case 'OrderPaid': {
        const d = event.data;
        sql(db)`UPDATE ${o} SET status = 'paid', paid_at = ?, amount_due_cents = 0,
             amount_paid_cents = CASE WHEN ? = 'prepaid' THEN ? ELSE amount_paid_cents END WHERE id = ?`.run(isoTime(d.paidAt), d.via, d.amountCents, d.orderId);
        break;
      }
      case 'OrderCancelled': {
        const d = event.data;
        sql(db)`UPDATE ${o} SET status = 'cancelled', cancelled_at = ?, cancel_reason = ?, amount_due_cents = 0 WHERE id = ?`.run(
          isoTime(d.cancelledAt),
          d.reason,
          d.orderId,
        );
        break;
      }
      case 'OrderExpired': {
        const d = event.data;
        sql(db)`UPDATE ${o} SET status = 'expired', expired_at = ?, amount_due_cents = 0 WHERE id = ?`.run(isoTime(d.expiredAt), d.orderId);
        break;
      }
      case 'OrderFulfilled': {
        const d = event.data;
        const display = formatDocumentNumber(d.invoiceNumber, d.invoiceYear);
        sql(db)`UPDATE ${o} SET status = 'fulfilled', fulfilled_at = ?, invoice_id = ?, invoice_year = ?, invoice_number = ?,
             invoice_display_number = ? WHERE id = ?`.run(isoTime(d.fulfilledAt), d.invoiceId, d.invoiceYear, d.invoiceNumber, display, d.orderId);
        addTerms(db, t('orders_terms'), seqOf(db, o, d.orderId), display);
        break;
      }
      case 'OrderCouponsRefunded': {
        const d = event.data;
        sql(db)`UPDATE ${o} SET refunded_cents = refunded_cents + ?, refunded_coupons = refunded_coupons + ?,
             status = CASE WHEN refunded_coupons + ? >= coupon_count THEN 'refunded' ELSE 'partially_refunded' END
           WHERE id = ?`.run(d.amountCents, d.couponIds.length, d.couponIds.length, d.orderId);
        break;
      }
    }
  },
};
