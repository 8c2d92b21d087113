// Sessions and login throttling: operational state, not domain events. They live in a small SQLite
// file next to the event store (`<DATA_DIR>/server.db`), in memory when the app has no data dir.
//
// A session is a random 256-bit token in an HTTP-only, SameSite=Strict cookie; the file keeps only
// its SHA-256, so a copy of the file opens no session. A session remembers the password version of
// its user: a password change or reset (which bumps the version) ends every older session, even one
// this process did not delete. Disabling a user deletes the user's sessions, and every request
// re-reads the user from the event store, so a disabled user is refused at once.
import Database from 'better-sqlite3';
import fp from 'fastify-plugin';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensurePrivateFile } from '../../../events/adapters/privateFiles';
import type { SecuritySettings } from '../../security/settings';

export interface Session {
  userId: string;
  passwordVersion: number;
  created: number;
  lastSeen: number;
}

export type LoginGate =
  | { open: true }
  | { open: false; code: 'login_throttled' | 'account_locked'; retryAfterMs: number };

interface SessionRow {
  user_id: string;
  password_version: number;
  created: number;
  last_seen: number;
}

interface SourceFailureRow {
  failures: number;
  last_failure: number;
  locked_until: number | null;
}

interface UserFailureRow {
  failures: number;
  last_failure: number;
}

/** Who tries: the username (lower-cased) and the client address the attempt came from. */
export interface LoginAttempt {
  usernameKey: string;
  source: string;
  /**
   * The username is the last enabled admin: it is slowed down but never locked, since a lock,
   * which anyone can provoke, would leave nobody able to manage the staff accounts.
   */
  neverLock?: boolean;
}

const FORGET_FAILURES_MS = 24 * 60 * 60_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

function prepare(db: Database.Database) {
  return {
    insert: db.prepare(
      'INSERT INTO auth_sessions (token_hash, user_id, password_version, created, last_seen) VALUES (?, ?, ?, ?, ?)',
    ),
    find: db.prepare<[string], SessionRow>('SELECT * FROM auth_sessions WHERE token_hash = ?'),
    touch: db.prepare('UPDATE auth_sessions SET last_seen = ? WHERE token_hash = ?'),
    remove: db.prepare('DELETE FROM auth_sessions WHERE token_hash = ?'),
    removeUser: db.prepare('DELETE FROM auth_sessions WHERE user_id = ?'),
    removeUserExcept: db.prepare('DELETE FROM auth_sessions WHERE user_id = ? AND token_hash <> ?'),
    countUser: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM auth_sessions WHERE user_id = ?'),
    purge: db.prepare('DELETE FROM auth_sessions WHERE last_seen < ? OR created < ?'),
    sourceFailure: db.prepare<[string, string], SourceFailureRow>(
      'SELECT failures, last_failure, locked_until FROM auth_login_failures_by_source WHERE username_key = ? AND source = ?',
    ),
    putSourceFailure: db.prepare(
      `INSERT INTO auth_login_failures_by_source (username_key, source, failures, last_failure, locked_until) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (username_key, source) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure,
         locked_until = excluded.locked_until`,
    ),
    clearSourceFailures: db.prepare('DELETE FROM auth_login_failures_by_source WHERE username_key = ? AND source = ?'),
    userFailure: db.prepare<[string], UserFailureRow>(
      'SELECT failures, last_failure FROM auth_login_failures_by_user WHERE username_key = ?',
    ),
    putUserFailure: db.prepare(
      `INSERT INTO auth_login_failures_by_user (username_key, failures, last_failure) VALUES (?, ?, ?)
       ON CONFLICT (username_key) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure`,
    ),
    clearAllSourceFailures: db.prepare('DELETE FROM auth_login_failures_by_source WHERE username_key = ?'),
    clearUserFailures: db.prepare('DELETE FROM auth_login_failures_by_user WHERE username_key = ?'),
    purgeSourceFailures: db.prepare(
      'DELETE FROM auth_login_failures_by_source WHERE last_failure < ? AND (locked_until IS NULL OR locked_until < ?)',
    ),
    purgeUserFailures: db.prepare('DELETE FROM auth_login_failures_by_user WHERE last_failure < ?'),
  };
}

