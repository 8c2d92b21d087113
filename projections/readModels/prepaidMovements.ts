// Read model `prepaid_movements`: every movement of every prepaid account (conto prepagato), one row
// per event: top-ups (+ the credited amount; the fee beside it), debits for orders (− the amount),
// credits (refunds, overpayments, corrections: +), manual adjustments approved by a supervisor (+, kind
// 'adjustment', with the reason in `note`, who asked in `requested_by` and who approved in
// `approved_by`). `amount_cents` is signed, so the SUM of a customer's movements is their balance,
// and `balance_after_cents` is the balance the event states. A request still pending or rejected
// moved no money and is not a movement (see prepaid_adjustments).
import type { PrepaidEvent } from '../../domain/prepaid/events';
import { sql, type Projection } from '../projection';
import { isoTime } from './shared';

export const prepaidMovementsProjection: Projection<PrepaidEvent> = {
  name: 'prepaid-movements',
  version: 2,
  tables: ['prepaid_movements'],
  handles: ['PrepaidToppedUp', 'PrepaidDebited', 'PrepaidCredited', 'PrepaidAdjustmentApproved'],
  setup(db, t) {
    const m = t('prepaid_movements');
    db.exec(`CREATE TABLE ${m} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      customer_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      amount_cents INTEGER NOT NULL,
      amount_received_cents INTEGER,
      fee_cents INTEGER,
      method TEXT,
      reference TEXT,
      received_on TEXT,
      reason TEXT,
      note TEXT,
      order_id TEXT,
      adjustment_id TEXT,
      requested_by TEXT,
      approved_by TEXT,
      balance_after_cents INTEGER NOT NULL,
      at TEXT NOT NULL
    )`);
    db.exec(`CREATE INDEX ${m}_by_at ON ${m} (at)`);
    db.exec(`CREATE INDEX ${m}_by_customer ON ${m} (customer_id, at)`);
    db.exec(`CREATE INDEX ${m}_by_kind ON ${m} (kind, at)`);
    db.exec(`CREATE INDEX ${m}_by_order ON ${m} (order_id)`);
    db.exec(`CREATE INDEX ${m}_by_amount ON ${m} (amount_cents)`);
  },
  apply(db, event, t) {
    const insert = sql(db)`INSERT INTO ${t('prepaid_movements')} (id, customer_id, kind, amount_cents, amount_received_cents, fee_cents, method,
         reference, received_on, reason, note, order_id, balance_after_cents, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    switch (event.type) {
      case 'PrepaidToppedUp': {
        const d = event.data;
        insert.run(event.id, d.customerId, 'top_up', d.creditedCents, d.amountReceivedCents, d.feeCents, d.method, d.reference,
          d.receivedOn, null, null, null, d.balanceAfterCents, isoTime(d.recordedAt));
        break;
      }
      case 'PrepaidDebited': {
        const d = event.data;
        insert.run(event.id, d.customerId, 'debit', -d.amountCents, null, null, null, null, null, null, null, d.orderId,
          d.balanceAfterCents, isoTime(d.debitedAt));
        break;
      }
      case 'PrepaidCredited': {
        const d = event.data;
        insert.run(event.id, d.customerId, 'credit', d.amountCents, null, null, null, d.creditId, null, d.reason, d.note, d.orderId,
          d.balanceAfterCents, isoTime(d.creditedAt));
        break;
      }
      case 'PrepaidAdjustmentApproved': {
        const d = event.data;
        sql(db)`INSERT INTO ${t('prepaid_movements')} (id, customer_id, kind, amount_cents, note, adjustment_id, requested_by, approved_by,
             balance_after_cents, at)
           VALUES (?, ?, 'adjustment', ?, ?, ?, ?, ?, ?, ?)`.run(event.id, d.customerId, d.amountCents, d.reason, d.adjustmentId, d.requestedBy, d.approvedBy, d.balanceAfterCents, isoTime(d.approvedAt));
        break;
      }
    }
  },
};
