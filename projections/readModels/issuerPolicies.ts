// Read model `issuer_policies`: one row per issuer policy (stream `issuer-policies`), as last set,
// with who set it and when, and the list of its past settings (`changes`, oldest first: each the
// whole policy as it was set, by whom and when).
import type { IssuerPolicyEvent } from '../../domain/certificates/events';
import { sql, type Projection } from '../projection';
import { isoTime } from './shared';

export const issuerPoliciesProjection: Projection<IssuerPolicyEvent> = {
  name: 'issuer-policies',
  version: 1,
  tables: ['issuer_policies'],
  handles: ['IssuerPolicySet'],
  setup(db, t) {
    const p = t('issuer_policies');
    db.exec(`CREATE TABLE ${p} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      issuer_name TEXT NOT NULL,
      renewal_opens_days_before INTEGER NOT NULL,
      grace_hours INTEGER NOT NULL,
      validity_years INTEGER NOT NULL,
      pay_after_offered INTEGER NOT NULL,
      pay_after_device_kinds TEXT NOT NULL,
      pay_after_issued_from TEXT,
      pay_after_fee_cents INTEGER NOT NULL,
      pay_after_vat_rate_bp INTEGER NOT NULL,
      set_by TEXT NOT NULL,
      set_at TEXT NOT NULL,
      change_count INTEGER NOT NULL,
      changes TEXT NOT NULL
    )`);
    db.exec(`CREATE INDEX ${p}_by_name ON ${p} (issuer_name)`);
    db.exec(`CREATE INDEX ${p}_by_set_at ON ${p} (set_at)`);
  },
  apply(db, event, t) {
    if (event.type !== 'IssuerPolicySet') return;
    const p = t('issuer_policies');
    const { setBy, setAt, ...policy } = event.data;
    const at = isoTime(setAt);
    const previous = sql(db)`SELECT changes FROM ${p} WHERE id = ?`.pluck().get(policy.issuerId) as string | undefined;
    const changes = [...(previous ? (JSON.parse(previous) as unknown[]) : []), { setBy, setAt: at, policy }];
    const values = [
      policy.issuerName,
      policy.renewalOpensDaysBefore,
      policy.graceHours,
      policy.validityYears,
      policy.payAfter.offered ? 1 : 0,
      JSON.stringify(policy.payAfter.deviceKinds),
      policy.payAfter.issuedFrom,
      policy.payAfterFeeCents,
      policy.payAfterVatRateBp,
      setBy,
      at,
      changes.length,
      JSON.stringify(changes),
    ];
    if (previous === undefined) {
      sql(db)`INSERT INTO ${p} (issuer_name, renewal_opens_days_before, grace_hours, validity_years, pay_after_offered, pay_after_device_kinds,
           pay_after_issued_from, pay_after_fee_cents, pay_after_vat_rate_bp, set_by, set_at, change_count, changes, id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`.run(...values, policy.issuerId);
    } else {
      sql(db)`UPDATE ${p} SET issuer_name = ?, renewal_opens_days_before = ?, grace_hours = ?, validity_years = ?, pay_after_offered = ?,
           pay_after_device_kinds = ?, pay_after_issued_from = ?, pay_after_fee_cents = ?, pay_after_vat_rate_bp = ?, set_by = ?, set_at = ?,
           change_count = ?, changes = ?
         WHERE id = ?`.run(...values, policy.issuerId);
    }
  },
};
