// Read model `replacement_requests`: one row per replacement request, with its state (pending,
// approved, rejected, completed), who opened it and why, who decided and the note, the order for the
// new device and the new device, and what became of the old device (its status and which of its
// certificates were revoked, and why). The supervisors' queue is the pending rows, oldest first; the
// age is worked out when read (server/features/replacements/read.ts).
import type { DeviceEvent } from '../../domain/devices/events';
import type { ReplacementEvent } from '../../domain/replacements/events';
import { sql, type Projection } from '../projection';
import { isoTime } from './shared';

export { replacementStatuses as REPLACEMENT_STATES } from '../../domain/replacements/decider';

export const replacementRequestsProjection: Projection<ReplacementEvent | DeviceEvent> = {
  name: 'replacement-requests',
  version: 1,
  tables: ['replacement_requests'],
  handles: [
    'ReplacementRequested',
    'ReplacementApproved',
    'ReplacementRejected',
    'ReplacementOrderPlaced',
    'ReplacementDeviceIssued',
    'ReplacementCompleted',
    'CertificateRevoked',
    'DeviceStatusChanged',
  ],
  setup(db, t) {
    const r = t('replacement_requests');
    db.exec(`CREATE TABLE ${r} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      device_serial TEXT NOT NULL,
      holder_codice_fiscale TEXT NOT NULL,
      customer_id TEXT NOT NULL,
      reason TEXT NOT NULL,
      note TEXT NOT NULL,
      product_code TEXT NOT NULL,
      status TEXT NOT NULL,
      requested_by TEXT NOT NULL,
      requested_at TEXT NOT NULL,
      decided_by TEXT,
      decided_at TEXT,
      decision_note TEXT,
      order_id TEXT,
      ordered_at TEXT,
      new_device_serial TEXT,
      issued_by TEXT,
      issued_at TEXT,
      completed_at TEXT,
      old_device_status TEXT NOT NULL DEFAULT 'active',
      revoked_certificates TEXT NOT NULL DEFAULT '',
      revocation_reason TEXT
    )`);
    db.exec(`CREATE INDEX ${r}_by_requested_at ON ${r} (requested_at)`);
    db.exec(`CREATE INDEX ${r}_by_status ON ${r} (status, requested_at)`);
    db.exec(`CREATE INDEX ${r}_by_device ON ${r} (device_serial, requested_at)`);
    db.exec(`CREATE INDEX ${r}_by_holder ON ${r} (holder_codice_fiscale, requested_at)`);
    db.exec(`CREATE INDEX ${r}_by_customer ON ${r} (customer_id, requested_at)`);
  },
  apply(db, event, t) {
    const r = t('replacement_requests');
    switch (event.type) {
      case 'ReplacementRequested': {
        const d = event.data;
        sql(db)`INSERT INTO ${r} (id, device_serial, holder_codice_fiscale, customer_id, reason, note, product_code, status, requested_by, requested_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`.run(d.requestId, d.deviceSerial, d.holderCodiceFiscale, d.customerId, d.reason, d.note, d.productCode, d.requestedBy, isoTime(d.requestedAt));
        break;
      }
      case 'ReplacementApproved': {
        const d = event.data;
        sql(db)`UPDATE ${r} SET status = 'approved', decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?`.run(d.approvedBy, isoTime(d.approvedAt), d.note, d.requestId);
        break;
      }
      case 'ReplacementRejected': {
        const d = event.data;
        sql(db)`UPDATE ${r} SET status = 'rejected', decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?`.run(d.rejectedBy, isoTime(d.rejectedAt), d.note, d.requestId);
        break;
      }
      case 'ReplacementOrderPlaced': {
        const d = event.data;
        sql(db)`UPDATE ${r} SET order_id = ?, ordered_at = ? WHERE id = ?`.run(d.orderId, isoTime(d.orderedAt), d.requestId);
        break;
      }
      case 'ReplacementDeviceIssued': {
        const d = event.data;
        sql(db)`UPDATE ${r} SET new_device_serial = ?, issued_by = ?, issued_at = ? WHERE id = ?`.run(d.newDeviceSerial, d.issuedBy, isoTime(d.issuedAt), d.requestId);
        break;
      }
      case 'ReplacementCompleted': {
        const d = event.data;
        sql(db)`UPDATE ${r} SET status = 'completed', completed_at = ? WHERE id = ?`.run(isoTime(d.completedAt), d.requestId);
        break;
      }
      case 'CertificateRevoked': {
        // The old device's certificates, on every request for that device (the latest one is the one that revoked them).
        const d = event.data;
        sql(db)`UPDATE ${r} SET revoked_certificates = CASE WHEN revoked_certificates = '' THEN ? WHEN instr(revoked_certificates, ?) > 0 THEN revoked_certificates ELSE revoked_certificates || ',' || ? END,
             revocation_reason = ? WHERE device_serial = ?`.run(d.kind, d.kind, d.kind, d.reason, d.serial);
        break;
      }
      case 'DeviceStatusChanged': {
        const d = event.data;
        sql(db)`UPDATE ${r} SET old_device_status = ? WHERE device_serial = ?`.run(d.to, d.serial);
        break;
      }
    }
  },
};
