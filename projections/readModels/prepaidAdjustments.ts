// Read model `prepaid_adjustments`: every manual adjustment of a prepaid account, one row per
// request, with its state (pending, approved, rejected), who asked and why, who decided and when,
// and why it was rejected. The supervisors' queue is the pending rows; the money itself, once
// approved, is a movement in `prepaid_movements` (kind 'adjustment').
import type { PrepaidEvent } from '../../domain/prepaid/events';
import { sql, type Projection } from '../projection';
import { isoTime } from './shared';

export const ADJUSTMENT_STATES = ['pending', 'approved', 'rejected'] as const;

export const prepaidAdjustmentsProjection: Projection<PrepaidEvent> = {
  name: 'prepaid-adjustments',
  version: 1,
  tables: ['prepaid_adjustments'],
  handles: ['PrepaidAdjustmentRequested', 'PrepaidAdjustmentApproved', 'PrepaidAdjustmentRejected'],
  setup(db, t) {
    const a = t('prepaid_adjustments');
    db.exec(`CREATE TABLE ${a} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      customer_id TEXT NOT NULL,
      amount_cents INTEGER NOT NULL,
      reason TEXT NOT NULL,
      status TEXT NOT NULL,
      requested_by TEXT NOT NULL,
      requested_at TEXT NOT NULL,
      decided_by TEXT,
      decided_at TEXT,
      rejection_reason TEXT,
      balance_after_cents INTEGER
    )`);
    db.exec(`CREATE INDEX ${a}_by_requested_at ON ${a} (requested_at)`);
    db.exec(`CREATE INDEX ${a}_by_status ON ${a} (status, requested_at)`);
    db.exec(`CREATE INDEX ${a}_by_customer ON ${a} (customer_id, requested_at)`);
    db.exec(`CREATE INDEX ${a}_by_amount ON ${a} (amount_cents)`);
  },
  apply(db, event, t) {
    const a = t('prepaid_adjustments');
    switch (event.type) {
      case 'PrepaidAdjustmentRequested': {
        const d = event.data;
        sql(db)`INSERT INTO ${a} (id, customer_id, amount_cents, reason, status, requested_by, requested_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)`.run(d.adjustmentId, d.customerId, d.amountCents, d.reason, d.requestedBy, isoTime(d.requestedAt));
        break;
      }
      case 'PrepaidAdjustmentApproved': {
        const d = event.data;
        sql(db)`UPDATE ${a} SET status = 'approved', decided_by = ?, decided_at = ?, balance_after_cents = ? WHERE id = ?`.run(
          d.approvedBy,
          isoTime(d.approvedAt),
          d.balanceAfterCents,
          d.adjustmentId,
        );
        break;
      }
      case 'PrepaidAdjustmentRejected': {
        const d = event.data;
        sql(db)`UPDATE ${a} SET status = 'rejected', decided_by = ?, decided_at = ?, rejection_reason = ? WHERE id = ?`.run(
          d.rejectedBy,
          isoTime(d.rejectedAt),
          d.rejectionReason,
          d.adjustmentId,
        );
        break;
      }
    }
  },
};
