// Issuer policies, as the read API serves them (server/read/routes.ts): one row per issuer policy as
// last set, who set it and when, and its past settings (`changes`, oldest first).
import type { ResourceSpec } from '../../read/listQuery';
import { id, text, int, bool, json, when, money, textId } from '../../read/fields';
import { roleGroups } from '../../security/routeTable';

export const certificatesResources: ResourceSpec[] = [
  {
    name: 'issuer-policies',
    singular: 'issuer policy',
    view: 'issuer_policies',
    projection: 'issuer-policies',
    id: textId,
    tieBreaker: 'seq',
    summary: "Issuer policies: each certificate issuer's renewal window, new validity, pay-after offer and fee (cents excluding VAT)",
    access: roleGroups.policyReaders,
    defaultSort: ['id', 'ASC'],
    fields: {
      id,
      issuerId: text({ sql: 'id' }),
      issuerName: text({ sort: true }),
      renewalOpensDaysBefore: int(),
      graceHours: int(),
      validityYears: int(),
      payAfterOffered: bool({ filter: true }),
      payAfterDeviceKinds: json(),
      payAfterIssuedFrom: text(),
      payAfterFeeCents: money(),
      payAfterVatRateBp: int(),
      setBy: text({ filter: true }),
      setAt: when(),
      changeCount: int(),
      /** Every setting of the policy, oldest first: `{ setBy, setAt, policy }`. */
      changes: json(),
    },
  },
];