export class SessionStore {
  private readonly db: Database.Database;
  private readonly stmt: ReturnType<typeof prepare>;

  constructor(
    file: string,
    private readonly settings: SecuritySettings,
  ) {
    this.db = new Database(file);
    if (file !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS auth_sessions (
        token_hash       TEXT PRIMARY KEY,
        user_id          TEXT NOT NULL,
        password_version INTEGER NOT NULL,
        created          INTEGER NOT NULL,
        last_seen        INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS auth_sessions_user ON auth_sessions (user_id);
      -- Counted per username alone, one address could lock anyone out (issue #14); superseded.
      DROP TABLE IF EXISTS auth_login_failures;
      CREATE TABLE IF NOT EXISTS auth_login_failures_by_source (
        username_key TEXT NOT NULL,
        source       TEXT NOT NULL,
        failures     INTEGER NOT NULL,
        last_failure INTEGER NOT NULL,
        locked_until INTEGER,
        PRIMARY KEY (username_key, source)
      );
      CREATE TABLE IF NOT EXISTS auth_login_failures_by_user (
        username_key TEXT PRIMARY KEY,
        failures     INTEGER NOT NULL,
        last_failure INTEGER NOT NULL
      );
    `);
    this.stmt = prepare(this.db);
  }

  /** Opens a session; returns the token for the cookie (never stored as such). */
  create(userId: string, passwordVersion: number, now: Date): string {
    const t = now.getTime();
    this.stmt.purge.run(t - this.settings.sessionIdleMs, t - this.settings.sessionMaxMs);
    const token = randomBytes(32).toString('base64url');
    this.stmt.insert.run(hashToken(token), userId, passwordVersion, t, t);
    return token;
  }

  /** The live session of a token, refreshing its idle timer; null when unknown or expired. */
  find(token: string, now: Date): Session | null {
    if (token.length === 0 || token.length > 100) return null;
    const key = hashToken(token);
    const row = this.stmt.find.get(key);
    if (!row) return null;
    const t = now.getTime();
    if (t - row.last_seen > this.settings.sessionIdleMs || t - row.created > this.settings.sessionMaxMs) {
      this.stmt.remove.run(key);
      return null;
    }
    // Write at most once a minute per session.
    if (t - row.last_seen > 60_000) this.stmt.touch.run(t, key);
    return { userId: row.user_id, passwordVersion: row.password_version, created: row.created, lastSeen: row.last_seen };
  }

  remove(token: string): void {
    this.stmt.remove.run(hashToken(token));
  }

  /** Ends every session of a user (disable, password reset), or all but one (password change). */
  removeAllFor(userId: string, exceptToken?: string): void {
    if (exceptToken === undefined) this.stmt.removeUser.run(userId);
    else this.stmt.removeUserExcept.run(userId, hashToken(exceptToken));
  }

  countFor(userId: string): number {
    return this.stmt.countUser.get(userId)?.n ?? 0;
  }

  /**
   * May this login be tried now? Failures are counted per (username, client address): after
   * `loginSlowdownAfter` of them each attempt from that address waits `loginSlowdownBaseMs`,
   * doubling per failure, and after `loginLockAfter` the username is locked for `loginLockMs` from
   * that address only, so one address cannot lock anybody out for everyone else. Across all
   * addresses a username may fail `loginGlobalSlowdownAfter` times (a guess spread over many
   * addresses) before every attempt on it waits too; that wait, like the last admin's, is capped at
   * `loginMaxWaitMs` and never becomes a lock. Unknown usernames are counted the same way, so
   * guessing a name tells nothing.
   */
  loginGate(attempt: LoginAttempt, now: Date): LoginGate {
    const t = now.getTime();
    const s = this.settings;
    let retryAt = 0;
    const row = this.stmt.sourceFailure.get(attempt.usernameKey, attempt.source);
    if (row) {
      if (row.locked_until !== null) {
        if (t < row.locked_until && !attempt.neverLock) {
          return { open: false, code: 'account_locked', retryAfterMs: row.locked_until - t };
        }
        if (t >= row.locked_until) this.stmt.clearSourceFailures.run(attempt.usernameKey, attempt.source);
      }
      if (row.failures >= s.loginSlowdownAfter && (row.locked_until === null || t < row.locked_until)) {
        retryAt = row.last_failure + this.wait(row.failures - s.loginSlowdownAfter, !!attempt.neverLock);
      }
    }
    const all = this.stmt.userFailure.get(attempt.usernameKey);
    if (all && all.failures >= s.loginGlobalSlowdownAfter) {
      retryAt = Math.max(retryAt, all.last_failure + this.wait(all.failures - s.loginGlobalSlowdownAfter, true));
    }
    return t < retryAt ? { open: false, code: 'login_throttled', retryAfterMs: retryAt - t } : { open: true };
  }

  /** 1 s, 2 s, 4 s, …; capped where the waiting must never amount to a lock. */
  private wait(step: number, capped: boolean): number {
    const ms = this.settings.loginSlowdownBaseMs * 2 ** Math.min(step, 30);
    return capped ? Math.min(ms, this.settings.loginMaxWaitMs) : ms;
  }

  /** Records a failed login; answers whether the username is now locked from that address. */
  loginFailed(attempt: LoginAttempt, now: Date): { locked: boolean } {
    const t = now.getTime();
    // Failures nobody repeated for a day are forgotten (and guessed usernames do not pile up).
    this.stmt.purgeSourceFailures.run(t - FORGET_FAILURES_MS, t);
    this.stmt.purgeUserFailures.run(t - FORGET_FAILURES_MS);
    const previous = this.stmt.sourceFailure.get(attempt.usernameKey, attempt.source);
    const failures = (previous?.failures ?? 0) + 1;
    const locked = failures >= this.settings.loginLockAfter && !attempt.neverLock;
    this.stmt.putSourceFailure.run(attempt.usernameKey, attempt.source, failures, t, locked ? t + this.settings.loginLockMs : null);
    const all = (this.stmt.userFailure.get(attempt.usernameKey)?.failures ?? 0) + 1;
    this.stmt.putUserFailure.run(attempt.usernameKey, all, t);
    return { locked };
  }

  /**
   * A successful login forgets the failures of its own address only. The count across addresses
   * stays until a day passes without failures: were it reset by each of the owner's logins, a
   * guesser spread over many addresses would get a fresh allowance of fast tries every time.
   */
  clearLoginFailures(attempt: Pick<LoginAttempt, 'usernameKey' | 'source'>): void {
    this.stmt.clearSourceFailures.run(attempt.usernameKey, attempt.source);
  }

  /** An admin's reset or re-enable, or the unlock CLI: every lock and wait of the username ends. */
  unlock(usernameKey: string): { cleared: number } {
    const a = this.stmt.clearAllSourceFailures.run(usernameKey).changes;
    const b = this.stmt.clearUserFailures.run(usernameKey).changes;
    return { cleared: a + b };
  }

  close(): void {
    this.db.close();
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    sessions: SessionStore;
  }
}

export default fp<{ dataDir?: string | undefined; settings: SecuritySettings }>(
  async (app, { dataDir, settings }) => {
    let file = ':memory:';
    if (dataDir) {
      file = join(dataDir, 'server.db');
      ensurePrivateFile(file);
    }
    const sessions = new SessionStore(file, settings);
    app.decorate('sessions', sessions);
    app.addHook('onClose', async () => sessions.close());
  },
  { name: 'sessions' },
);
