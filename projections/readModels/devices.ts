// Read model `devices`: the signature devices sold by this reseller, with their certificates (signing
// = Sottoscrizione, authentication = CNS) as columns, and `expires_at`, the earliest expiry of the
// two: what the renewal deadline follows. Days to expiry depend on today, so the read API computes
// them in SQL from `expires_at` at query time (server/read/resources.ts).
import type { DeviceCertificate, DeviceEvent } from '../../domain/devices/events';
import { statement, type Projection } from '../projection';
import { isoTime } from './shared';

export const devicesProjection: Projection<DeviceEvent> = {
  name: 'devices',
  version: 1,
  tables: ['devices'],
  handles: ['DeviceRegistered'],
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
      authentication_serial_number TEXT,
      authentication_valid_from TEXT,
      authentication_valid_until TEXT,
      certificate_count INTEGER NOT NULL,
      expires_at TEXT NOT NULL,
      registered_at TEXT NOT NULL
    )`);
    db.exec(`CREATE INDEX ${d}_by_expiry ON ${d} (expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_holder ON ${d} (holder_codice_fiscale, expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_kind ON ${d} (kind, expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_issuer ON ${d} (issuer, expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_registered ON ${d} (registered_at)`);
    db.exec(`CREATE INDEX ${d}_by_issued ON ${d} (issued_on)`);
  },
  apply(db, event, t) {
    if (event.type !== 'DeviceRegistered') return;
    const d = event.data;
    const of = (kind: DeviceCertificate['kind']) => d.certificates.find((c) => c.kind === kind);
    const signing = of('signing');
    const authentication = of('authentication');
    const expiries = d.certificates.map((c) => isoTime(c.validUntil)).sort();
    statement(
      db,
      `INSERT INTO ${t('devices')} (id, kind, issuer, issued_on, holder_codice_fiscale, signing_serial_number, signing_valid_from,
         signing_valid_until, authentication_serial_number, authentication_valid_from, authentication_valid_until,
         certificate_count, expires_at, registered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      d.serial,
      d.kind,
      d.issuer,
      d.issuedOn,
      d.holderCodiceFiscale,
      signing?.serialNumber ?? null,
      isoTime(signing?.validFrom),
      isoTime(signing?.validUntil),
      authentication?.serialNumber ?? null,
      isoTime(authentication?.validFrom),
      isoTime(authentication?.validUntil),
      d.certificates.length,
      expiries[0]!,
      isoTime(d.registeredAt),
    );
  },
};
