// Read model `payments`: money received by transfer, slip, card or cheque, as recorded by the
// accountants, and whether it is matched to an order: `state` is 'recorded' until matching decides,
// then 'matched' (by reference or by hand) or 'unmatched' (no reference, wrong check digits, unknown
// reference), with `matched` as a flag for the "still to match" filter. What the order applied and
// what was surplus (credited to the prepaid account) come from the order's OrderPaymentReceived.
// `bank_reference` is the bank's own reference (CRO/TRN, statement line id), null for payments
// recorded before it was asked for and for money taken at the desk.
// Search terms: payer, bank reference, RF reference (and the mistyped candidate), the words of the reason.
import type { OrderEvent } from '../../domain/orders/events';
import type { PaymentEvent } from '../../domain/payments/events';
import { sql, type Projection } from '../projection';
import { addTerms, createTermsTable, isoTime, normaliseText } from './shared';

type Handled = PaymentEvent | OrderEvent;

export const PAYMENT_STATES = ['recorded', 'matched', 'unmatched'] as const;

export const paymentsProjection: Projection<Handled> = {
  name: 'payments',
  // 2: the bank reference.
  version: 2,
  tables: ['payments', 'payments_terms'],
  handles: ['PaymentRecorded', 'PaymentMatched', 'PaymentLeftUnmatched', 'OrderPaymentReceived'],
  setup(db, t) {
    const p = t('payments');
    db.exec(`CREATE TABLE ${p} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      method TEXT NOT NULL,
      amount_cents INTEGER NOT NULL,
      received_on TEXT NOT NULL,
      payer TEXT NOT NULL,
      payer_sort TEXT NOT NULL,
      reason TEXT NOT NULL,
      bank_reference TEXT,
      recorded_by TEXT NOT NULL,
      rf_reference TEXT,
      rf_candidate TEXT,
      match_status TEXT NOT NULL,
      state TEXT NOT NULL,
      matched INTEGER NOT NULL DEFAULT 0,
      order_id TEXT,
      matched_how TEXT,
      matched_by TEXT,
      matched_at TEXT,
      unmatched_reason TEXT,
      unmatched_detail TEXT,
      applied_cents INTEGER,
      surplus_cents INTEGER,
      recorded_at TEXT NOT NULL
    )`);
    db.exec(`CREATE INDEX ${p}_by_received ON ${p} (received_on)`);
    db.exec(`CREATE INDEX ${p}_by_recorded ON ${p} (recorded_at)`);
    db.exec(`CREATE INDEX ${p}_by_state ON ${p} (state, received_on)`);
    db.exec(`CREATE INDEX ${p}_by_matched ON ${p} (matched, received_on)`);
    db.exec(`CREATE INDEX ${p}_by_method ON ${p} (method, received_on)`);
    db.exec(`CREATE INDEX ${p}_by_amount ON ${p} (amount_cents)`);
    db.exec(`CREATE INDEX ${p}_by_order ON ${p} (order_id)`);
    db.exec(`CREATE INDEX ${p}_by_rf ON ${p} (rf_reference)`);
    db.exec(`CREATE INDEX ${p}_by_bank_reference ON ${p} (bank_reference)`);
    db.exec(`CREATE INDEX ${p}_by_payer ON ${p} (payer_sort)`);
    createTermsTable(db, t('payments_terms'));
  },
  apply(db, event, t) {
    const p = t('payments');
    switch (event.type) {
      case 'PaymentRecorded': {
        const d = event.data;
        const { lastInsertRowid } = sql(db)`INSERT INTO ${p} (id, method, amount_cents, received_on, payer, payer_sort, reason, bank_reference, recorded_by, rf_reference,
             rf_candidate, match_status, state, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'recorded', ?)`.run(
          d.paymentId,
          d.method,
          d.amountCents,
          d.receivedOn,
          d.payer,
          normaliseText(d.payer),
          d.reason,
          d.bankReference ?? null,
          d.recordedBy,
          d.rfReference,
          d.rfCandidate,
          d.matchStatus,
          isoTime(d.recordedAt),
        );
        addTerms(db, t('payments_terms'), lastInsertRowid, d.payer, d.bankReference, d.rfReference, d.rfCandidate, d.reason.slice(0, 500));
        break;
      }
      case 'PaymentMatched': {
        const d = event.data;
        sql(db)`UPDATE ${p} SET state = 'matched', matched = 1, order_id = ?, matched_how = ?, matched_by = ?, matched_at = ?,
             rf_reference = COALESCE(?, rf_reference), unmatched_reason = NULL, unmatched_detail = NULL WHERE id = ?`.run(d.orderId, d.how, d.by, isoTime(d.matchedAt), d.rfReference, d.paymentId);
        break;
      }
      case 'PaymentLeftUnmatched': {
        const d = event.data;
        sql(db)`UPDATE ${p} SET state = 'unmatched', matched = 0, unmatched_reason = ?, unmatched_detail = ? WHERE id = ?`.run(
          d.reason,
          d.detail,
          d.paymentId,
        );
        break;
      }
      case 'OrderPaymentReceived': {
        const d = event.data;
        sql(db)`UPDATE ${p} SET applied_cents = COALESCE(applied_cents, 0) + ?, surplus_cents = COALESCE(surplus_cents, 0) + ? WHERE id = ?`.run(d.appliedCents, d.surplusCents, d.paymentId);
        break;
      }
    }
  },
};
