// The rules of an Idempotency-Key, pure: time and the server's identity come in the commands.
//
// - The first request with a key claims it; a retry of it (same user, same request) after its
//   answer gets that answer back; while it runs, a retry is told so (409 idempotency_key_in_flight)
//   rather than run twice; the key with another request is refused (422 idempotency_key_reused).
// - A claim without an answer is given up when its holder cannot answer any more: the same server
//   started again since (a restart cut the request short), this very run no longer runs the
//   request (its answer or release could not be written, e.g. on a full disk), or the lease ran
//   out (another server that stopped, or a request of this run that never ended). The retry then
//   claims the key and runs the command again, which is safe because commands are idempotent
//   under their key (what they create takes an id derived from it).
// - A claim is kept for a day (`keepMs`); after that the key is free again, checked on read.
import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/errors';
import type { ClaimHolder, IdempotencyEvent } from './events';

export interface IdempotencyState {
  claim: { userId: string; fingerprint: string; claimedAt: string; holder: ClaimHolder } | null;
  answer: { status: number; contentType: string | null; body: string | null } | null;
}

export const idempotencyAggregate: Decider<IdempotencyState, IdempotencyEvent> = {
  initialState: () => ({ claim: null, answer: null }),
  evolve(state, event) {
    switch (event.type) {
      case 'IdempotencyKeyClaimed':
        return { claim: { ...event.data, holder: { ...event.data.holder } }, answer: null };
      case 'IdempotentAnswerRecorded':
        return { ...state, answer: { status: event.data.status, contentType: event.data.contentType, body: event.data.body } };
      case 'IdempotencyKeyReleased':
        return { claim: null, answer: null };
    }
  },
};

/** A day: how long a key's answer is replayed. */
export const KEEP_ANSWERS_MS = 24 * 60 * 60_000;
/** How long a claim without an answer, held by another server run, is waited for. */
export const CLAIM_LEASE_MS = 2 * 60_000;

export interface ClaimKey {
  userId: string;
  fingerprint: string;
  at: string;
  holder: ClaimHolder;
  /**
   * Whether this server run is still running a request under the key: only it can know, and a
   * claim of its own that it no longer runs will never be answered.
   */
  runningHere: boolean;
  keepMs?: number;
  leaseMs?: number;
}

const age = (from: string, to: string) => Date.parse(to) - Date.parse(from);

/**
 * The claim of a key for a request: the claim to append, or none when the request was answered
 * already (its answer is then `state.answer`). Refused while the first request runs, or when the
 * key was used for another request.
 */
export function claimKey(command: ClaimKey, state: IdempotencyState): IdempotencyEvent[] {
  const claimed: IdempotencyEvent[] = [
    { type: 'IdempotencyKeyClaimed', data: { userId: command.userId, fingerprint: command.fingerprint, claimedAt: command.at, holder: command.holder } },
  ];
  const { claim } = state;
  if (!claim || age(claim.claimedAt, command.at) >= (command.keepMs ?? KEEP_ANSWERS_MS)) return claimed;
  if (claim.fingerprint !== command.fingerprint) {
    throw new DomainError('idempotency_key_reused', 'Idempotency-Key: already used for a different request', 'rule');
  }
  if (state.answer) return [];
  const ownAbandoned = claim.holder.server === command.holder.server && (claim.holder.run !== command.holder.run || !command.runningHere);
  if (ownAbandoned || age(claim.claimedAt, command.at) >= (command.leaseMs ?? CLAIM_LEASE_MS)) return claimed;
  throw new DomainError('idempotency_key_in_flight', 'the same request is still being processed; wait for its answer', 'conflict');
}

const holds = (state: IdempotencyState, holder: ClaimHolder) =>
  state.claim !== null && state.answer === null && state.claim.holder.server === holder.server && state.claim.holder.run === holder.run;

/** The answer of the claimed request; nothing when the claim is no longer this run's to answer. */
export function recordAnswer(
  command: { holder: ClaimHolder; status: number; contentType: string | null; body: string | null; at: string },
  state: IdempotencyState,
): IdempotencyEvent[] {
  if (!holds(state, command.holder)) return [];
  return [{ type: 'IdempotentAnswerRecorded', data: { status: command.status, contentType: command.contentType, body: command.body, answeredAt: command.at } }];
}

/** Gives the claim up (a retry runs the command again); nothing when it is not this run's. */
export function releaseKey(command: { holder: ClaimHolder; reason: 'server_error' | 'not_kept'; at: string }, state: IdempotencyState): IdempotencyEvent[] {
  if (!holds(state, command.holder)) return [];
  return [{ type: 'IdempotencyKeyReleased', data: { releasedAt: command.at, reason: command.reason } }];
}
