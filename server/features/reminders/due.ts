// Which reminders are due, asked of the `certificate_deadlines` read model
// (projections/readModels/certificateDeadlines.ts): the active certificates of active devices whose
// deadline is still ahead and at most the largest offset away, a range over the index on
// `closes_at` (about offset/validity of the certificates, ~6 % for 60 days of 3 years, never a pass
// over all of them), less those whose latest offset due is recorded already. For each, the offset
// due now is the smallest one whose day has come (the SQL CASE is dueOffset of
// domain/reminders/schedule.ts over the same offsets). Also the reminders recorded whose e-mails a
// crash left unqueued: performing them again queues what is missing.
import { reminderStream } from '../../../domain/reminders/schedule';
import type Database from 'better-sqlite3';
import { DAY_MS } from '../../../domain/shared/utcTime';
import type { ReminderTask } from './service';

export function dueReminders(db: Database.Database, now: Date, offsetsDays: readonly number[]): ReminderTask[] {
  if (offsetsDays.length === 0) return [];
  const ascending = [...offsetsDays].sort((a, b) => a - b);
  const edge = (days: number) => new Date(now.getTime() + days * DAY_MS).toISOString();
  const cases = ascending.map(() => 'WHEN closes_at <= ? THEN ?').join(' ');
  const caseParams = ascending.flatMap((o) => [edge(o), o]);
  const rows = db
    .prepare(
      `SELECT device_serial, kind, serial_number, buyer_customer_id, due_offset FROM (
         SELECT device_serial, kind, serial_number, buyer_customer_id, last_reminder_offset, CASE ${cases} END AS due_offset
         FROM certificate_deadlines
         WHERE closes_at >= ? AND closes_at <= ? AND status = 'active' AND device_status = 'active'
       ) WHERE last_reminder_offset IS NULL OR last_reminder_offset > due_offset
       ORDER BY device_serial, kind`,
    )
    .all(...caseParams, now.toISOString(), edge(ascending[ascending.length - 1]!)) as Array<{
    device_serial: string;
    kind: ReminderTask['kind'];
    serial_number: string;
    buyer_customer_id: string | null;
    due_offset: number;
  }>;
  const due: ReminderTask[] = rows.map((r) => ({
    deviceSerial: r.device_serial,
    kind: r.kind,
    certificateSerialNumber: r.serial_number,
    offsetDays: r.due_offset,
    buyerCustomerId: r.buyer_customer_id,
  }));
  const unqueued = db
    .prepare(`SELECT DISTINCT device_serial, kind, serial_number, offset_days FROM certificate_reminder_unqueued ORDER BY device_serial, kind`)
    .all() as Array<{ device_serial: string; kind: ReminderTask['kind']; serial_number: string; offset_days: number }>;
  const keys = new Set(due.map((t) => reminderStream(t.deviceSerial, t.certificateSerialNumber, t.offsetDays)));
  for (const r of unqueued) {
    if (keys.has(reminderStream(r.device_serial, r.serial_number, r.offset_days))) continue;
    due.push({ deviceSerial: r.device_serial, kind: r.kind, certificateSerialNumber: r.serial_number, offsetDays: r.offset_days, buyerCustomerId: null });
  }
  return due;
}
