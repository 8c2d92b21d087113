// Read model `device_events`: a device's timeline, one row per thing that happened to it, oldest
// first: registered, a certificate renewed or revoked, its status changed (lost, suspended, active
// again, terminated, replaced), and the renewals and replacement requests that name it (started,
// completed, failed, abandoned; requested, approved, rejected, new device issued, completed).
//
// `entry` says what happened in a stable word the console turns into an Italian one-line summary
// (admin-ui/src/i18n); the columns beside it carry what the summary names. The renewal and
// replacement events after the first name their renewal or request, not the device: the first one
// (RenewalStarted, ReplacementRequested) links the id to the device serial in `device_event_links`.
// Who did it is the event's actor, with the username from the staff events (`device_event_staff`).
import type { DeviceEvent } from '../../domain/devices/events';
import type { RenewalEvent } from '../../domain/renewals/events';
import type { ReplacementEvent } from '../../domain/replacements/events';
import type { StaffEvent } from '../../domain/staff/events';
import { sql, type Projection, type ProjectedEvent, type TableName } from '../projection';
import { isoTime } from './shared';
import type Database from 'better-sqlite3';

type Handled = DeviceEvent | RenewalEvent | ReplacementEvent | Extract<StaffEvent, { type: 'StaffUserCreated' }>;

/** What a row of the timeline says happened. */
export const deviceTimelineEntries = [
  'registered',
  'certificate_renewed',
  'certificate_revoked',
  'status_changed',
  'replaced',
  'renewal_started',
  'renewal_completed',
  'renewal_failed',
  'renewal_abandoned',
  'replacement_requested',
  'replacement_approved',
  'replacement_rejected',
  'replacement_device_issued',
  'issued_as_replacement',
  'replacement_completed',
] as const;
export type DeviceTimelineEntry = (typeof deviceTimelineEntries)[number];

interface Row {
  entry: DeviceTimelineEntry;
  serial: string;
  certificateKind?: string | null;
  serialNumber?: string | null;
  previousSerialNumber?: string | null;
  validUntil?: string | null;
  reason?: string | null;
  fromStatus?: string | null;
  toStatus?: string | null;
  relatedSerial?: string | null;
  renewalId?: string | null;
  requestId?: string | null;
  reportId?: string | null;
  at: string;
}

function insert(db: Database.Database, t: TableName, event: ProjectedEvent, row: Row): void {
  const actor = event.metadata.actor;
  const name = sql(db)<[string], { username: string }>`SELECT username FROM ${t('device_event_staff')} WHERE user_id = ?`.get(actor.userId);
  sql(db)`INSERT INTO ${t('device_events')} (position, serial, type, entry, at, actor_id, actor_role, actor_name, certificate_kind, serial_number,
       previous_serial_number, valid_until, reason, from_status, to_status, related_serial, renewal_id, request_id, report_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`.run(
    event.position,
    row.serial,
    event.type,
    row.entry,
    isoTime(row.at),
    actor.userId,
    actor.role,
    name?.username ?? (actor.role === 'system' ? null : actor.userId),
    row.certificateKind ?? null,
    row.serialNumber ?? null,
    row.previousSerialNumber ?? null,
    isoTime(row.validUntil ?? null),
    row.reason ?? null,
    row.fromStatus ?? null,
    row.toStatus ?? null,
    row.relatedSerial ?? null,
    row.renewalId ?? null,
    row.requestId ?? null,
    row.reportId ?? null,
  );
}

function link(db: Database.Database, t: TableName, kind: 'renewal' | 'replacement', id: string, serial: string): void {
  sql(db)`INSERT OR IGNORE INTO ${t('device_event_links')} (kind, id, serial) VALUES (?, ?, ?)`.run(kind, id, serial);
}

function linked(db: Database.Database, t: TableName, kind: 'renewal' | 'replacement', id: string): string | undefined {
  return sql(db)<[string, string], { serial: string }>`SELECT serial FROM ${t('device_event_links')} WHERE kind = ? AND id = ?`.get(kind, id)?.serial;
}

