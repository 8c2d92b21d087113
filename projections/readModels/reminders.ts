// Read model `reminders`: the renewal reminders recorded (one row per claim stream
// `reminder-<deviceSerial>-<certificateSerialNumber>-<offsetDays>`, so at most one per certificate
// and offset): the device, the certificate, the offset, the deadline, who the e-mails are for, and
// when it was recorded. Whether each e-mail went out is the `emails` read model's (by e-mail id).
import type { ReminderEvent } from '../../domain/reminders/events';
import { sql, type Projection } from '../projection';
import { isoTime } from './shared';

export const remindersProjection: Projection<ReminderEvent> = {
  name: 'reminders',
  version: 1,
  tables: ['reminders'],
  handles: ['RenewalReminderSent'],
  setup(db, t) {
    const r = t('reminders');
    db.exec(`CREATE TABLE ${r} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      device_serial TEXT NOT NULL,
      certificate_kind TEXT NOT NULL,
      certificate_serial_number TEXT NOT NULL,
      offset_days INTEGER NOT NULL,
      deadline TEXT NOT NULL,
      email_ids TEXT NOT NULL,
      recipients TEXT NOT NULL,
      recipient_count INTEGER NOT NULL,
      holder_customer_id TEXT,
      buyer_customer_id TEXT,
      sent_at TEXT NOT NULL
    )`);
    db.exec(`CREATE INDEX ${r}_by_sent ON ${r} (sent_at)`);
    db.exec(`CREATE INDEX ${r}_by_device ON ${r} (device_serial, sent_at)`);
    db.exec(`CREATE INDEX ${r}_by_deadline ON ${r} (deadline)`);
    db.exec(`CREATE INDEX ${r}_by_offset ON ${r} (offset_days, sent_at)`);
    db.exec(`CREATE INDEX ${r}_by_holder ON ${r} (holder_customer_id, sent_at)`);
    db.exec(`CREATE INDEX ${r}_by_buyer ON ${r} (buyer_customer_id, sent_at)`);
  },
  apply(db, event, t) {
    if (event.type !== 'RenewalReminderSent') return;
    const d = event.data;
    const recipients = d.recipients ?? [];
    const of = (role: 'holder' | 'buyer') => recipients.find((r) => r.role === role)?.customerId ?? null;
    sql(db)`INSERT INTO ${t('reminders')} (id, device_serial, certificate_kind, certificate_serial_number, offset_days, deadline, email_ids,
         recipients, recipient_count, holder_customer_id, buyer_customer_id, sent_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`.run(
      event.stream,
      d.deviceSerial,
      d.certificateKind,
      d.certificateSerialNumber,
      d.offsetDays,
      isoTime(d.deadline),
      JSON.stringify(d.emailIds),
      JSON.stringify(recipients),
      d.emailIds.length,
      of('holder'),
      of('buyer'),
      isoTime(d.sentAt),
    );
  },
};
