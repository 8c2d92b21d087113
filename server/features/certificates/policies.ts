// The issuer policies in force, for the decisions that need them (a renewal's window and pay-after,
// the reminders' deadlines): read from their stream, not from a read model, so a decision never
// acts on a policy older than the one just set.
import { ISSUER_POLICIES_STREAM, issuerPoliciesAggregate, policiesOf, policyFor, type IssuerPolicy } from '../../../domain/certificates/issuerPolicy';
import { loadAggregate } from '../../commands/handle';
import type { SalesDeps } from '../deps';

export async function policiesInForce(deps: Pick<SalesDeps, 'store' | 'catalogue'>): Promise<IssuerPolicy[]> {
  return policiesOf((await loadAggregate(deps, ISSUER_POLICIES_STREAM, issuerPoliciesAggregate)).state);
}

/** The policy that rules a device of `issuer` now. */
export async function policyForIssuer(deps: Pick<SalesDeps, 'store' | 'catalogue'>, issuer: string): Promise<IssuerPolicy> {
  return policyFor(issuer, await policiesInForce(deps));
}
