// Payments received by transfer, slip, card or cheque: recorded by an accountant under the bank's
// own reference (one payment per reference) and matched to an order by the RF reference in the
// payment reason, or by hand. Applying the money to the order (and crediting any surplus) is the
// payment reactor's job (server/features/payments/application.ts).
import type { CommandContext } from '../../../events/eventCatalogue';
import type { DirectPaymentMethod } from '../../../domain/orders/events';
import type { PaymentMatchStatus } from '../../../domain/payments/events';
import { orderAggregate, streamOf as orderStream } from '../../../domain/orders/decider';
import { orderOfReference, rfClaimAggregate, rfClaimStreamOf } from '../../../domain/orders/rfClaim';
import { bankReferenceClaimAggregate, bankReferenceStreamOf, claimBankReference } from '../../../domain/payments/bankReferenceClaim';
import {
  matchByHand,
  paymentAggregate,
  recordPayment as decideRecording,
  rfReferencesToLookUp,
  type RecordPayment,
  streamOf as paymentStream,
  type PaymentState,
} from '../../../domain/payments/decider';
import { normaliseBankReference } from '../../../domain/shared/bankReference';
import { lastPosition, type SalesDeps } from '../deps';
import { handleCommand, loadAggregate } from '../../commands/handle';
import { getOrder } from '../orders/service';

export interface RecordPaymentInput {
  /** Give one to make a retry safe (a repeat is refused `payment_exists`); else a new id. */
  paymentId?: string | undefined;
  method: DirectPaymentMethod;
  amountCents: number;
  /** YYYY-MM-DD, the value date. */
  receivedOn: string;
  payer: string;
  /** The payment reason ("causale") as written by the payer. */
  reason: string;
  /** The bank's reference (CRO/TRN, statement line id); null only for money taken at the desk. */
  bankReference: string | null;
}

export interface RecordPaymentResult {
  position: number;
  paymentId: string;
  matchStatus: PaymentMatchStatus;
  rfReference: string | null;
  bankReference: string | null;
  /** The order the payment was matched to, or null when it is left for matching by hand. */
  orderId: string | null;
  /** Why it was left unmatched, for people. */
  unmatchedDetail: string | null;
}

/**
 * Records a payment and, in the same append, matches it to the order named by an RF reference in
 * the reason (every reading whose check digits verify is looked up on `rf-<reference>`) or leaves
 * it unmatched. Its bank reference is claimed first (`bank-reference-<reference>`): the same
 * payment entered again is refused 409 bank_reference_taken, with nothing written.
 */
export async function recordPayment(deps: SalesDeps, input: RecordPaymentInput, ctx: CommandContext): Promise<RecordPaymentResult> {
  const paymentId = input.paymentId ?? deps.ids.uuid();
  if (input.paymentId !== undefined) {
    const repeated = await answerOfRecorded(deps, { ...input, paymentId: input.paymentId });
    if (repeated) return repeated;
  }
  const ordersByReference: Record<string, string> = {};
  for (const ref of rfReferencesToLookUp(input.reason ?? '')) {
    const orderId = orderOfReference((await loadAggregate(deps, rfClaimStreamOf(ref), rfClaimAggregate)).state);
    if (orderId === null) continue;
    // A reference claimed for an order that was never placed names nothing.
    if ((await loadAggregate(deps, orderStream(orderId), orderAggregate)).state.status === 'none') continue;
    ordersByReference[ref] = orderId;
  }
  const at = deps.clock().toISOString();
  const command: RecordPayment = {
    paymentId,
    method: input.method,
    amountCents: input.amountCents,
    receivedOn: input.receivedOn,
    payer: input.payer ?? '',
    reason: input.reason ?? '',
    bankReference: input.bankReference,
    recordedBy: ctx.actor.userId,
    ordersByReference,
    at,
  };
  let claimed = 0;
  if (input.bankReference !== null) {
    // Everything is checked before the reference is claimed, so that a refused payment leaves no claim.
    decideRecording(command, (await loadAggregate(deps, paymentStream(paymentId), paymentAggregate)).state);
    claimed = await claimReference(deps, input.bankReference, paymentId, at, ctx);
  }
  const result = await handleCommand(deps, paymentStream(paymentId), paymentAggregate, (state) => decideRecording(command, state), ctx);
  let out: RecordPaymentResult = {
    position: lastPosition(claimed, result.position),
    paymentId,
    matchStatus: 'no_reference',
    rfReference: null,
    bankReference: null,
    orderId: null,
    unmatchedDetail: null,
  };
  for (const event of result.events) {
    if (event.type === 'PaymentRecorded') {
      out = { ...out, matchStatus: event.data.matchStatus, rfReference: event.data.rfReference, bankReference: event.data.bankReference ?? null };
    }
    if (event.type === 'PaymentMatched') out = { ...out, orderId: event.data.orderId };
    if (event.type === 'PaymentLeftUnmatched') out = { ...out, unmatchedDetail: event.data.detail };
  }
  return out;
}

