// The console's home-page figures, summed by SQLite over the read models instead of by the browser
// over pages of rows (which stopped at 20,000 rows and fetched megabytes to add them up). Days and
// months are Rome's: "today" at 00:30 in Rome is today there, though still yesterday in UTC.
import type Database from 'better-sqlite3';
import { addDays, monthStart, romeDayOf, romeDayStart } from '../../../domain/shared/romeCalendar';
import { expiringDevicesWhere } from '../devices/read';
import { closingWithinWhere, opensThisMonthWhere } from '../reminders/read';

/** Certificates count as closing soon when their deadline comes within this many days. */
export const CLOSING_WITHIN_DAYS = 7;

/** Devices count as expiring when a certificate still renewable expires within this many days. */
export const EXPIRING_WITHIN_DAYS = 30;
/** Months in the revenue chart, the current one included. */
export const REVENUE_MONTHS = 12;

export interface CountAndCents {
  count: number;
  cents: number;
}

export interface DashboardFigures {
  /** The Rome day the figures are of, and the first day of its month. */
  today: string;
  monthStart: string;
  /** Orders waiting for payment, and what they still owe. */
  unpaidOrders: CountAndCents;
  /** Orders paid today and this month (Rome days), and their totals. */
  paidToday: CountAndCents;
  paidThisMonth: CountAndCents;
  /** Devices with a certificate renewable now that expires within EXPIRING_WITHIN_DAYS. */
  devicesExpiring: number;
  /** Payments received that no order could be found for, and their amount. */
  unmatchedPayments: CountAndCents;
  /** Coupon e-mails given up after their retries. */
  failedEmails: number;
  /** Active certificates whose renewal window (the issuer's policy) opens this Rome month. */
  certificatesOpeningThisMonth: number;
  /** Active certificates, not renewed, whose deadline comes within CLOSING_WITHIN_DAYS. */
  certificatesClosingSoon: number;
  /** Replacement requests waiting for a supervisor's decision, and when the oldest was opened. */
  replacementRequestsWaiting: { count: number; oldestRequestedAt: string | null };
  /** Pay-after renewals completed and not paid yet, and what their fee orders still owe. */
  payAfterUnpaid: CountAndCents;
  /** Per month (`YYYY-MM`, oldest first, REVENUE_MONTHS of them): invoiced, credited, and the difference. */
  revenueByMonth: Array<{ month: string; invoicedCents: number; creditedCents: number; netCents: number }>;
}

export function dashboardFigures(db: Database.Database, now: Date): DashboardFigures {
  const today = romeDayOf(now);
  const month = monthStart(today);
  const tomorrowStarts = romeDayStart(addDays(today, 1));
  const countAndCents = (sql: string, ...params: unknown[]): CountAndCents => {
    const row = db.prepare(sql).get(...params) as { count: number; cents: number | null };
    return { count: row.count, cents: row.cents ?? 0 };
  };
  const count = (sql: string, ...params: unknown[]): number => db.prepare(sql).pluck().get(...params) as number;
  const paidBetween = (from: string) =>
    countAndCents('SELECT count(*) AS count, sum(total_cents) AS cents FROM orders WHERE paid_at >= ? AND paid_at < ?', from, tomorrowStarts);

  const first = monthStart(today, 1 - REVENUE_MONTHS);
  const byMonth = new Map<string, { invoicedCents: number; creditedCents: number }>();
  for (let i = 0; i < REVENUE_MONTHS; i++) byMonth.set(monthStart(first, i).slice(0, 7), { invoicedCents: 0, creditedCents: 0 });
  for (const [view, field] of [['invoices', 'invoicedCents'], ['credit_notes', 'creditedCents']] as const) {
    const monthly = db
      .prepare(`SELECT substr(issued_on, 1, 7) AS month, sum(total_cents) AS cents FROM ${view} WHERE issued_on >= ? GROUP BY 1`)
      .all(first) as Array<{ month: string; cents: number }>;
    for (const { month: m, cents } of monthly) {
      const entry = byMonth.get(m);
      if (entry) entry[field] = cents;
    }
  }
  const expiring = expiringDevicesWhere(EXPIRING_WITHIN_DAYS, now.toISOString());
  const opening = opensThisMonthWhere(now.toISOString());
  const closing = closingWithinWhere(CLOSING_WITHIN_DAYS, now.toISOString());

  return {
    today,
    monthStart: month,
    unpaidOrders: countAndCents(
      "SELECT count(*) AS count, sum(amount_due_cents) AS cents FROM orders WHERE status = 'awaiting_payment'",
    ),
    paidToday: paidBetween(romeDayStart(today)),
    paidThisMonth: paidBetween(romeDayStart(month)),
    devicesExpiring: count(`SELECT count(*) FROM devices WHERE ${expiring.sql}`, ...expiring.params),
    unmatchedPayments: countAndCents(
      "SELECT count(*) AS count, sum(amount_cents) AS cents FROM payments WHERE state = 'unmatched'",
    ),
    failedEmails: count("SELECT count(*) FROM emails WHERE state = 'failed'"),
    certificatesOpeningThisMonth: count(`SELECT count(*) FROM certificate_deadlines WHERE ${opening.sql}`, ...opening.params),
    certificatesClosingSoon: count(`SELECT count(*) FROM certificate_deadlines WHERE ${closing.sql}`, ...closing.params),
    payAfterUnpaid: countAndCents(
      `SELECT count(*) AS count, sum(o.amount_due_cents) AS cents FROM renewals r LEFT JOIN orders o ON o.id = r.fee_order_id
       WHERE r.payment_mode = 'pay_after' AND r.state = 'completed' AND r.fee_paid_at IS NULL`,
    ),
    replacementRequestsWaiting: db
      .prepare("SELECT count(*) AS count, min(requested_at) AS oldestRequestedAt FROM replacement_requests WHERE status = 'pending'")
      .get() as { count: number; oldestRequestedAt: string | null },
    revenueByMonth: [...byMonth].map(([m, v]) => ({ month: m, ...v, netCents: v.invoicedCents - v.creditedCents })),
  };
}
