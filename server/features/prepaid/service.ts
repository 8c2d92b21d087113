// The prepaid account (conto prepagato): top-ups with the administrative fee, manual adjustments
// (requested by staff, approved or rejected by another supervisor), and the balance. Refunds and
// overpayments are credited by the back office itself (server/features/payments/application.ts,
// server/features/orders/refunds.ts), never by hand.
import type { CommandContext } from '../../../events/eventCatalogue';
import type { PrepaidEvent, TopUpMethod } from '../../../domain/prepaid/events';
import {
  approveAdjustment,
  prepaidAggregate,
  rejectAdjustment,
  requestAdjustment,
  streamOf as prepaidStream,
  topUp,
  topUpQuote,
  type PrepaidState,
  type TopUpQuote,
} from '../../../domain/prepaid/decider';
import { getCustomer } from '../customers/service';
import { type SalesDeps } from '../deps';
import { handleCommand, loadAggregate } from '../../commands/handle';

export interface TopUpPrepaidInput {
  customerId: string;
  /** Id of this top-up (e.g. the payment record); recording the same id again is a no-op. */
  topUpId?: string | undefined;
  amountReceivedCents: number;
  method: TopUpMethod;
  reference: string;
  /** YYYY-MM-DD. */
  receivedOn: string;
}

export interface TopUpPrepaidResult {
  position: number;
  topUpId: string;
  /** What went to the balance and what the fee took (0 and 0 when the top-up was already recorded). */
  creditedCents: number;
  feeCents: number;
  balanceCents: number;
}

/** Money received for the account: split into credited + fee at the rate in force; refused below the minimum. */
export async function topUpPrepaid(deps: SalesDeps, input: TopUpPrepaidInput, ctx: CommandContext): Promise<TopUpPrepaidResult> {
  await getCustomer(deps, input.customerId);
  const topUpId = input.topUpId ?? deps.ids.uuid();
  let balanceCents = 0;
  const result = await handleCommand(deps, prepaidStream(input.customerId), prepaidAggregate, (state) => {
    const events = topUp(
      {
        ...input,
        topUpId,
        settings: { feeRateBp: deps.settings.prepaidFeeRateBp, minimumTopUpCents: deps.settings.minimumTopUpCents },
        at: deps.clock().toISOString(),
      },
      state,
    );
    balanceCents = events.reduce(prepaidAggregate.evolve, state).balanceCents;
    return events;
  }, ctx);
  const toppedUp = result.events.find((e) => e.type === 'PrepaidToppedUp');
  const event = toppedUp?.type === 'PrepaidToppedUp' ? toppedUp.data : undefined;
  return {
    position: result.position,
    topUpId,
    creditedCents: event?.creditedCents ?? 0,
    feeCents: event?.feeCents ?? 0,
    balanceCents,
  };
}

/** What the customer pays to have `creditedCents` put on the account, at the fee in force. */
export function quoteTopUp(deps: Pick<SalesDeps, 'settings'>, creditedCents: number): TopUpQuote {
  return topUpQuote(creditedCents, deps.settings.prepaidFeeRateBp);
}

export interface RequestAdjustmentInput {
  customerId: string;
  /** Id of this request; requesting the same id again is a no-op. */
  adjustmentId?: string | undefined;
  amountCents: number;
  reason: string;
}

export interface AdjustmentResult {
  position: number;
  adjustmentId: string;
  customerId: string;
  status: 'pending' | 'approved' | 'rejected';
  balanceCents: number;
}

/**
 * Asks for money to be put on the account by hand. It moves no money: a supervisor other than the
 * requester approves it (approvePrepaidAdjustment) or rejects it.
 */
export async function requestPrepaidAdjustment(deps: SalesDeps, input: RequestAdjustmentInput, ctx: CommandContext): Promise<AdjustmentResult> {
  await getCustomer(deps, input.customerId);
  const adjustmentId = input.adjustmentId ?? deps.ids.uuid();
  return decideAdjustment(deps, input.customerId, adjustmentId, ctx, (state) =>
    requestAdjustment({ ...input, adjustmentId, requestedBy: ctx.actor.userId, at: deps.clock().toISOString() }, state),
  );
}

/** Credits a pending request; the approver is the command's actor, never the requester. */
export async function approvePrepaidAdjustment(
  deps: SalesDeps,
  input: { customerId: string; adjustmentId: string },
  ctx: CommandContext,
): Promise<AdjustmentResult> {
  await getCustomer(deps, input.customerId);
  return decideAdjustment(deps, input.customerId, input.adjustmentId, ctx, (state) =>
    approveAdjustment({ ...input, approvedBy: ctx.actor.userId, at: deps.clock().toISOString() }, state),
  );
}

/** Turns a pending request down with a reason; the rejecter is the command's actor, never the requester. */
export async function rejectPrepaidAdjustment(
  deps: SalesDeps,
  input: { customerId: string; adjustmentId: string; reason: string },
  ctx: CommandContext,
): Promise<AdjustmentResult> {
  await getCustomer(deps, input.customerId);
  return decideAdjustment(deps, input.customerId, input.adjustmentId, ctx, (state) =>
    rejectAdjustment({ ...input, rejectedBy: ctx.actor.userId, at: deps.clock().toISOString() }, state),
  );
}

async function decideAdjustment(
  deps: SalesDeps,
  customerId: string,
  adjustmentId: string,
  ctx: CommandContext,
  decide: (state: PrepaidState) => PrepaidEvent[],
): Promise<AdjustmentResult> {
  let after: PrepaidState = prepaidAggregate.initialState();
  const result = await handleCommand(deps, prepaidStream(customerId), prepaidAggregate, (state) => {
    const events = decide(state);
    after = events.reduce(prepaidAggregate.evolve, state);
    return events;
  }, ctx);
  return {
    position: result.position,
    adjustmentId,
    customerId,
    status: after.adjustments.get(adjustmentId)?.status ?? 'pending',
    balanceCents: after.balanceCents,
  };
}

export async function prepaidAccount(deps: Pick<SalesDeps, 'store' | 'catalogue'>, customerId: string): Promise<PrepaidState> {
  return (await loadAggregate(deps, prepaidStream(customerId), prepaidAggregate)).state;
}

export async function prepaidBalance(deps: Pick<SalesDeps, 'store' | 'catalogue'>, customerId: string): Promise<number> {
  return (await prepaidAccount(deps, customerId)).balanceCents;
}