/**
 * A retry (the same id, from the same Idempotency-Key, after a crash or a lost answer) of a payment
 * that was recorded: what the first run answered, from the append it made. Undefined when the
 * payment is not recorded, or was recorded with other details (then the decider refuses it).
 */
async function answerOfRecorded(deps: SalesDeps, input: RecordPaymentInput & { paymentId: string }): Promise<RecordPaymentResult | undefined> {
  const { state } = await loadAggregate(deps, paymentStream(input.paymentId), paymentAggregate);
  if (state.status === 'none') return undefined;
  const same =
    state.method === input.method &&
    state.amountCents === input.amountCents &&
    state.receivedOn === input.receivedOn &&
    state.bankReference === (input.bankReference === null ? null : normaliseBankReference(input.bankReference));
  if (!same) return undefined;
  const [recorded, outcome] = await deps.store.readStream(paymentStream(input.paymentId), { maxCount: 2 });
  const matched = outcome?.type === 'PaymentMatched' ? (outcome.data as { orderId: string }) : null;
  const unmatched = outcome?.type === 'PaymentLeftUnmatched' ? (outcome.data as { detail: string }) : null;
  return {
    position: (outcome ?? recorded)!.position,
    paymentId: input.paymentId,
    matchStatus: state.matchStatus,
    rfReference: state.rfReference,
    bankReference: state.bankReference,
    orderId: matched?.orderId ?? null,
    unmatchedDetail: unmatched?.detail ?? null,
  };
}

/** Claims the bank reference for the payment; returns the claim's position (0: it held it already). */
async function claimReference(deps: SalesDeps, bankReference: string, paymentId: string, at: string, ctx: CommandContext): Promise<number> {
  const stream = bankReferenceStreamOf(bankReference);
  const { state: seen } = await loadAggregate(deps, stream, bankReferenceClaimAggregate);
  const seenHolder = seen.status === 'claimed' && seen.paymentId !== paymentId ? seen.paymentId : null;
  const seenHolderRecorded = seenHolder === null || (await getPayment(deps, seenHolder)).status !== 'none';
  const result = await handleCommand(deps, stream, bankReferenceClaimAggregate, (state) =>
    claimBankReference(
      {
        bankReference,
        paymentId,
        at,
        // Only the holder looked at may be taken for unrecorded; one that claimed since is in progress.
        holderRecorded: state.status !== 'claimed' || state.paymentId !== seenHolder || seenHolderRecorded,
      },
      state,
    ),
  ctx);
  return result.position;
}

/** An accountant matches an unmatched payment to an order (404 when the order does not exist). */
export async function matchPaymentByHand(
  deps: SalesDeps,
  input: { paymentId: string; orderId: string },
  ctx: CommandContext,
): Promise<{ position: number; paymentId: string; orderId: string }> {
  await getOrder(deps, input.orderId);
  const result = await handleCommand(deps, paymentStream(input.paymentId), paymentAggregate, (state) =>
    matchByHand({ orderId: input.orderId, by: ctx.actor.userId, at: deps.clock().toISOString() }, state),
  ctx);
  return { position: result.position, paymentId: input.paymentId, orderId: input.orderId };
}

export async function getPayment(deps: Pick<SalesDeps, 'store' | 'catalogue'>, paymentId: string): Promise<PaymentState> {
  return (await loadAggregate(deps, paymentStream(paymentId), paymentAggregate)).state;
}
