// Each read model fed by the real projections from the events of a small business (fixtures.ts),
// read back through the views the read API queries.
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIDDEN } from '../../../projections/readModels/auditEvents';
import { couponCodeHint } from '../../../domain/shared/couponCode';
import { addUser, type TestApp } from '../security/support';
import { FIRM_PIVA, LAURA_CF, MARIO_CF, seedAll, startReadApp, type SeededBusiness } from './fixtures';

let t: TestApp;
let db: Database.Database;
let s: SeededBusiness;
let head: number;

const one = <T = Record<string, unknown>>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T;
const all = <T = Record<string, unknown>>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];

beforeAll(async () => {
  t = await startReadApp();
  await addUser(t.store, 'desk', ['operator']);
  const seeded = await seedAll(t.store, 2);
  s = seeded.first;
  head = seeded.head;
  const reached = await t.app.projections.waitFor(head, undefined, 10_000);
  expect(reached, JSON.stringify(t.app.projections.snapshot().filter((p) => p.error))).toBe(true);
  db = t.app.projections.db;
});
afterAll(async () => {
  await t?.close();
});

describe('the read models', () => {
  it('are all live at the head, none failed', () => {
    for (const status of t.app.projections.snapshot()) {
      expect(status, status.name).toMatchObject({ state: 'live', position: head, error: null });
    }
  });

  it('customers: kind, names, codes, e-mail after a change, prepaid balance equal to the SUM of the movements', () => {
    const mario = one(`SELECT * FROM customers WHERE id = ?`, s.customers.mario);
    expect(mario).toMatchObject({ kind: 'person', name: 'Mario', surname: 'Rossi', full_name: 'Mario Rossi', codice_fiscale: MARIO_CF, city: 'Milano' });
    expect(mario.prepaid_balance_cents).toBe(s.balances.mario);
    expect(one(`SELECT * FROM customers WHERE id = ?`, s.customers.laura)).toMatchObject({ registration_officer: 1, email: 'laura.bianchi0@studio.it', codice_fiscale: LAURA_CF });
    expect(one(`SELECT * FROM customers WHERE id = ?`, s.customers.firm)).toMatchObject({ kind: 'firm', partita_iva: FIRM_PIVA, surname: null, prepaid_balance_cents: s.balances.firm });
    // Sums in SQL on integers: the movements add up to the balance, for every customer.
    const rows = all<{ id: string; balance: number; summed: number | null }>(
      `SELECT c.id, c.prepaid_balance_cents AS balance, (SELECT SUM(amount_cents) FROM prepaid_movements m WHERE m.customer_id = c.id) AS summed FROM customers c`,
    );
    expect(rows).toHaveLength(8);
    for (const row of rows) expect(row.summed ?? 0, row.id).toBe(row.balance);
    // The changed e-mail is searchable, the old one no longer.
    const termsOf = (term: string) => all(`SELECT c.id FROM customers_terms t JOIN customers c ON c.seq = t.seq WHERE t.term = ?`, term);
    expect(termsOf('laura.bianchi0@studio.it')).toEqual([{ id: s.customers.laura }]);
    expect(termsOf('laura0@example.it')).toEqual([]);
    expect(termsOf('bianchi')).toHaveLength(2);
  });

  it('prepaid movements: top-up (credited, fee), debit for the order, credit of a refund', () => {
    const movements = all(`SELECT kind, amount_cents, fee_cents, order_id, balance_after_cents FROM prepaid_movements WHERE customer_id IN (?, ?) ORDER BY seq`, s.customers.mario, s.customers.firm);
    expect(movements).toEqual([
      { kind: 'top_up', amount_cents: 10_000, fee_cents: 180, order_id: null, balance_after_cents: 10_000 },
      { kind: 'debit', amount_cents: -3660, fee_cents: null, order_id: s.orders.o1, balance_after_cents: 6340 },
      { kind: 'credit', amount_cents: 1342, fee_cents: null, order_id: s.orders.o3, balance_after_cents: 1342 },
    ]);
  });

  it('devices: certificates as columns and the earliest expiry', () => {
    const mario = one(`SELECT * FROM devices WHERE id = ?`, s.devices.mario);
    expect(mario).toMatchObject({ kind: 'smart_card', holder_codice_fiscale: MARIO_CF, certificate_count: 2, signing_valid_until: '2026-12-04T09:00:00.000Z', authentication_valid_until: '2027-01-03T09:00:00.000Z' });
    expect(mario.expires_at).toBe('2026-12-04T09:00:00.000Z');
    expect(one(`SELECT authentication_valid_until, expires_at FROM devices WHERE id = ?`, s.devices.laura)).toEqual({ authentication_valid_until: null, expires_at: '2026-11-23T21:00:00.000Z' });
  });

  it('products: the current price, the price with VAT, withdrawn', () => {
    expect(one(`SELECT price_cents, vat_rate_bp, price_with_vat_cents, price_changed_at FROM products WHERE id = 'RIN-ENTRAMBI'`)).toMatchObject({ price_cents: 3000, vat_rate_bp: 2200, price_with_vat_cents: 3660 });
    expect(one(`SELECT withdrawn, withdraw_reason, timestamp_pack_size FROM products WHERE id = 'MT-100'`)).toEqual({ withdrawn: 1, withdraw_reason: 'fuori listino', timestamp_pack_size: 100 });
    expect(one(`SELECT count(*) AS n FROM products`)).toEqual({ n: 5 });
  });

  it('orders: status, customer name, payment mode and method, RF, amounts paid and due, invoice number', () => {
    const byId = Object.fromEntries(all<{ id: string }>(`SELECT * FROM orders`).map((o) => [o.id, o as Record<string, unknown>]));
    expect(byId[s.orders.o1]).toMatchObject({ status: 'fulfilled', customer_name: 'Mario Rossi', payment_mode: 'prepaid', payment_method: 'prepaid', rf_reference: null, total_cents: 3660, amount_paid_cents: 3660, amount_due_cents: 0, invoice_display_number: '1/2026', line_count: 1, coupon_count: 1 });
    expect(byId[s.orders.o2]).toMatchObject({ status: 'awaiting_payment', customer_name: 'Laura Bianchi', payment_mode: 'direct', payment_method: 'bank_transfer', rf_reference: s.rf.o2, taxable_cents: 5500, vat_cents: 1210, total_cents: 6710, amount_paid_cents: 3000, amount_due_cents: 3710, paid_at: null });
    expect(byId[s.orders.o3]).toMatchObject({ status: 'partially_refunded', customer_name: 'Studio Verdi S.r.l.', payment_method: 'postal_slip', total_cents: 2684, amount_paid_cents: 2684, amount_due_cents: 0, refunded_cents: 1342, invoice_display_number: '2/2026' });
    expect(byId[s.orders.o4]).toMatchObject({ status: 'cancelled', cancel_reason: 'richiesta del cliente', amount_due_cents: 0, coupon_count: 0 });
    expect(byId[s.orders.o5]).toMatchObject({ status: 'expired', amount_due_cents: 0 });
    expect(JSON.parse(byId[s.orders.o2]!.lines as string)).toHaveLength(2);
    // Sums on integers in SQL: what is still due over every order awaiting payment.
    expect(one(`SELECT SUM(amount_due_cents) AS due FROM orders WHERE status = 'awaiting_payment'`)).toEqual({ due: 3710 * 2 });
  });

  it('payments: matched by reference with what the order applied, or unmatched with the reason', () => {
    expect(one(`SELECT * FROM payments WHERE id = ?`, s.payments.partial)).toMatchObject({ state: 'matched', matched: 1, order_id: s.orders.o2, matched_how: 'reference', rf_reference: s.rf.o2, applied_cents: 3000, surplus_cents: 0, match_status: 'reference_found' });
    expect(one(`SELECT * FROM payments WHERE id = ?`, s.payments.unmatched)).toMatchObject({ state: 'unmatched', matched: 0, order_id: null, unmatched_reason: 'no_reference', match_status: 'no_reference' });
  });

  it('invoices and credit notes: numbers per year, buyer, totals, credited amount', () => {
    expect(one(`SELECT * FROM invoices WHERE id = ?`, s.invoices.o3.id)).toMatchObject({ year: 2026, number: 2, display_number: '2/2026', buyer_name: 'Studio Verdi S.r.l.', buyer_partita_iva: FIRM_PIVA, total_cents: 2684, credited_cents: 1342, credit_note_count: 1, customer_id: s.customers.firm });
    expect(one(`SELECT * FROM credit_notes WHERE id = ?`, s.creditNote.id)).toMatchObject({ display_number: '1/2026', invoice_display_number: '2/2026', customer_id: s.customers.firm, total_cents: 1342, refund_to: 'prepaid', coupon_count: 1 });
    expect(all(`SELECT display_number FROM invoices ORDER BY year, number`).map((r) => r.display_number)).toEqual(['1/2026', '2/2026', '3/2026', '4/2026']);
  });

  it('coupons: state, order, redemption; the code kept with its hint', () => {
    const redeemed = one(`SELECT * FROM coupons WHERE id = ?`, s.coupons.o1.id);
    expect(redeemed).toMatchObject({ state: 'redeemed', code: s.coupons.o1.code, code_hint: couponCodeHint(s.coupons.o1.code), device_serial: s.devices.mario, certificate_kind: 'both', product_code: 'RIN-ENTRAMBI', order_id: s.orders.o1 });
    expect(one(`SELECT state, cancel_reason FROM coupons WHERE id = ?`, s.coupons.o3b.id)).toEqual({ state: 'cancelled', cancel_reason: 'rimborso' });
    expect(one(`SELECT state FROM coupons WHERE id = ?`, s.coupons.o3a.id)).toEqual({ state: 'issued' });
  });

  it('e-mails: sent, sent after a failed attempt, given up', () => {
    expect(one(`SELECT state, attempts, to_address FROM emails WHERE id = ?`, s.emails.o1)).toEqual({ state: 'sent', attempts: 1, to_address: 'mario.rossi0@example.it' });
    expect(one(`SELECT state, attempts, last_error FROM emails WHERE id = ?`, s.emails.o3)).toEqual({ state: 'sent', attempts: 2, last_error: '451 greylisted' });
    expect(one(`SELECT state, attempts, last_error FROM emails WHERE id = ?`, s.emails.resend)).toEqual({ state: 'failed', attempts: 5, last_error: '550 mailbox unavailable' });
  });

  it('staff users: no password hash; roles in a table of their own', () => {
    const desk = one<{ id: string }>(`SELECT * FROM staff_users WHERE username_key = 'desk'`);
    expect(desk).toMatchObject({ username: 'desk', display_name: 'desk (test)', roles: '["operator"]', disabled: 0 });
    expect(JSON.stringify(desk)).not.toMatch(/scrypt|hash/i);
    expect(all(`SELECT role FROM staff_user_roles WHERE user_id = ?`, desk.id)).toEqual([{ role: 'operator' }]);
  });

  it('audit events: every event of the log, with actor and time; coupon codes and password hashes masked', () => {
    expect(one(`SELECT count(*) AS n, min(position) AS first, max(position) AS last FROM audit_events`)).toEqual({ n: head, first: 1, last: head });
    const everything = all<{ stream: string; data: string }>(`SELECT stream, data FROM audit_events`);
    const text = JSON.stringify(everything);
    for (const coupon of [s.coupons.o1, s.coupons.o3a, s.coupons.o3b]) {
      expect(text).not.toContain(coupon.code);
      expect(text).not.toContain(coupon.code.replace(/-/g, ''));
      expect(text).toContain(couponCodeHint(coupon.code));
    }
    expect(text).not.toMatch(/scrypt/);
    const created = one<{ data: string; actor_id: string; actor_role: string }>(`SELECT data, actor_id, actor_role FROM audit_events WHERE type = 'StaffUserCreated'`);
    expect(JSON.parse(created.data)).toMatchObject({ username: 'desk', passwordHash: HIDDEN });
    expect(created).toMatchObject({ actor_id: 'system', actor_role: 'system' });
    const claim = one<{ stream: string }>(`SELECT stream FROM audit_events WHERE type = 'CouponCodeClaimed' ORDER BY position LIMIT 1`);
    expect(claim.stream).toMatch(/^coupon-code-\*\*\*\*-\*\*\*\*-\*\*\*\*-\*\*\*\*-[0-9A-Z]{4}$/);
  });
});
