// Read model `devices`: the signature devices sold by this reseller, with their certificates (signing
// = Sottoscrizione, authentication = CNS) as columns, and `expires_at`, the earliest expiry of the
// two: what the renewal deadline follows. Days to expiry depend on today, so the read API computes
// them in SQL from `expires_at` at query time (server/read/resources.ts).
//
// Over the device's life: a renewed certificate replaces the columns of its kind (the current
// certificate is always the one shown) and `expires_at` follows; a revoked one keeps its columns
// with `<kind>_status` 'revoked', its `revoked_at` and RFC 5280 reason; `device_status` is the
// token's status (active, lost, suspended, terminated) and `replaced_by` the device replacing it.
import type { DeviceCertificate, DeviceCertificateKind, DeviceEvent } from '../../domain/devices/events';
import { statement, type Projection } from '../projection';
import { isoTime } from './shared';

export const devicesProjection: Projection<DeviceEvent> = {
  name: 'devices',
  // 2: the device's life: certificates renewed and revoked, the device's status and replacement.
  version: 2,
  tables: ['devices'],
  handles: ['DeviceRegistered', 'CertificateRenewed', 'CertificateRevoked', 'DeviceStatusChanged'],
  setup(db, t) {
    const d = t('devices');
    db.exec(`CREATE TABLE ${d} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL,
      issuer TEXT NOT NULL,
      issued_on TEXT NOT NULL,
      holder_codice_fiscale TEXT NOT NULL,
      signing_serial_number TEXT,
      signing_valid_from TEXT,
      signing_valid_until TEXT,
      signing_status TEXT,
      signing_revoked_at TEXT,
      signing_revocation_reason TEXT,
      authentication_serial_number TEXT,
      authentication_valid_from TEXT,
      authentication_valid_until TEXT,
      authentication_status TEXT,
      authentication_revoked_at TEXT,
      authentication_revocation_reason TEXT,
      certificate_count INTEGER NOT NULL,
      revoked_count INTEGER NOT NULL DEFAULT 0,
      expires_at TEXT NOT NULL,
      registered_at TEXT NOT NULL,
      device_status TEXT NOT NULL DEFAULT 'active',
      status_reason TEXT,
      status_changed_at TEXT,
      replaced_by TEXT
    )`);
    db.exec(`CREATE INDEX ${d}_by_status ON ${d} (device_status, expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_expiry ON ${d} (expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_holder ON ${d} (holder_codice_fiscale, expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_kind ON ${d} (kind, expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_issuer ON ${d} (issuer, expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_registered ON ${d} (registered_at)`);
    db.exec(`CREATE INDEX ${d}_by_issued ON ${d} (issued_on)`);
  },
  apply(db, event, t) {
    const d = t('devices');
    switch (event.type) {
      case 'DeviceRegistered':
        return register(db, d, event.data);
      case 'CertificateRenewed': {
        const e = event.data;
        const k = columnsOf(e.kind);
        statement(
          db,
          `UPDATE ${d} SET ${k}_serial_number = ?, ${k}_valid_from = ?, ${k}_valid_until = ?, ${k}_status = 'active',
             ${k}_revoked_at = NULL, ${k}_revocation_reason = NULL WHERE id = ?`,
        ).run(e.serialNumber, isoTime(e.validFrom), isoTime(e.validUntil), e.serial);
        statement(
          db,
          `UPDATE ${d} SET expires_at = min(coalesce(signing_valid_until, authentication_valid_until), coalesce(authentication_valid_until, signing_valid_until))
           WHERE id = ?`,
        ).run(e.serial);
        return;
      }
      case 'CertificateRevoked': {
        const e = event.data;
        const k = columnsOf(e.kind);
        statement(
          db,
          `UPDATE ${d} SET ${k}_status = 'revoked', ${k}_revoked_at = ?, ${k}_revocation_reason = ?,
             revoked_count = revoked_count + (CASE WHEN ${k}_status = 'revoked' THEN 0 ELSE 1 END) WHERE id = ?`,
        ).run(isoTime(e.revokedAt), e.reason, e.serial);
        return;
      }
      case 'DeviceStatusChanged': {
        const e = event.data;
        statement(
          db,
          `UPDATE ${d} SET device_status = ?, status_reason = ?, status_changed_at = ?, replaced_by = coalesce(?, replaced_by) WHERE id = ?`,
        ).run(e.to, e.reason, isoTime(e.changedAt), e.replacedBy, e.serial);
        return;
      }
      default:
        return;
    }
  },
};

/** The columns' prefix of a certificate kind (a fixed list: never the event's text in SQL). */
const columnsOf = (kind: DeviceCertificateKind): 'signing' | 'authentication' => (kind === 'signing' ? 'signing' : 'authentication');

function register(db: Parameters<Projection['apply']>[0], table: string, d: Extract<DeviceEvent, { type: 'DeviceRegistered' }>['data']): void {
  const of = (kind: DeviceCertificate['kind']) => d.certificates.find((c) => c.kind === kind);
  const signing = of('signing');
  const authentication = of('authentication');
  const expiries = d.certificates.map((c) => isoTime(c.validUntil)).sort();
  statement(
    db,
    `INSERT INTO ${table} (id, kind, issuer, issued_on, holder_codice_fiscale, signing_serial_number, signing_valid_from,
       signing_valid_until, signing_status, authentication_serial_number, authentication_valid_from, authentication_valid_until,
       authentication_status, certificate_count, expires_at, registered_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    d.serial,
    d.kind,
    d.issuer,
    d.issuedOn,
    d.holderCodiceFiscale,
    signing?.serialNumber ?? null,
    isoTime(signing?.validFrom),
    isoTime(signing?.validUntil),
    signing ? 'active' : null,
    authentication?.serialNumber ?? null,
    isoTime(authentication?.validFrom),
    isoTime(authentication?.validUntil),
    authentication ? 'active' : null,
    d.certificates.length,
    expiries[0]!,
    isoTime(d.registeredAt),
  );
}
