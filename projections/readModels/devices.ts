// Read model `devices`: the signature devices sold by this reseller, with their certificates (signing
// = Sottoscrizione, authentication = CNS) as columns, and `expires_at`, the earliest expiry of the
// two: what the renewal deadline follows. Days to expiry depend on today, so the read API computes
// them in SQL from `expires_at` at query time (server/features/devices/read.ts).
//
// The renewal window (domain/certificates/renewalWindow.ts) under the device's issuer policy
// (policyFor): each certificate's `window_opens_at` / `window_closes_at` as windowOf draws them, and
// the device's own (the earliest of its certificates'), so that the read API compares them with the
// clock (`@now`) and tells not_yet / open / in_grace / closed exactly as windowState does. The
// projection keeps the policies it has seen (`device_policies`) and redraws the windows of the
// devices a policy rules when IssuerPolicySet arrives, and a certificate's when it is renewed.
//
// Over the device's life: a renewed certificate replaces the columns of its kind (the current
// certificate is always the one shown); a revoked one keeps its columns with `<kind>_status`
// 'revoked', its `revoked_at` and RFC 5280 reason; `device_status` is the token's status (active,
// lost, suspended, terminated) with the reason and instant of its last change, and `replaced_by`
// the device replacing it.
import type Database from 'better-sqlite3';
import { policyFor, issuerKey, type IssuerPolicy } from '../../domain/certificates/issuerPolicy';
import type { IssuerPolicyEvent } from '../../domain/certificates/events';
import { windowOf } from '../../domain/certificates/renewalWindow';
import type { DeviceCertificate, DeviceEvent } from '../../domain/devices/events';
import { sql, type Projection, type TableName } from '../projection';
import { isoTime } from './shared';

interface CertificateColumns {
  signing_valid_until: string | null;
  authentication_valid_until: string | null;
}

/** The window columns of a device under a policy: per certificate, and the device's (earliest). */
function windowColumns(row: CertificateColumns, policy: IssuerPolicy) {
  const signing = row.signing_valid_until ? windowOf(row.signing_valid_until, policy) : null;
  const authentication = row.authentication_valid_until ? windowOf(row.authentication_valid_until, policy) : null;
  const earliest = (a: string | undefined, b: string | undefined) => [a, b].filter((x): x is string => !!x).sort()[0] ?? null;
  const expiries = [row.signing_valid_until, row.authentication_valid_until].filter((x): x is string => !!x).sort();
  return {
    policyId: policy.issuerId,
    signingOpensAt: signing?.opensAt ?? null,
    signingClosesAt: signing?.closesAt ?? null,
    authenticationOpensAt: authentication?.opensAt ?? null,
    authenticationClosesAt: authentication?.closesAt ?? null,
    opensAt: earliest(signing?.opensAt, authentication?.opensAt)!,
    closesAt: earliest(signing?.closesAt, authentication?.closesAt)!,
    expiresAt: expiries[0]!,
  };
}

function policiesSeen(db: Database.Database, t: TableName): IssuerPolicy[] {
  return (sql(db)`SELECT policy FROM ${t('device_policies')}`.pluck().all() as string[]).map((p) => JSON.parse(p) as IssuerPolicy);
}

/** Redraws the window of one device (by row) under the policy that rules it now. */
function redraw(db: Database.Database, t: TableName, id: string, policies: readonly IssuerPolicy[]): void {
  const row = sql(db)`SELECT issuer, signing_valid_until, authentication_valid_until FROM ${t('devices')} WHERE id = ?`.get(id) as
    | (CertificateColumns & { issuer: string })
    | undefined;
  if (!row) return;
  const w = windowColumns(row, policyFor(row.issuer, policies));
  sql(db)`UPDATE ${t('devices')} SET policy_id = ?, signing_window_opens_at = ?, signing_window_closes_at = ?,
       authentication_window_opens_at = ?, authentication_window_closes_at = ?, window_opens_at = ?, window_closes_at = ?, expires_at = ?
     WHERE id = ?`.run(w.policyId, w.signingOpensAt, w.signingClosesAt, w.authenticationOpensAt, w.authenticationClosesAt, w.opensAt, w.closesAt, w.expiresAt, id);
}

