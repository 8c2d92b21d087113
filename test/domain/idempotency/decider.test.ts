// The rules of an Idempotency-Key: given its stream's events, when a request claims it, then the
// claim, the first answer to replay, or a refusal.
import { describe, expect, it } from 'vitest';
import { claimKey, idempotencyAggregate, recordAnswer, releaseKey, type IdempotencyState } from '../../../domain/idempotency/decider';
import type { IdempotencyEvent } from '../../../domain/idempotency/events';
import { DomainError } from '../../../domain/shared/errors';

const T0 = '2026-11-24T09:00:00.000Z';
const later = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();
const A1 = { server: 'server-a', run: 'run-1' };
const A2 = { server: 'server-a', run: 'run-2' };
const B1 = { server: 'server-b', run: 'run-1' };
const fold = (events: IdempotencyEvent[]): IdempotencyState => events.reduce(idempotencyAggregate.evolve, idempotencyAggregate.initialState());
const claimed = (holder = A1, at = T0): IdempotencyEvent => ({ type: 'IdempotencyKeyClaimed', data: { userId: 'u1', fingerprint: 'f1', claimedAt: at, holder } });
const answered: IdempotencyEvent = { type: 'IdempotentAnswerRecorded', data: { status: 201, contentType: 'application/json', body: '{"id":"o1"}', answeredAt: T0 } };
const claim = (state: IdempotencyState, over: Partial<Parameters<typeof claimKey>[0]> = {}) =>
  claimKey({ userId: 'u1', fingerprint: 'f1', at: later(1_000), holder: B1, runningHere: false, ...over }, state);
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? { code: error.code, kind: error.kind } : error;
  }
  return null;
};

describe('an Idempotency-Key', () => {
  it('is claimed by its first request; once answered, a retry from any server gets nothing to append and the answer in the state', () => {
    expect(claim(fold([]))).toEqual([{ type: 'IdempotencyKeyClaimed', data: { userId: 'u1', fingerprint: 'f1', claimedAt: later(1_000), holder: B1 } }]);
    const state = fold([claimed(), answered]);
    expect(claim(state)).toEqual([]);
    expect(state.answer).toEqual({ status: 201, contentType: 'application/json', body: '{"id":"o1"}' });
  });

  it('with another request is refused 422, even while the first runs', () => {
    expect(refusal(() => claim(fold([claimed(), answered]), { fingerprint: 'f2' }))).toEqual({ code: 'idempotency_key_reused', kind: 'rule' });
    expect(refusal(() => claim(fold([claimed()]), { fingerprint: 'f2' }))).toEqual({ code: 'idempotency_key_reused', kind: 'rule' });
  });

  it('while its first request runs on another server: 409 until the lease is over, then taken', () => {
    expect(refusal(() => claim(fold([claimed()])))).toEqual({ code: 'idempotency_key_in_flight', kind: 'conflict' });
    expect(claim(fold([claimed()]), { at: later(2 * 60_000) })).toHaveLength(1);
  });

  it("left unanswered by this server's earlier run (a restart): taken at once; by this very run: in flight while it runs the request, taken once it does not", () => {
    expect(claim(fold([claimed(A1)]), { holder: A2 })).toHaveLength(1);
    expect(refusal(() => claim(fold([claimed(A1)]), { holder: A1, runningHere: true }))).toEqual({ code: 'idempotency_key_in_flight', kind: 'conflict' });
    // Its answer could not be recorded (a full disk): nobody will answer that claim.
    expect(claim(fold([claimed(A1)]), { holder: A1, runningHere: false })).toHaveLength(1);
    // Another server's claim is not this run's to judge: the lease decides.
    expect(refusal(() => claim(fold([claimed(B1)]), { holder: A1, runningHere: false }))).toEqual({ code: 'idempotency_key_in_flight', kind: 'conflict' });
  });

  it('is free again a day after its claim, whatever the request', () => {
    expect(claim(fold([claimed(), answered]), { at: later(24 * 3_600_000), fingerprint: 'f2' })).toHaveLength(1);
  });

  it('is answered or released only by the run that holds it, once', () => {
    const answer = { status: 201, contentType: null, body: null, at: T0 };
    expect(recordAnswer({ holder: A1, ...answer }, fold([claimed(A1)]))).toHaveLength(1);
    expect(recordAnswer({ holder: A2, ...answer }, fold([claimed(A1)]))).toEqual([]);
    expect(recordAnswer({ holder: A1, ...answer }, fold([claimed(A1), answered]))).toEqual([]);
    expect(releaseKey({ holder: A1, reason: 'server_error', at: T0 }, fold([claimed(A1)]))).toEqual([{ type: 'IdempotencyKeyReleased', data: { releasedAt: T0, reason: 'server_error' } }]);
    expect(claim(fold([claimed(A1), { type: 'IdempotencyKeyReleased', data: { releasedAt: T0, reason: 'server_error' } }]), { fingerprint: 'f2' })).toHaveLength(1);
  });
});
