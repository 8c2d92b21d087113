// The prepaid account (conto prepagato): top-ups with the administrative fee, credits by staff or
// by the back office (refunds, overpayments), and the balance.
import type { CommandContext } from '../../events/catalogue';
import type { CreditReason, TopUpMethod } from '../../events/prepaid';
import {
  creditAccount,
  prepaidAggregate,
  streamOf as prepaidStream,
  topUp,
  topUpQuote,
  type PrepaidState,
  type TopUpQuote,
} from '../domain/prepaid/decider';
import { getCustomer } from './customers';
import { load, run, type SalesDeps } from './deps';

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
  const result = await run(deps, prepaidStream(input.customerId), prepaidAggregate, (state) => {
    const events = topUp(
      {
        ...input,
        topUpId,
        settings: { feeRateBp: deps.settings.prepaidFeeRateBp, minimumTopUpCents: deps.settings.minimumTopUpCents },
      },
      state,
      deps.clock(),
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

export interface CreditPrepaidInput {
  customerId: string;
  /** Id of this credit; crediting the same id again is a no-op. */
  creditId?: string | undefined;
  reason: CreditReason;
  orderId?: string | null | undefined;
  amountCents: number;
  note?: string | null | undefined;
}

export interface CreditPrepaidResult {
  position: number;
  creditId: string;
  /** False when this credit had already been made. */
  credited: boolean;
  balanceCents: number;
}

/** Money put back on the account (refund, overpayment, correction by staff). */
export async function creditPrepaid(deps: SalesDeps, input: CreditPrepaidInput, ctx: CommandContext): Promise<CreditPrepaidResult> {
  await getCustomer(deps, input.customerId);
  const creditId = input.creditId ?? deps.ids.uuid();
  let balanceCents = 0;
  const result = await run(deps, prepaidStream(input.customerId), prepaidAggregate, (state) => {
    const events = creditAccount({ ...input, creditId }, state, deps.clock());
    balanceCents = events.reduce(prepaidAggregate.evolve, state).balanceCents;
    return events;
  }, ctx);
  return { position: result.position, creditId, credited: result.events.length > 0, balanceCents };
}

export async function prepaidAccount(deps: Pick<SalesDeps, 'store' | 'catalogue'>, customerId: string): Promise<PrepaidState> {
  return (await load(deps, prepaidStream(customerId), prepaidAggregate)).state;
}

export async function prepaidBalance(deps: Pick<SalesDeps, 'store' | 'catalogue'>, customerId: string): Promise<number> {
  return (await prepaidAccount(deps, customerId)).balanceCents;
}
