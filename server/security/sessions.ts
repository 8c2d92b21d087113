// Staff sessions, kept in the event store so that every server on one store recognises every
// session (issue #21; docs/reliability.md, "Several servers"). The cookie carries a random 256-bit
// token; the log holds only its SHA-256, the session id, on the stream `session-<id>`
// (domain/staff/session.ts): StaffSessionStarted at login, StaffSessionActive at most every
// `sessionActivityMs` of use (the idle timeout counts from it), StaffSessionEnded at logout.
//
// Each request checks its session against the session's stream and the user's stream: a logout,
// a disable or a password change done through any server is seen by every other. Reading two
// streams costs nothing on the embedded store, but two round-trips on EventStoreDB, so a server
// may trust its own last check of a session for `recheckMs` (0 on the embedded store, 2 s on
// EventStoreDB by default): that is the bound of "at once" on the other servers. The server that
// ends a session, or disables or resets a user, forgets its own checks at once.
import { createHash, randomBytes } from 'node:crypto';
import type { Actor, CommandContext } from '../../events/eventCatalogue';
import { catalogue } from '../../events/index';
import type { EventStore } from '../../events/port';
import { DomainError } from '../../domain/shared/errors';
import {
  endSession,
  recordActivity,
  sessionAggregate,
  sessionOver,
  sessionStream,
  startSession,
  type SessionState,
} from '../../domain/staff/session';
import { handleCommand, loadAggregate, type CommandDeps } from '../commands/handle';
import { loadStaffUser, type ExistingStaffUser } from '../features/staff/accounts';
import type { SecuritySettings } from './settings';
import { uuidv7 } from '../../events/uuid';
import { keepRecent } from '../keptRecent';

/** A session found live, with its user as the event store holds them. */
export interface LiveSession {
  sessionId: string;
  user: ExistingStaffUser;
}

/** The session id of a cookie's token: what the log holds instead of the token. */
export const sessionIdOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Checks kept by one server, at most this many (the oldest go first). */
const CHECKS_KEPT = 10_000;

interface Check {
  session: Extract<SessionState, { exists: true }>;
  user: ExistingStaffUser;
  checkedAt: number;
}

/** The user acts in their first role when the session is theirs alone (login, activity). */
const actorOf = (user: ExistingStaffUser): Actor => ({ userId: user.userId, role: user.roles[0]! });

const contextOf = (actor: Actor, at: string): CommandContext => ({
  actor,
  at,
  correlationId: uuidv7(),
  causationId: null,
});

export class SessionRegistry {
  private readonly deps: CommandDeps;
  private readonly checks = new Map<string, Check>();

  constructor(
    store: EventStore,
    private readonly settings: SecuritySettings,
    /** How long this server trusts its last check of a session (0: every request reads the store). */
    readonly recheckMs: number,
  ) {
    this.deps = { store, catalogue };
  }

  private get limits() {
    return { idleMs: this.settings.sessionIdleMs, maxMs: this.settings.sessionMaxMs };
  }

  /** Opens a session for the user as they are now; returns the token for the cookie (never stored). */
  async start(user: ExistingStaffUser, now: Date): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const sessionId = sessionIdOf(token);
    const at = now.toISOString();
    const command = { sessionId, userId: user.userId, generation: user.sessionGeneration, at };
    await handleCommand(this.deps, sessionStream(sessionId), sessionAggregate, (s) => startSession(command, s), contextOf(actorOf(user), at));
    return token;
  }

  /** The live session of a token and its user, recording the activity; null when unknown or over. */
  async find(token: string, now: Date): Promise<LiveSession | null> {
    if (token.length === 0 || token.length > 100) return null;
    const sessionId = sessionIdOf(token);
    const t = now.getTime();
    let check = this.checks.get(sessionId);
    if (!check || t - check.checkedAt >= this.recheckMs || t < check.checkedAt) {
      const { state: session } = await loadAggregate(this.deps, sessionStream(sessionId), sessionAggregate);
      // An unknown id (a forged or very old cookie) is not remembered: guessing must not fill the checks.
      if (!session.exists) return this.forget(sessionId);
      const user = await loadStaffUser(this.deps.store, session.userId);
      if (!user.exists) return this.forget(sessionId);
      check = { session, user, checkedAt: t };
      this.remember(sessionId, check);
    }
    if (sessionOver(check.session, check.user, t, this.limits) !== null) return this.forget(sessionId);
    await this.recordActivity(sessionId, check, now);
    return { sessionId, user: check.user };
  }

  /** Logout: the session ends on every server (on the others within `recheckMs`). */
  async end(token: string, actor: Actor, now: Date): Promise<void> {
    const sessionId = sessionIdOf(token);
    this.forget(sessionId);
    const at = now.toISOString();
    await handleCommand(this.deps, sessionStream(sessionId), sessionAggregate, (s) => endSession({ at }, s), contextOf(actor, at));
  }

  /**
   * Forgets this server's checks of a user's sessions, after a change that ends them (disable,
   * password change or reset): here at once; on the other servers within `recheckMs`.
   */
  forgetUser(userId: string): void {
    for (const [sessionId, check] of this.checks) if (check.user.userId === userId) this.checks.delete(sessionId);
  }

  /** Checks this server keeps (tests). */
  checksKept(): number {
    return this.checks.size;
  }

  private async recordActivity(sessionId: string, check: Check, now: Date): Promise<void> {
    const at = now.toISOString();
    const everyMs = this.settings.sessionActivityMs;
    if (recordActivity({ at, everyMs }, check.session).length === 0) return;
    try {
      const result = await handleCommand(
        this.deps,
        sessionStream(sessionId),
        sessionAggregate,
        (s) => recordActivity({ at, everyMs }, s),
        contextOf(actorOf(check.user), at),
      );
      if (result.state.exists) check.session = result.state;
    } catch (error) {
      // Another server recording the same session's activity at the same moment: theirs counts.
      if (!(error instanceof DomainError && error.code === 'concurrent_change')) throw error;
    }
  }

  private remember(sessionId: string, check: Check): void {
    keepRecent(this.checks, sessionId, check, CHECKS_KEPT);
  }

  private forget(sessionId: string): null {
    this.checks.delete(sessionId);
    return null;
  }
}
