// Read model `certificate_deadlines`: one row per certificate a device holds now (a renewal replaces
// the row's certificate, a revocation marks it), with its renewal window under the issuer's policy
// (`opens_at`, `closes_at`: windowOf of domain/certificates/renewalWindow.ts, the one rule), the
// device's status, the customer of the latest paid order for the device (the buyer the reminders
// also write to), and the smallest reminder offset already recorded for this certificate.
//
// Indexed by `closes_at` and `opens_at`: the reminders reactor asks it, on an interval, which
// active certificates have a reminder due (server/features/reminders/due.ts), a range over the
// index instead of a pass over every device; the home page counts certificates by both edges.
//
// A reminder recorded whose e-mails are not queued yet (the server died between the two) stays in
// `certificate_reminder_unqueued` until they are, so the reactor finds it again and queues them;
// `certificate_reminder_queued` keeps the reminder e-mails queued (one e-mail may serve both
// certificates of a device, so it may be queued before the second certificate's reminder is recorded).
//
// A policy set or changed moves the windows of the certificates it rules: they are recomputed
// here, on IssuerPolicySet (rare), from the policies this read model keeps beside.
import type { IssuerPolicy, IssuerPolicyEvent } from '../../domain/certificates/events';
import { policyFor } from '../../domain/certificates/issuerPolicy';
import { windowOf } from '../../domain/certificates/renewalWindow';
import type { DeviceEvent } from '../../domain/devices/events';
import type { EmailEvent } from '../../domain/emails/events';
import type { OrderEvent } from '../../domain/orders/events';
import type { ReminderEvent } from '../../domain/reminders/events';
import type Database from 'better-sqlite3';
import { sql, type Projection, type TableName } from '../projection';
import { isoTime } from './shared';

type Handled = DeviceEvent | IssuerPolicyEvent | OrderEvent | ReminderEvent | EmailEvent;

function policies(db: Database.Database, t: TableName): IssuerPolicy[] {
  return (sql(db)`SELECT policy FROM ${t('certificate_deadline_policies')} ORDER BY issuer_id`.pluck().all() as string[]).map(
    (p) => JSON.parse(p) as IssuerPolicy,
  );
}

function windowFor(db: Database.Database, t: TableName, issuer: string, validUntil: string) {
  const policy = policyFor(issuer, policies(db, t));
  return { policyId: policy.issuerId, ...windowOf(validUntil, policy) };
}

