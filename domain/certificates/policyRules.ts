// Which issuer policy rules a device, and the guides' own rules: plain functions without zod, so
// that the console can ask them without shipping the event schemas (issuerPolicy.ts keeps the
// aggregate and its decision).
// A device names its issuer in free text; the policy whose name matches it (ignoring case and
// spacing) rules its certificates, else the `default` policy, else the guides' own rules.
import type { DeviceKind } from '../devices/events';
import type { IssuerPolicy } from './events';

export const DEFAULT_ISSUER_ID = 'default';

/** The guides' rules (DOMAIN.md): open 90 days before, 24 h of grace, 3 years, pay-after for smart cards from 2009 at €10 + VAT. */
export const GUIDE_POLICY: IssuerPolicy = {
  issuerId: DEFAULT_ISSUER_ID,
  issuerName: 'Predefinita',
  renewalOpensDaysBefore: 90,
  graceHours: 24,
  validityYears: 3,
  payAfter: { offered: true, deviceKinds: ['smart_card'], issuedFrom: '2009-01-01' },
  payAfterFeeCents: 1000,
  payAfterVatRateBp: 2200,
};

/** The key a device's `issuer` and a policy's name are matched on. */
export const issuerKey = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** The issuerId of a name: `Camera di Commercio di Roma` → `camera-di-commercio-di-roma`. */
export const issuerIdOf = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** The policy that rules a device of `issuer`, among the policies set. */
export function policyFor(issuer: string, policies: readonly IssuerPolicy[]): IssuerPolicy {
  const key = issuerKey(issuer);
  return (
    policies.find((p) => p.issuerId !== DEFAULT_ISSUER_ID && issuerKey(p.issuerName) === key) ??
    policies.find((p) => p.issuerId === DEFAULT_ISSUER_ID) ??
    GUIDE_POLICY
  );
}

/** Whether a device may be renewed now and paid afterwards under the policy. */
export function payAfterAllowed(policy: IssuerPolicy, device: { kind: DeviceKind; issuedOn: string }): boolean {
  const p = policy.payAfter;
  return p.offered && p.deviceKinds.includes(device.kind) && (p.issuedFrom === null || device.issuedOn >= p.issuedFrom);
}
