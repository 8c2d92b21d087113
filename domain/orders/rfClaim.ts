// The guard that keeps RF references unique: stream `rf-<reference>` holds one RfReferenceClaimed,
// appended with expected revision 'no_stream', so two orders can never claim the same reference
// (the second append fails; the handler makes a new reference and tries again). The stream also
// answers "which order does this reference name?" when a payment arrives.
import { decideClaim } from '../shared/uniqueClaim';
import type { RfReferenceEvent } from './events';
import { conflict, invalid } from '../shared/errors';
import { checkRfReference, normaliseRfReference } from '../shared/rfReference';

export const rfClaimStreamOf = (rfReference: string): string => `rf-${normaliseRfReference(rfReference)}`;
export const streamOf = rfClaimStreamOf;

export type RfClaimState = { status: 'free' } | { status: 'claimed'; rfReference: string; orderId: string; claimedAt: string };

export const initialState = (): RfClaimState => ({ status: 'free' });

export function evolve(_state: RfClaimState, event: RfReferenceEvent): RfClaimState {
  switch (event.type) {
    case 'RfReferenceClaimed':
      return { status: 'claimed', ...event.data };
  }
}

export const rfClaimAggregate = { initialState, evolve };

export interface ClaimRfReference {
  rfReference: string;
  orderId: string;
  at: string;
}

/** Claims the reference for the order; the same order claiming it again is a no-op. */
export function claimRfReference(command: ClaimRfReference, state: RfClaimState): RfReferenceEvent[] {
  const rf = checkRfReference(command.rfReference);
  if (!rf.ok) throw invalid('rfReference', rf.message, 'rf_reference_invalid');
  const claim: RfReferenceEvent[] = [{ type: 'RfReferenceClaimed', data: { rfReference: rf.value, orderId: command.orderId, claimedAt: command.at } }];
  return decideClaim(orderOfReference(state), command.orderId, claim, () =>
    conflict('rf_reference_taken', `${rf.value} is already the reference of another order`),
  );
}

/** The order a claimed reference names, or null. */
export const orderOfReference = (state: RfClaimState): string | null => (state.status === 'claimed' ? state.orderId : null);
