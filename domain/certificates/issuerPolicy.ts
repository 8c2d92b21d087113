// The issuer policies (one stream, `issuer-policies`: a handful of issuers, changed rarely, and
// every renewal decision needs them all at once) and which policy rules a device.
import type { Decider } from '../shared/decider';
import { invalid } from '../shared/errors';
import { instantOf } from '../shared/utcTime';
import { issuerPolicySchema, type IssuerPolicy, type IssuerPolicyEvent } from './events';

export type { IssuerPolicy };
export { DEFAULT_ISSUER_ID, GUIDE_POLICY, issuerIdOf, issuerKey, payAfterAllowed, policyFor } from './policyRules';
import { DEFAULT_ISSUER_ID, issuerIdOf } from './policyRules';

export const ISSUER_POLICIES_STREAM = 'issuer-policies';

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