export const deviceEventsProjection: Projection<Handled> = {
  name: 'device-events',
  version: 1,
  tables: ['device_events', 'device_event_links', 'device_event_staff'],
  handles: [
    'StaffUserCreated',
    'DeviceRegistered',
    'CertificateRenewed',
    'CertificateRevoked',
    'DeviceStatusChanged',
    'RenewalStarted',
    'RenewalCompleted',
    'RenewalFailed',
    'RenewalAbandoned',
    'ReplacementRequested',
    'ReplacementApproved',
    'ReplacementRejected',
    'ReplacementDeviceIssued',
    'ReplacementCompleted',
  ],
  setup(db, t) {
    const e = t('device_events');
    db.exec(`CREATE TABLE ${e} (
      seq INTEGER PRIMARY KEY,
      position INTEGER NOT NULL,
      serial TEXT NOT NULL,
      type TEXT NOT NULL,
      entry TEXT NOT NULL,
      at TEXT NOT NULL,
      actor_id TEXT NOT NULL,
      actor_role TEXT NOT NULL,
      actor_name TEXT,
      certificate_kind TEXT,
      serial_number TEXT,
      previous_serial_number TEXT,
      valid_until TEXT,
      reason TEXT,
      from_status TEXT,
      to_status TEXT,
      related_serial TEXT,
      renewal_id TEXT,
      request_id TEXT,
      report_id TEXT
    )`);
    db.exec(`CREATE INDEX ${e}_by_serial ON ${e} (serial, seq)`);
    db.exec(`CREATE INDEX ${e}_by_at ON ${e} (at)`);
    db.exec(`CREATE INDEX ${e}_by_entry ON ${e} (entry, at)`);
    db.exec(`CREATE TABLE ${t('device_event_links')} (kind TEXT NOT NULL, id TEXT NOT NULL, serial TEXT NOT NULL, PRIMARY KEY (kind, id))`);
    db.exec(`CREATE TABLE ${t('device_event_staff')} (user_id TEXT PRIMARY KEY, username TEXT NOT NULL)`);
  },
  apply(db, event, t) {
    const add = (row: Row) => insert(db, t, event as ProjectedEvent, row);
    switch (event.type) {
      case 'StaffUserCreated':
        sql(db)`INSERT OR REPLACE INTO ${t('device_event_staff')} (user_id, username) VALUES (?, ?)`.run(event.data.userId, event.data.username);
        return;
      case 'DeviceRegistered':
        add({ entry: 'registered', serial: event.data.serial, at: event.data.registeredAt });
        return;
      case 'CertificateRenewed': {
        const d = event.data;
        add({
          entry: 'certificate_renewed',
          serial: d.serial,
          certificateKind: d.kind,
          serialNumber: d.serialNumber,
          previousSerialNumber: d.previousSerialNumber,
          validUntil: d.validUntil,
          renewalId: d.renewalId,
          reportId: d.reportId,
          at: d.renewedAt,
        });
        return;
      }
      case 'CertificateRevoked': {
        const d = event.data;
        add({
          entry: 'certificate_revoked',
          serial: d.serial,
          certificateKind: d.kind,
          serialNumber: d.serialNumber,
          reason: d.reason,
          requestId: d.replacementRequestId,
          at: d.revokedAt,
        });
        return;
      }
      case 'DeviceStatusChanged': {
        const d = event.data;
        add({
          entry: d.replacedBy !== null ? 'replaced' : 'status_changed',
          serial: d.serial,
          fromStatus: d.from,
          toStatus: d.to,
          reason: d.reason,
          relatedSerial: d.replacedBy,
          at: d.changedAt,
        });
        return;
      }
      case 'RenewalStarted': {
        const d = event.data;
        link(db, t, 'renewal', d.renewalId, d.deviceSerial);
        add({
          entry: 'renewal_started',
          serial: d.deviceSerial,
          certificateKind: d.certificates.length === 1 ? d.certificates[0]! : 'both',
          reason: d.partialReason,
          renewalId: d.renewalId,
          at: d.startedAt,
        });
        return;
      }
      case 'RenewalCompleted':
      case 'RenewalFailed':
      case 'RenewalAbandoned': {
        const serial = linked(db, t, 'renewal', event.data.renewalId);
        if (!serial) return;
        if (event.type === 'RenewalCompleted') {
          const d = event.data;
          add({
            entry: 'renewal_completed',
            serial,
            certificateKind: d.certificates.length === 1 ? d.certificates[0]!.kind : 'both',
            validUntil: d.certificates.map((c) => c.validUntil).sort()[0] ?? null,
            renewalId: d.renewalId,
            at: d.completedAt,
          });
        } else if (event.type === 'RenewalFailed') {
          const d = event.data;
          add({ entry: 'renewal_failed', serial, certificateKind: d.certificateKind, reason: d.reason, toStatus: d.stepReached, renewalId: d.renewalId, at: d.failedAt });
        } else {
          const d = event.data;
          add({ entry: 'renewal_abandoned', serial, reason: d.reason, renewalId: d.renewalId, at: d.abandonedAt });
        }
        return;
      }
      case 'ReplacementRequested': {
        const d = event.data;
        link(db, t, 'replacement', d.requestId, d.deviceSerial);
        add({ entry: 'replacement_requested', serial: d.deviceSerial, reason: d.reason, requestId: d.requestId, at: d.requestedAt });
        return;
      }
      case 'ReplacementApproved':
      case 'ReplacementRejected':
      case 'ReplacementDeviceIssued':
      case 'ReplacementCompleted': {
        const serial = linked(db, t, 'replacement', event.data.requestId);
        if (!serial) return;
        if (event.type === 'ReplacementApproved') {
          add({ entry: 'replacement_approved', serial, reason: event.data.note, requestId: event.data.requestId, at: event.data.approvedAt });
        } else if (event.type === 'ReplacementRejected') {
          add({ entry: 'replacement_rejected', serial, reason: event.data.note, requestId: event.data.requestId, at: event.data.rejectedAt });
        } else if (event.type === 'ReplacementDeviceIssued') {
          const d = event.data;
          add({ entry: 'replacement_device_issued', serial, relatedSerial: d.newDeviceSerial, requestId: d.requestId, at: d.issuedAt });
          add({ entry: 'issued_as_replacement', serial: d.newDeviceSerial, relatedSerial: serial, requestId: d.requestId, at: d.issuedAt });
        } else {
          add({ entry: 'replacement_completed', serial, requestId: event.data.requestId, at: event.data.completedAt });
        }
        return;
      }
      default:
        return;
    }
  },
};
