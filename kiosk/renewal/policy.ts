// The issuer policy that rules a device, as the back office serves it (GET /api/issuer-policies/:id,
// the device's `policyId`), in the domain's shape so that the shared rules (renewalWindow.ts,
// policyRules.ts) can be asked. A policy the back office does not have (the default never set)
// is the guides' own, as policyFor says.
import { GUIDE_POLICY } from '../../domain/certificates/policyRules';
import type { IssuerPolicy } from '../../domain/certificates/events';
import type { BackOffice, IssuerPolicyRow } from '../backOffice';

export function policyOfRow(row: IssuerPolicyRow): IssuerPolicy {
  return {
    issuerId: row.issuerId,
    issuerName: row.issuerName,
    renewalOpensDaysBefore: row.renewalOpensDaysBefore,
    graceHours: row.graceHours,
    validityYears: row.validityYears,
    payAfter: { offered: row.payAfterOffered, deviceKinds: row.payAfterDeviceKinds, issuedFrom: row.payAfterIssuedFrom },
    payAfterFeeCents: row.payAfterFeeCents,
    payAfterVatRateBp: row.payAfterVatRateBp,
  };
}

export async function devicePolicy(backOffice: BackOffice, policyId: string | null | undefined): Promise<IssuerPolicy> {
  if (!policyId) return GUIDE_POLICY;
  const row = await backOffice.issuerPolicy(policyId);
  return row ? policyOfRow(row) : GUIDE_POLICY;
}
