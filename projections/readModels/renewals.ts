// Read model `renewals`: one row per renewal with its state (in_progress, failed, completed,
// abandoned), device, holder, customer, certificates chosen, payment (coupons, pay-after with its
// fee, desk sale), the last step reached, the failure, the new certificates, the pay-after fee
// order and when it was paid; and its timeline as JSON (started, each step with its instant,
// failed, resumed, completed, abandoned, fee ordered, fee paid) for the show page.
//
// Search terms: the device serial, the holder's codice fiscale, the new certificates' serials.
// Staff names (from StaffUserCreated, in a table of its own) name who did each step.
import type { OrderEvent } from '../../domain/orders/events';
import type { RenewalEvent } from '../../domain/renewals/events';
import type { StaffEvent } from '../../domain/staff/events';
import { sql, type Projection } from '../projection';
import { addTerms, createTermsTable, isoTime, seqOf } from './shared';

export const RENEWAL_STATES = ['in_progress', 'failed', 'completed', 'abandoned'] as const;
export const RENEWAL_PAYMENT_MODES = ['coupons', 'pay_after', 'desk_sale'] as const;

type Handled = RenewalEvent | Extract<OrderEvent, { type: 'OrderPaid' }> | Extract<StaffEvent, { type: 'StaffUserCreated' }>;

/** One entry of a renewal's timeline. */
export interface RenewalTimelineEntry {
  at: string;
  what: 'started' | 'step' | 'failed' | 'resumed' | 'completed' | 'abandoned' | 'fee_ordered' | 'fee_paid';
  /** Who (a staff user id), and their name when known. */
  by: string | null;
  byName?: string | null;
  certificateKind?: string | null;
  step?: string | null;
  /** The new certificate's serial (certificate_issued), the reason (failed, abandoned), the order (fee). */
  detail?: string | null;
}