export const certificateDeadlinesProjection: Projection<Handled> = {
  name: 'certificate-deadlines',
  version: 1,
  tables: [
    'certificate_deadlines',
    'certificate_deadline_policies',
    'certificate_deadline_orders',
    'certificate_reminder_unqueued',
    'certificate_reminder_queued',
  ],
  handles: [
    'DeviceRegistered',
    'CertificateRenewed',
    'CertificateRevoked',
    'DeviceStatusChanged',
    'IssuerPolicySet',
    'OrderPlaced',
    'OrderPaid',
    'OrderCancelled',
    'OrderExpired',
    'RenewalReminderSent',
    'EmailQueued',
  ],
  setup(db, t) {
    const c = t('certificate_deadlines');
    db.exec(`CREATE TABLE ${c} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      device_serial TEXT NOT NULL,
      kind TEXT NOT NULL,
      device_kind TEXT NOT NULL,
      issuer TEXT NOT NULL,
      holder_codice_fiscale TEXT NOT NULL,
      serial_number TEXT NOT NULL,
      valid_from TEXT NOT NULL,
      valid_until TEXT NOT NULL,
      policy_id TEXT NOT NULL,
      opens_at TEXT NOT NULL,
      closes_at TEXT NOT NULL,
      status TEXT NOT NULL,
      device_status TEXT NOT NULL,
      buyer_customer_id TEXT,
      last_reminder_offset INTEGER,
      last_reminder_at TEXT,
      renewed_at TEXT,
      updated_at TEXT NOT NULL
    )`);
    db.exec(`CREATE INDEX ${c}_by_closes ON ${c} (closes_at)`);
    db.exec(`CREATE INDEX ${c}_by_opens ON ${c} (opens_at)`);
    db.exec(`CREATE INDEX ${c}_by_device ON ${c} (device_serial)`);
    db.exec(`CREATE TABLE ${t('certificate_deadline_policies')} (issuer_id TEXT PRIMARY KEY, policy TEXT NOT NULL)`);
    db.exec(`CREATE TABLE ${t('certificate_deadline_orders')} (
      order_id TEXT PRIMARY KEY,
      device_serial TEXT NOT NULL,
      customer_id TEXT NOT NULL
    )`);
    const u = t('certificate_reminder_unqueued');
    db.exec(`CREATE TABLE ${u} (
      claim TEXT NOT NULL,
      email_id TEXT NOT NULL,
      certificate_id TEXT NOT NULL,
      device_serial TEXT NOT NULL,
      kind TEXT NOT NULL,
      serial_number TEXT NOT NULL,
      offset_days INTEGER NOT NULL,
      PRIMARY KEY (claim, email_id)
    )`);
    db.exec(`CREATE INDEX ${u}_by_email ON ${u} (email_id)`);
    db.exec(`CREATE INDEX ${u}_by_certificate ON ${u} (certificate_id)`);
    db.exec(`CREATE TABLE ${t('certificate_reminder_queued')} (email_id TEXT PRIMARY KEY)`);
  },
  apply(db, event, t) {
    const c = t('certificate_deadlines');
    switch (event.type) {
      case 'DeviceRegistered': {
        const d = event.data;
        for (const cert of d.certificates) {
          const validUntil = isoTime(cert.validUntil);
          const w = windowFor(db, t, d.issuer, validUntil);
          sql(db)`INSERT INTO ${c} (id, device_serial, kind, device_kind, issuer, holder_codice_fiscale, serial_number, valid_from, valid_until,
               policy_id, opens_at, closes_at, status, device_status, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', 'active', ?)
             ON CONFLICT (id) DO NOTHING`.run(
            `${d.serial}:${cert.kind}`,
            d.serial,
            cert.kind,
            d.kind,
            d.issuer,
            d.holderCodiceFiscale,
            cert.serialNumber,
            isoTime(cert.validFrom),
            validUntil,
            w.policyId,
            w.opensAt,
            w.closesAt,
            isoTime(d.registeredAt),
          );
        }
        break;
      }
      case 'CertificateRenewed': {
        const d = event.data;
        const row = sql(db)`SELECT issuer FROM ${c} WHERE id = ?`.get(`${d.serial}:${d.kind}`) as { issuer: string } | undefined;
        if (!row) break;
        const validUntil = isoTime(d.validUntil);
        const w = windowFor(db, t, row.issuer, validUntil);
        sql(db)`UPDATE ${c} SET serial_number = ?, valid_from = ?, valid_until = ?, policy_id = ?, opens_at = ?, closes_at = ?, status = 'active',
             last_reminder_offset = NULL, last_reminder_at = NULL, renewed_at = ?, updated_at = ? WHERE id = ?`.run(d.serialNumber, isoTime(d.validFrom), validUntil, w.policyId, w.opensAt, w.closesAt, isoTime(d.renewedAt), isoTime(d.renewedAt), `${d.serial}:${d.kind}`);
        // Reminders of the old certificate are not sent any more, even those a crash left unqueued.
        sql(db)`DELETE FROM ${t('certificate_reminder_unqueued')} WHERE certificate_id = ?`.run(`${d.serial}:${d.kind}`);
        break;
      }
      case 'CertificateRevoked': {
        const d = event.data;
        sql(db)`UPDATE ${c} SET status = 'revoked', updated_at = ? WHERE id = ? AND serial_number = ?`.run(
          isoTime(d.revokedAt),
          `${d.serial}:${d.kind}`,
          d.serialNumber,
        );
        sql(db)`DELETE FROM ${t('certificate_reminder_unqueued')} WHERE certificate_id = ?`.run(`${d.serial}:${d.kind}`);
        break;
      }
      case 'DeviceStatusChanged': {
        const d = event.data;
        sql(db)`UPDATE ${c} SET device_status = ?, updated_at = ? WHERE device_serial = ?`.run(d.to, isoTime(d.changedAt), d.serial);
        if (d.to !== 'active') sql(db)`DELETE FROM ${t('certificate_reminder_unqueued')} WHERE device_serial = ?`.run(d.serial);
        break;
      }
      case 'IssuerPolicySet': {
        const { setBy: _by, setAt: _at, ...policy } = event.data;
        sql(db)`INSERT INTO ${t('certificate_deadline_policies')} (issuer_id, policy) VALUES (?, ?)
           ON CONFLICT (issuer_id) DO UPDATE SET policy = excluded.policy`.run(policy.issuerId, JSON.stringify(policy));
        // Every window moves to the policy that rules it now (the default may have changed).
        const all = policies(db, t);
        const rows = sql(db)`SELECT id, issuer, valid_until FROM ${c}`.all() as Array<{ id: string; issuer: string; valid_until: string }>;
        const update = sql(db)`UPDATE ${c} SET policy_id = ?, opens_at = ?, closes_at = ? WHERE id = ?`;
        for (const row of rows) {
          const p = policyFor(row.issuer, all);
          const w = windowOf(row.valid_until, p);
          update.run(p.issuerId, w.opensAt, w.closesAt, row.id);
        }
        break;
      }
      case 'OrderPlaced': {
        const d = event.data;
        if (d.deviceSerial === null) break;
        sql(db)`INSERT OR IGNORE INTO ${t('certificate_deadline_orders')} (order_id, device_serial, customer_id) VALUES (?, ?, ?)`.run(
          d.orderId,
          d.deviceSerial,
          d.customerId,
        );
        break;
      }
      case 'OrderPaid': {
        const order = sql(db)`SELECT device_serial, customer_id FROM ${t('certificate_deadline_orders')} WHERE order_id = ?`.get(
          event.data.orderId,
        ) as { device_serial: string; customer_id: string } | undefined;
        if (!order) break;
        // Paid in log order: the latest paid order's customer is the buyer.
        sql(db)`UPDATE ${c} SET buyer_customer_id = ? WHERE device_serial = ?`.run(order.customer_id, order.device_serial);
        sql(db)`DELETE FROM ${t('certificate_deadline_orders')} WHERE order_id = ?`.run(event.data.orderId);
        break;
      }
      case 'OrderCancelled':
      case 'OrderExpired':
        sql(db)`DELETE FROM ${t('certificate_deadline_orders')} WHERE order_id = ?`.run(event.data.orderId);
        break;
      case 'RenewalReminderSent': {
        const d = event.data;
        sql(db)`UPDATE ${c} SET last_reminder_offset = ?, last_reminder_at = ?
           WHERE id = ? AND serial_number = ? AND (last_reminder_offset IS NULL OR last_reminder_offset > ?)`.run(d.offsetDays, isoTime(d.sentAt), `${d.deviceSerial}:${d.certificateKind}`, d.certificateSerialNumber, d.offsetDays);
        const claim = event.stream;
        for (const emailId of d.emailIds) {
          if (sql(db)`SELECT 1 FROM ${t('certificate_reminder_queued')} WHERE email_id = ?`.get(emailId)) continue;
          sql(db)`INSERT OR IGNORE INTO ${t('certificate_reminder_unqueued')} (claim, email_id, certificate_id, device_serial, kind, serial_number, offset_days)
             VALUES (?, ?, ?, ?, ?, ?, ?)`.run(claim, emailId, `${d.deviceSerial}:${d.certificateKind}`, d.deviceSerial, d.certificateKind, d.certificateSerialNumber, d.offsetDays);
        }
        break;
      }
      case 'EmailQueued': {
        const d = event.data;
        if (d.purpose !== 'renewal_reminder') break;
        sql(db)`INSERT OR IGNORE INTO ${t('certificate_reminder_queued')} (email_id) VALUES (?)`.run(d.emailId);
        sql(db)`DELETE FROM ${t('certificate_reminder_unqueued')} WHERE email_id = ?`.run(d.emailId);
        break;
      }
    }
  },
};
