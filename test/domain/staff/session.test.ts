// A staff session's stream and the rule that says whether it is live: given its events and its
// user's, at a moment.
import { describe, expect, it } from 'vitest';
import type { StaffEvent } from '../../../domain/staff/events';
import { staffAggregate, type StaffState } from '../../../domain/staff/decider';
import { endSession, recordActivity, sessionAggregate, sessionOver, startSession, type SessionState } from '../../../domain/staff/session';
import { specFor } from '../gwt';

const spec = specFor(sessionAggregate);
const USER = '7d0f4a52-5d0c-4d8e-9f1e-0a8a4b1c2d3e';
const SID = 'x'.repeat(43);
const AT = '2026-11-20T10:00:00.000Z';
const MIN = 60_000;
const at = (minutes: number) => new Date(Date.parse(AT) + minutes * MIN).toISOString();
const limits = { idleMs: 60 * MIN, maxMs: 12 * 60 * MIN };

const started: StaffEvent = { type: 'StaffSessionStarted', data: { sessionId: SID, userId: USER, generation: 0, startedAt: AT } };
const fold = <S>(aggregate: { initialState(): S; evolve(s: S, e: StaffEvent): S }, events: StaffEvent[]) =>
  events.reduce(aggregate.evolve, aggregate.initialState());
const user = (...more: StaffEvent[]): StaffState =>
  fold(staffAggregate, [
    { type: 'StaffUserCreated', data: { userId: USER, username: 'maria', displayName: 'Maria', roles: ['operator'], passwordHash: 'h0', createdAt: AT } },
    ...more,
  ]);
const session = (...more: StaffEvent[]): SessionState => fold(sessionAggregate, [started, ...more]);
const nowAt = (minutes: number) => Date.parse(at(minutes));

describe('staff session: start, activity, end', () => {
  it('starts once, at the generation of the user it is given', () => {
    spec.given([]).when((s) => startSession({ sessionId: SID, userId: USER, generation: 0, at: AT }, s)).then([started]);
    spec.given([started]).when((s) => startSession({ sessionId: SID, userId: USER, generation: 0, at: AT }, s)).then({ error: 'session_exists', kind: 'conflict' });
  });

  it('records activity at most every `everyMs`, and none once ended', () => {
    spec.given([started]).when((s) => recordActivity({ at: at(4), everyMs: 5 * MIN }, s)).then([]);
    spec
      .given([started])
      .when((s) => recordActivity({ at: at(5), everyMs: 5 * MIN }, s))
      .then([{ type: 'StaffSessionActive', data: { sessionId: SID, userId: USER, activeAt: at(5) } }]);
    const ended: StaffEvent = { type: 'StaffSessionEnded', data: { sessionId: SID, userId: USER, reason: 'logout', endedAt: at(1) } };
    spec.given([started, ended]).when((s) => recordActivity({ at: at(30), everyMs: 5 * MIN }, s)).then([]);
    spec.given([started, ended]).when((s) => endSession({ at: at(30) }, s)).then([]);
    spec.given([started]).when((s) => endSession({ at: at(2) }, s)).then([{ ...ended, data: { ...ended.data, endedAt: at(2) } }]);
  });
});

describe('staff session: live or over', () => {
  it('is live while used within the idle timeout, up to its maximum age', () => {
    expect(sessionOver(session(), user(), nowAt(60), limits)).toBeNull();
    expect(sessionOver(session(), user(), nowAt(61), limits)).toBe('idle');
    const usedHourly = Array.from({ length: 13 }, (_, h): StaffEvent => ({ type: 'StaffSessionActive', data: { sessionId: SID, userId: USER, activeAt: at(h * 59) } }));
    expect(sessionOver(session(...usedHourly), user(), nowAt(11 * 59 + 30), limits)).toBeNull();
    expect(sessionOver(session(...usedHourly), user(), nowAt(12 * 60 + 1), limits)).toBe('too_old');
  });

  it('is over once ended, unknown, or when its user is gone, disabled, or moved on by a password change', () => {
    const t = nowAt(1);
    expect(sessionOver(sessionAggregate.initialState(), user(), t, limits)).toBe('unknown');
    expect(sessionOver(session({ type: 'StaffSessionEnded', data: { sessionId: SID, userId: USER, reason: 'logout', endedAt: AT } }), user(), t, limits)).toBe('ended');
    expect(sessionOver(session(), staffAggregate.initialState(), t, limits)).toBe('user_unknown');
    const disabled: StaffEvent = { type: 'StaffUserDisabled', data: { userId: USER, disabledAt: AT } };
    const enabled: StaffEvent = { type: 'StaffUserEnabled', data: { userId: USER, enabledAt: AT } };
    expect(sessionOver(session(), user(disabled), t, limits)).toBe('user_disabled');
    // Enabled again: the sessions the disable ended stay ended.
    expect(sessionOver(session(), user(disabled, enabled), t, limits)).toBe('credentials_changed');
    const changed: StaffEvent = { type: 'StaffPasswordChanged', data: { userId: USER, passwordHash: 'h1', by: 'self', changedAt: AT } };
    expect(sessionOver(session(), user(changed), t, limits)).toBe('credentials_changed');
    // A session opened after the change is live.
    const after = fold(sessionAggregate, [{ ...started, data: { ...started.data, generation: 1 } } as StaffEvent]);
    expect(sessionOver(after, user(changed), t, limits)).toBeNull();
    // A role change does not end sessions: the next request simply acts in the new roles.
    expect(sessionOver(session(), user({ type: 'StaffRolesChanged', data: { userId: USER, roles: ['accountant'], changedAt: AT } }), t, limits)).toBeNull();
  });
});
