// The issuer policies (one stream, `issuer-policies`: a handful of issuers, changed rarely, and
// every renewal decision needs them all at once) and which policy rules a device.
// A device names its issuer in free text; the policy whose name matches it (ignoring case and
// spacing) rules its certificates, else the `default` policy, else the guides' own rules.
import type { DeviceKind } from '../devices/events';
import type { Decider } from '../shared/decider';
import { invalid } from '../shared/errors';
import { instantOf } from '../shared/utcTime';
import { issuerPolicySchema, type IssuerPolicy, type IssuerPolicyEvent } from './events';

export type { IssuerPolicy };

export const ISSUER_POLICIES_STREAM = 'issuer-policies';

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

/** The policies set, by issuerId, each as last set. */
export type IssuerPoliciesState = Readonly<Record<string, { policy: IssuerPolicy; setBy: string; setAt: string }>>;

export const issuerPoliciesAggregate: Decider<IssuerPoliciesState, IssuerPolicyEvent> = {
  initialState: () => ({}),
  evolve: (state, event) => {
    const { setBy, setAt, ...policy } = event.data;
    return { ...state, [policy.issuerId]: { policy, setBy, setAt } };
  },
};

/** The policies in force, for policyFor. */
export const policiesOf = (state: IssuerPoliciesState): IssuerPolicy[] => Object.values(state).map((p) => p.policy);

export interface SetIssuerPolicy {
  policy: IssuerPolicy;
  setBy: string;
  at: string;
}

/** Sets the whole policy; the same policy again changes nothing. */
export function setIssuerPolicy(command: SetIssuerPolicy, state: IssuerPoliciesState): IssuerPolicyEvent[] {
  const at = instantOf(command.at);
  const parsed = issuerPolicySchema.safeParse(command.policy);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(issue.path.join('.') || 'policy', issue.message);
  }
  const policy = parsed.data;
  if (policy.issuerId !== DEFAULT_ISSUER_ID && policy.issuerId !== issuerIdOf(policy.issuerName)) {
    throw invalid('issuerId', `must be the slug of the issuer's name ('${issuerIdOf(policy.issuerName)}')`);
  }
  const current = state[policy.issuerId];
  if (current && JSON.stringify(current.policy) === JSON.stringify(policy)) return [];
  return [{ type: 'IssuerPolicySet', data: { ...policy, setBy: command.setBy, setAt: at } }];
}