export const devicesProjection: Projection<DeviceEvent | IssuerPolicyEvent> = {
  name: 'devices',
  // 3: each certificate's status and revocation, the device's status and replacement.
  version: 3,
  tables: ['devices', 'device_policies'],
  handles: ['DeviceRegistered', 'CertificateRenewed', 'CertificateRevoked', 'DeviceStatusChanged', 'IssuerPolicySet'],
  setup(db, t) {
    const d = t('devices');
    db.exec(`CREATE TABLE ${d} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL,
      issuer TEXT NOT NULL,
      issuer_key TEXT NOT NULL,
      issued_on TEXT NOT NULL,
      holder_codice_fiscale TEXT NOT NULL,
      signing_serial_number TEXT,
      signing_valid_from TEXT,
      signing_valid_until TEXT,
      signing_window_opens_at TEXT,
      signing_window_closes_at TEXT,
      signing_status TEXT,
      signing_revoked_at TEXT,
      signing_revocation_reason TEXT,
      authentication_serial_number TEXT,
      authentication_valid_from TEXT,
      authentication_valid_until TEXT,
      authentication_window_opens_at TEXT,
      authentication_window_closes_at TEXT,
      authentication_status TEXT,
      authentication_revoked_at TEXT,
      authentication_revocation_reason TEXT,
      certificate_count INTEGER NOT NULL,
      expires_at TEXT NOT NULL,
      policy_id TEXT NOT NULL,
      window_opens_at TEXT NOT NULL,
      window_closes_at TEXT NOT NULL,
      revoked INTEGER NOT NULL DEFAULT 0,
      registered_at TEXT NOT NULL,
      device_status TEXT NOT NULL DEFAULT 'active',
      status_reason TEXT,
      status_changed_at TEXT,
      replaced_by TEXT
    )`);
    db.exec(`CREATE INDEX ${d}_by_status ON ${d} (device_status, expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_replaced_by ON ${d} (replaced_by)`);
    db.exec(`CREATE INDEX ${d}_by_expiry ON ${d} (expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_holder ON ${d} (holder_codice_fiscale, expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_kind ON ${d} (kind, expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_issuer ON ${d} (issuer, expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_issuer_key ON ${d} (issuer_key)`);
    db.exec(`CREATE INDEX ${d}_by_policy ON ${d} (policy_id, expires_at)`);
    db.exec(`CREATE INDEX ${d}_by_window_opens ON ${d} (window_opens_at)`);
    db.exec(`CREATE INDEX ${d}_by_window_closes ON ${d} (window_closes_at)`);
    db.exec(`CREATE INDEX ${d}_by_registered ON ${d} (registered_at)`);
    db.exec(`CREATE INDEX ${d}_by_issued ON ${d} (issued_on)`);
    db.exec(`CREATE TABLE ${t('device_policies')} (id TEXT PRIMARY KEY, policy TEXT NOT NULL)`);
  },
  apply(db, event, t) {
    const d = t('devices');
    switch (event.type) {
      case 'DeviceRegistered': {
        const data = event.data;
        const of = (kind: DeviceCertificate['kind']) => data.certificates.find((c) => c.kind === kind);
        const signing = of('signing');
        const authentication = of('authentication');
        const certificates = { signing_valid_until: isoTime(signing?.validUntil), authentication_valid_until: isoTime(authentication?.validUntil) };
        const w = windowColumns(certificates, policyFor(data.issuer, policiesSeen(db, t)));
        sql(db)`INSERT INTO ${d} (id, kind, issuer, issuer_key, issued_on, holder_codice_fiscale, signing_serial_number, signing_valid_from,
             signing_valid_until, signing_window_opens_at, signing_window_closes_at, authentication_serial_number,
             authentication_valid_from, authentication_valid_until, authentication_window_opens_at, authentication_window_closes_at,
             certificate_count, expires_at, policy_id, window_opens_at, window_closes_at, registered_at, signing_status, authentication_status)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`.run(
          data.serial,
          data.kind,
          data.issuer,
          issuerKey(data.issuer),
          data.issuedOn,
          data.holderCodiceFiscale,
          signing?.serialNumber ?? null,
          isoTime(signing?.validFrom),
          certificates.signing_valid_until,
          w.signingOpensAt,
          w.signingClosesAt,
          authentication?.serialNumber ?? null,
          isoTime(authentication?.validFrom),
          certificates.authentication_valid_until,
          w.authenticationOpensAt,
          w.authenticationClosesAt,
          data.certificates.length,
          w.expiresAt,
          w.policyId,
          w.opensAt,
          w.closesAt,
          isoTime(data.registeredAt),
          signing ? 'active' : null,
          authentication ? 'active' : null,
        );
        return;
      }
      case 'CertificateRenewed': {
        const { serial, kind, serialNumber, validFrom, validUntil } = event.data;
        const k = kind === 'signing' ? 'signing' : 'authentication';
        sql(db)`UPDATE ${d} SET ${k}_serial_number = ?, ${k}_valid_from = ?, ${k}_valid_until = ?, ${k}_status = 'active', ${k}_revoked_at = NULL,
             ${k}_revocation_reason = NULL WHERE id = ?`.run(
          serialNumber,
          isoTime(validFrom),
          isoTime(validUntil),
          serial,
        );
        redraw(db, t, serial, policiesSeen(db, t));
        return;
      }
      case 'CertificateRevoked': {
        // A revoked certificate is never renewed: the device's window is closed for good.
        const { serial, kind, reason, revokedAt } = event.data;
        const k = kind === 'signing' ? 'signing' : 'authentication';
        sql(db)`UPDATE ${d} SET revoked = 1, ${k}_status = 'revoked', ${k}_revoked_at = ?, ${k}_revocation_reason = ? WHERE id = ?`.run(
          isoTime(revokedAt),
          reason,
          serial,
        );
        return;
      }
      case 'DeviceStatusChanged': {
        const { serial, to, reason, replacedBy, changedAt } = event.data;
        sql(db)`UPDATE ${d} SET device_status = ?, status_reason = ?, status_changed_at = ?, replaced_by = coalesce(?, replaced_by) WHERE id = ?`.run(to, reason, isoTime(changedAt), replacedBy, serial);
        return;
      }
      case 'IssuerPolicySet': {
        const { setBy: _by, setAt: _at, ...policy } = event.data;
        sql(db)`INSERT INTO ${t('device_policies')} (id, policy) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET policy = excluded.policy`.run(
          policy.issuerId,
          JSON.stringify(policy),
        );
        const policies = policiesSeen(db, t);
        // The devices it ruled (it may rule fewer now) and the devices of its issuer (which it rules now).
        const ids = sql(db)`SELECT id FROM ${d} WHERE policy_id = ? OR issuer_key = ?`.pluck().all(policy.issuerId, issuerKey(policy.issuerName)) as string[];
        for (const id of ids) redraw(db, t, id, policies);
        return;
      }
    }
  },
};
