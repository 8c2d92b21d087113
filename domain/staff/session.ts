// A staff session as an aggregate of its own stream, `session-<sessionId>`, and the one rule that
// says whether it is live. The session id is the SHA-256 of the random token in the user's cookie,
// so the log (and whoever reads it) never holds a token that opens a session.
//
// A session is live while: it was started and not ended (logout); it has been used within the idle
// timeout (counted from its last recorded activity) and is younger than the maximum age; and its
// user exists, is enabled and is still at the session generation the session was opened at (a
// password change or a disable moves the user on, which ends every older session on every server
// at once, without an event per session).
import type { StaffEvent } from './events';
import type { StaffState } from './decider';
import { conflict } from '../shared/errors';
import { instantOf } from '../shared/utcTime';

export const sessionStream = (sessionId: string) => `session-${sessionId}`;

export type SessionState =
  | { exists: false }
  | {
      exists: true;
      sessionId: string;
      userId: string;
      generation: number;
      startedAt: string;
      /** The last recorded activity (the start at first). */
      activeAt: string;
      ended: boolean;
    };

export const sessionAggregate = {
  initialState: (): SessionState => ({ exists: false }),
  evolve(state: SessionState, event: StaffEvent): SessionState {
    switch (event.type) {
      case 'StaffSessionStarted':
        if (state.exists) return state;
        return {
          exists: true,
          sessionId: event.data.sessionId,
          userId: event.data.userId,
          generation: event.data.generation,
          startedAt: event.data.startedAt,
          activeAt: event.data.startedAt,
          ended: false,
        };
      case 'StaffSessionActive':
        return state.exists && event.data.activeAt > state.activeAt ? { ...state, activeAt: event.data.activeAt } : state;
      case 'StaffSessionEnded':
        return state.exists ? { ...state, ended: true } : state;
      default:
        return state;
    }
  },
};

export interface StartSession {
  sessionId: string;
  userId: string;
  generation: number;
  at: string;
}

export function startSession(command: StartSession, state: SessionState): StaffEvent[] {
  if (state.exists) throw conflict('session_exists', `session ${command.sessionId} exists already`);
  const { sessionId, userId, generation } = command;
  return [{ type: 'StaffSessionStarted', data: { sessionId, userId, generation, startedAt: instantOf(command.at) } }];
}

/**
 * Records a request in the session, unless one was recorded less than `everyMs` before it (the
 * idle timeout is coarse by that much; the log gets at most one event per session that often).
 */
export function recordActivity(command: { at: string; everyMs: number }, state: SessionState): StaffEvent[] {
  const activeAt = instantOf(command.at);
  if (!state.exists || state.ended) return [];
  if (Date.parse(activeAt) - Date.parse(state.activeAt) < command.everyMs) return [];
  return [{ type: 'StaffSessionActive', data: { sessionId: state.sessionId, userId: state.userId, activeAt } }];
}

export function endSession(command: { at: string }, state: SessionState): StaffEvent[] {
  const endedAt = instantOf(command.at);
  if (!state.exists || state.ended) return [];
  return [{ type: 'StaffSessionEnded', data: { sessionId: state.sessionId, userId: state.userId, reason: 'logout', endedAt } }];
}

export interface SessionLimits {
  /** A session ends after this long without recorded activity... */
  idleMs: number;
  /** ...and in any case this long after it started. */
  maxMs: number;
}

export type SessionEnd = 'unknown' | 'ended' | 'idle' | 'too_old' | 'user_unknown' | 'user_disabled' | 'credentials_changed';

/** Why the session is over at `nowMs`, or null while it is live. */
export function sessionOver(session: SessionState, user: StaffState, nowMs: number, limits: SessionLimits): SessionEnd | null {
  if (!session.exists) return 'unknown';
  if (session.ended) return 'ended';
  if (nowMs - Date.parse(session.activeAt) > limits.idleMs) return 'idle';
  if (nowMs - Date.parse(session.startedAt) > limits.maxMs) return 'too_old';
  if (!user.exists || user.userId !== session.userId) return 'user_unknown';
  if (user.disabled) return 'user_disabled';
  if (user.sessionGeneration !== session.generation) return 'credentials_changed';
  return null;
}