export const renewalsProjection: Projection<Handled> = {
  name: 'renewals',
  version: 1,
  tables: ['renewals', 'renewals_terms', 'renewal_staff'],
  handles: ['RenewalStarted', 'RenewalStepRecorded', 'RenewalFailed', 'RenewalResumed', 'RenewalCompleted', 'RenewalAbandoned', 'RenewalFeeOrdered', 'OrderPaid', 'StaffUserCreated'],
  setup(db, t) {
    const r = t('renewals');
    db.exec(`CREATE TABLE ${r} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      state TEXT NOT NULL,
      device_serial TEXT NOT NULL,
      holder_codice_fiscale TEXT NOT NULL,
      customer_id TEXT,
      issuer_id TEXT NOT NULL,
      certificates TEXT NOT NULL,
      partial_reason TEXT,
      payment_mode TEXT NOT NULL,
      coupon_ids TEXT NOT NULL,
      fee_cents INTEGER,
      fee_vat_rate_bp INTEGER,
      desk_order_id TEXT,
      channel TEXT NOT NULL,
      started_by TEXT NOT NULL,
      started_at TEXT NOT NULL,
      last_step TEXT,
      last_step_at TEXT,
      updated_at TEXT NOT NULL,
      failure_reason TEXT,
      failed_step TEXT,
      failed_certificate TEXT,
      failed_at TEXT,
      completed_at TEXT,
      new_certificates TEXT,
      abandoned_at TEXT,
      abandon_reason TEXT,
      fee_order_id TEXT,
      fee_ordered_at TEXT,
      fee_paid_at TEXT,
      timeline TEXT NOT NULL
    )`);
    db.exec(`CREATE INDEX ${r}_by_started ON ${r} (started_at)`);
    db.exec(`CREATE INDEX ${r}_by_state ON ${r} (state, started_at)`);
    db.exec(`CREATE INDEX ${r}_by_updated ON ${r} (updated_at)`);
    db.exec(`CREATE INDEX ${r}_by_device ON ${r} (device_serial, started_at)`);
    db.exec(`CREATE INDEX ${r}_by_holder ON ${r} (holder_codice_fiscale, started_at)`);
    db.exec(`CREATE INDEX ${r}_by_customer ON ${r} (customer_id, started_at)`);
    db.exec(`CREATE INDEX ${r}_by_mode ON ${r} (payment_mode, started_at)`);
    db.exec(`CREATE INDEX ${r}_by_fee_order ON ${r} (fee_order_id)`);
    db.exec(`CREATE INDEX ${r}_by_completed ON ${r} (completed_at)`);
    createTermsTable(db, t('renewals_terms'));
    db.exec(`CREATE TABLE ${t('renewal_staff')} (id TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID`);
  },
  apply(db, event, t) {
    const r = t('renewals');
    const nameOf = (userId: string | null): string | null =>
      userId === null ? null : (sql(db)<[string], string>`SELECT name FROM ${t('renewal_staff')} WHERE id = ?`.pluck().get(userId) ?? null);
    const note = (id: string, entry: RenewalTimelineEntry) =>
      sql(db)`UPDATE ${r} SET timeline = json_insert(timeline, '$[#]', json(?)), updated_at = ? WHERE id = ?`.run(
        JSON.stringify({ ...entry, byName: nameOf(entry.by) }),
        entry.at,
        id,
      );
    switch (event.type) {
      case 'RenewalStarted': {
        const d = event.data;
        const at = isoTime(d.startedAt);
        const p = d.payment;
        const { lastInsertRowid } = sql(db)`INSERT INTO ${r} (id, state, device_serial, holder_codice_fiscale, customer_id, issuer_id, certificates, partial_reason, payment_mode,
             coupon_ids, fee_cents, fee_vat_rate_bp, desk_order_id, channel, started_by, started_at, updated_at, timeline)
           VALUES (?, 'in_progress', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO NOTHING`.run(
          d.renewalId,
          d.deviceSerial,
          d.holderCodiceFiscale,
          d.customerId,
          d.issuerId,
          JSON.stringify(d.certificates),
          d.partialReason,
          p.mode,
          JSON.stringify(p.mode === 'coupons' ? p.coupons.map((c) => c.couponId) : []),
          p.mode === 'pay_after' ? p.feeCents : null,
          p.mode === 'pay_after' ? p.vatRateBp : null,
          p.mode === 'desk_sale' ? p.orderId : null,
          d.channel,
          d.startedBy,
          at,
          at,
          JSON.stringify([{ at, what: 'started', by: d.startedBy, byName: nameOf(d.startedBy), detail: d.partialReason } satisfies RenewalTimelineEntry]),
        );
        addTerms(db, t('renewals_terms'), lastInsertRowid, d.deviceSerial, d.holderCodiceFiscale);
        break;
      }
      case 'RenewalStepRecorded': {
        const d = event.data;
        const at = isoTime(d.recordedAt);
        sql(db)`UPDATE ${r} SET last_step = ?, last_step_at = ? WHERE id = ?`.run(d.step, at, d.renewalId);
        note(d.renewalId, { at, what: 'step', by: d.recordedBy, certificateKind: d.certificateKind, step: d.step, detail: d.certificate?.serialNumber ?? null });
        if (d.certificate) addTerms(db, t('renewals_terms'), seqOf(db, r, d.renewalId), d.certificate.serialNumber);
        break;
      }
      case 'RenewalFailed': {
        const d = event.data;
        const at = isoTime(d.failedAt);
        sql(db)`UPDATE ${r} SET state = 'failed', failure_reason = ?, failed_step = ?, failed_certificate = ?, failed_at = ? WHERE id = ?`.run(
          d.reason,
          d.stepReached,
          d.certificateKind,
          at,
          d.renewalId,
        );
        note(d.renewalId, { at, what: 'failed', by: event.metadata.actor?.userId ?? null, certificateKind: d.certificateKind, step: d.stepReached, detail: d.reason });
        break;
      }
      case 'RenewalResumed': {
        const d = event.data;
        sql(db)`UPDATE ${r} SET state = 'in_progress' WHERE id = ?`.run(d.renewalId);
        note(d.renewalId, { at: isoTime(d.resumedAt), what: 'resumed', by: d.resumedBy });
        break;
      }
      case 'RenewalCompleted': {
        const d = event.data;
        const at = isoTime(d.completedAt);
        sql(db)`UPDATE ${r} SET state = 'completed', completed_at = ?, new_certificates = ? WHERE id = ?`.run(at, JSON.stringify(d.certificates), d.renewalId);
        note(d.renewalId, { at, what: 'completed', by: d.completedBy, detail: d.certificates.map((c) => c.serialNumber).join(', ') });
        break;
      }
      case 'RenewalAbandoned': {
        const d = event.data;
        const at = isoTime(d.abandonedAt);
        sql(db)`UPDATE ${r} SET state = 'abandoned', abandoned_at = ?, abandon_reason = ? WHERE id = ?`.run(at, d.reason, d.renewalId);
        note(d.renewalId, { at, what: 'abandoned', by: d.abandonedBy, detail: d.reason });
        break;
      }
      case 'RenewalFeeOrdered': {
        const d = event.data;
        const at = isoTime(d.orderedAt);
        sql(db)`UPDATE ${r} SET fee_order_id = ?, fee_ordered_at = ? WHERE id = ?`.run(d.orderId, at, d.renewalId);
        note(d.renewalId, { at, what: 'fee_ordered', by: null, detail: d.orderId });
        break;
      }
      case 'StaffUserCreated':
        sql(db)`INSERT OR REPLACE INTO ${t('renewal_staff')} (id, name) VALUES (?, ?)`.run(event.data.userId, event.data.displayName);
        break;
      case 'OrderPaid': {
        const d = event.data;
        const id = sql(db)<[string], string>`SELECT id FROM ${r} WHERE fee_order_id = ? AND fee_paid_at IS NULL`.pluck().get(d.orderId);
        if (id === undefined) break;
        const at = isoTime(d.paidAt);
        sql(db)`UPDATE ${r} SET fee_paid_at = ? WHERE id = ?`.run(at, id);
        note(id, { at, what: 'fee_paid', by: null, detail: d.orderId });
        break;
      }
    }
  },
};
