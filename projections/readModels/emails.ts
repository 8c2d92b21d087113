// Read model `emails`: the e-mail outbox (coupon codes of an order; renewal reminders of a device; an
// order's payment notice; the log's head for the accountants, about no customer). State: queued → sent; an attempt that failed →
// retrying (with the attempt count, the last error and when it is retried); given up → failed;
// staff asking to retry a failed one → queued again. `to_address` is known once it is sent (the
// profile e-mail in force at that moment). `possibly_duplicate`: an earlier send was interrupted
// after it may have reached the SMTP server, so the recipient may have it twice.
import type { EmailEvent } from '../../domain/emails/events';
import { sql, type Projection } from '../projection';
import { isoTime } from './shared';

export const EMAIL_STATES = ['queued', 'sent', 'retrying', 'failed'] as const;

export const emailsProjection: Projection<EmailEvent> = {
  name: 'emails',
  version: 4,
  tables: ['emails'],
  handles: ['EmailQueued', 'EmailSent', 'EmailAttemptFailed', 'EmailGaveUp', 'EmailRetryRequested'],
  setup(db, t) {
    const e = t('emails');
    db.exec(`CREATE TABLE ${e} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      purpose TEXT NOT NULL,
      reason TEXT NOT NULL,
      customer_id TEXT,
      order_id TEXT,
      device_serial TEXT,
      coupon_ids TEXT NOT NULL,
      coupon_count INTEGER NOT NULL,
      state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      retry_at TEXT,
      to_address TEXT,
      message_id TEXT,
      possibly_duplicate INTEGER NOT NULL DEFAULT 0,
      queued_at TEXT NOT NULL,
      sent_at TEXT,
      failed_at TEXT,
      updated_at TEXT NOT NULL
    )`);
    db.exec(`CREATE INDEX ${e}_by_queued ON ${e} (queued_at)`);
    db.exec(`CREATE INDEX ${e}_by_state ON ${e} (state, queued_at)`);
    db.exec(`CREATE INDEX ${e}_by_order ON ${e} (order_id, queued_at)`);
    db.exec(`CREATE INDEX ${e}_by_customer ON ${e} (customer_id, queued_at)`);
    db.exec(`CREATE INDEX ${e}_by_sent ON ${e} (sent_at)`);
    db.exec(`CREATE INDEX ${e}_by_updated ON ${e} (updated_at)`);
    db.exec(`CREATE INDEX ${e}_by_to ON ${e} (to_address)`);
  },
  apply(db, event, t) {
    const e = t('emails');
    switch (event.type) {
      case 'EmailQueued': {
        const d = event.data;
        const couponIds = d.purpose === 'coupon_codes' ? d.couponIds : [];
        sql(db)`INSERT INTO ${e} (id, purpose, reason, customer_id, order_id, device_serial, coupon_ids, coupon_count, state, to_address, queued_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`.run(
          d.emailId,
          d.purpose,
          d.reason,
          d.purpose === 'log_head' ? null : d.customerId,
          d.purpose === 'coupon_codes' || d.purpose === 'payment_notice' ? d.orderId : null,
          d.purpose === 'renewal_reminder' ? d.deviceSerial : null,
          JSON.stringify(couponIds),
          couponIds.length,
          d.purpose === 'log_head' ? d.to.toLowerCase() : null,
          isoTime(d.queuedAt),
          isoTime(d.queuedAt),
        );
        break;
      }
      case 'EmailSent': {
        const d = event.data;
        sql(db)`UPDATE ${e} SET state = 'sent', attempts = ?, to_address = ?, message_id = ?, possibly_duplicate = ?, sent_at = ?, retry_at = NULL, updated_at = ? WHERE id = ?`.run(d.attempt, d.to.toLowerCase(), d.messageId, d.possiblyDuplicate ? 1 : 0, isoTime(d.sentAt), isoTime(d.sentAt), d.emailId);
        break;
      }
      case 'EmailAttemptFailed': {
        const d = event.data;
        sql(db)`UPDATE ${e} SET state = 'retrying', attempts = ?, last_error = ?, retry_at = ?, updated_at = ? WHERE id = ?`.run(
          d.attempt,
          d.error,
          isoTime(d.retryAt),
          isoTime(d.failedAt),
          d.emailId,
        );
        break;
      }
      case 'EmailGaveUp': {
        const d = event.data;
        sql(db)`UPDATE ${e} SET state = 'failed', attempts = ?, last_error = ?, retry_at = NULL, failed_at = ?, updated_at = ? WHERE id = ?`.run(d.attempts, d.error, isoTime(d.gaveUpAt), isoTime(d.gaveUpAt), d.emailId);
        break;
      }
      case 'EmailRetryRequested': {
        const d = event.data;
        sql(db)`UPDATE ${e} SET state = 'queued', retry_at = NULL, updated_at = ? WHERE id = ?`.run(isoTime(d.requestedAt), d.emailId);
        break;
      }
    }
  },
};
