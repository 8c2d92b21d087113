// Issuer policies (stream `issuer-policies`): a supervisor or an admin sets an issuer's whole
// policy (the same policy again changes nothing); the demo start seeds the guides' policy as the
// `default` one, once. What the decisions read is in policies.ts.
import type { CommandContext } from '../../../events/eventCatalogue';
import {
  DEFAULT_ISSUER_ID,
  GUIDE_POLICY,
  ISSUER_POLICIES_STREAM,
  issuerPoliciesAggregate,
  setIssuerPolicy as decideSet,
  type IssuerPolicy,
} from '../../../domain/certificates/issuerPolicy';
import { handleCommand } from '../../commands/handle';
import type { SalesDeps } from '../deps';

export interface IssuerPolicyEntry {
  policy: IssuerPolicy;
  setBy: string;
  setAt: string;
}

export interface IssuerPolicyResult extends IssuerPolicyEntry {
  /** 0 when the policy was already so (nothing appended). */
  position: number;
  changed: boolean;
}

/** Sets an issuer's whole policy as of now; refuses (400, naming the field) a policy the domain does not accept. */
export async function setIssuerPolicy(deps: SalesDeps, policy: IssuerPolicy, ctx: CommandContext): Promise<IssuerPolicyResult> {
  const at = deps.clock().toISOString();
  const result = await handleCommand(deps, ISSUER_POLICIES_STREAM, issuerPoliciesAggregate, (state) =>
    decideSet({ policy, setBy: ctx.actor.userId, at }, state),
  ctx);
  const entry = result.state[policy.issuerId]!;
  return { ...entry, position: result.position, changed: result.events.length > 0 };
}

/**
 * The demo start: the guides' policy as the `default` one, unless a default policy is set already
 * (by an earlier start, or changed since by a supervisor: never overwritten).
 */
export async function seedGuidePolicy(deps: SalesDeps, ctx: CommandContext): Promise<{ position: number; added: boolean }> {
  const at = deps.clock().toISOString();
  const result = await handleCommand(deps, ISSUER_POLICIES_STREAM, issuerPoliciesAggregate, (state) =>
    state[DEFAULT_ISSUER_ID] ? [] : decideSet({ policy: GUIDE_POLICY, setBy: ctx.actor.userId, at }, state),
  ctx);
  return { position: result.position, added: result.events.length > 0 };
}
