// The guard that keeps a payment from being recorded twice: stream `bank-reference-<reference>`
// holds the payment that the bank's reference (CRO/TRN, statement line id) belongs to. The same
// transfer entered again, under another Idempotency-Key or by another accountant, finds the
// reference taken and is refused before anything of it is written.
//
// The claim is appended before the payment (with expected revision 'no_stream' the first time), so
// a recording that stops between the two leaves a claim naming a payment that does not exist. Such
// a claim does not hold the reference for ever: once it is older than any recording takes, another
// payment may take the reference over (appended at the revision read, so two cannot both do it).
import { decideClaim } from '../shared/uniqueClaim';
import type { BankReferenceEvent } from './events';
import { DomainError, invalid } from '../shared/errors';
import { checkBankReference, normaliseBankReference } from '../shared/bankReference';
import { isUtcDateTime } from '../shared/utcTime';

export const bankReferenceStreamOf = (bankReference: string): string => `bank-reference-${normaliseBankReference(bankReference)}`;
export const streamOf = bankReferenceStreamOf;

/**
 * How long a claim whose payment was never recorded still holds the reference: far longer than
 * the claim and the payment's append take, so a recording in progress is never overtaken.
 */
export const UNRECORDED_CLAIM_HOLD_MS = 60_000;

export type BankReferenceClaimState =
  | { status: 'free' }
  | { status: 'claimed'; bankReference: string; paymentId: string; claimedAt: string };

export const initialState = (): BankReferenceClaimState => ({ status: 'free' });

export function evolve(_state: BankReferenceClaimState, event: BankReferenceEvent): BankReferenceClaimState {
  switch (event.type) {
    case 'BankReferenceClaimed':
      return { status: 'claimed', ...event.data };
  }
}

export const bankReferenceClaimAggregate = { initialState, evolve };

export interface ClaimBankReference {
  bankReference: string;
  paymentId: string;
  at: string;
  /** Whether the payment that holds the reference now has been recorded (the handler looks). */
  holderRecorded: boolean;
}

/** Claims the reference for the payment; the same payment claiming it again is a no-op. */
export function claimBankReference(command: ClaimBankReference, state: BankReferenceClaimState): BankReferenceEvent[] {
  const reference = checkBankReference(command.bankReference);
  if (!reference.ok) throw invalid('bankReference', reference.message, `bank_reference_${reference.rule}`);
  if (!isUtcDateTime(command.at)) throw invalid('at', 'must be an ISO-8601 UTC date-time');
  const claim = [{ type: 'BankReferenceClaimed' as const, data: { bankReference: reference.value, paymentId: command.paymentId, claimedAt: command.at } }];
  // A claim whose payment was never recorded, held for long enough, is free to take over.
  const abandoned =
    state.status === 'claimed' && !command.holderRecorded && Date.parse(command.at) - Date.parse(state.claimedAt) > UNRECORDED_CLAIM_HOLD_MS;
  const holder = abandoned && state.paymentId !== command.paymentId ? null : paymentOfReference(state);
  return decideClaim(holder, command.paymentId, claim, (paymentId) =>
    new DomainError(
      'bank_reference_taken',
      `bankReference: ${reference.value} has already been recorded (payment ${paymentId}); the same payment cannot be recorded twice`,
      'conflict',
      'bankReference',
    ),
  );
}

/** The payment a claimed reference belongs to, or null. */
export const paymentOfReference = (state: BankReferenceClaimState): string | null => (state.status === 'claimed' ? state.paymentId : null);
