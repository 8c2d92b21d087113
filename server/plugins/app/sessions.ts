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

interface FailureRow {
  failures: number;
  last_failure: number;
  locked_until: number | null;
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
    failure: db.prepare<[string], FailureRow>('SELECT * FROM auth_login_failures WHERE username_key = ?'),
    putFailure: db.prepare(
      `INSERT INTO auth_login_failures (username_key, failures, last_failure, locked_until) VALUES (?, ?, ?, ?)
       ON CONFLICT (username_key) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure,
         locked_until = excluded.locked_until`,
    ),
    clearFailures: db.prepare('DELETE FROM auth_login_failures WHERE username_key = ?'),
    purgeFailures: db.prepare(
      'DELETE FROM auth_login_failures WHERE last_failure < ? AND (locked_until IS NULL OR locked_until < ?)',
    ),
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
      CREATE TABLE IF NOT EXISTS auth_login_failures (
        username_key TEXT PRIMARY KEY,
        failures     INTEGER NOT NULL,
        last_failure INTEGER NOT NULL,
        locked_until INTEGER
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
   * May a login for this username be tried now? After `loginSlowdownAfter` failures each attempt
   * waits `loginSlowdownBaseMs`, doubling per failure; after `loginLockAfter` failures the username
   * is locked for `loginLockMs`. Counted per username (known or not), so guessing a name tells
   * nothing, and per client address the route's rate limit adds its own bound.
   */
  loginGate(usernameKey: string, now: Date): LoginGate {
    const row = this.stmt.failure.get(usernameKey);
    if (!row) return { open: true };
    const t = now.getTime();
    if (row.locked_until !== null) {
      if (t < row.locked_until) return { open: false, code: 'account_locked', retryAfterMs: row.locked_until - t };
      this.stmt.clearFailures.run(usernameKey);
      return { open: true };
    }
    const s = this.settings;
    if (row.failures >= s.loginSlowdownAfter) {
      const wait = s.loginSlowdownBaseMs * 2 ** (row.failures - s.loginSlowdownAfter);
      if (t < row.last_failure + wait) return { open: false, code: 'login_throttled', retryAfterMs: row.last_failure + wait - t };
    }
    return { open: true };
  }

  /** Records a failed login; answers whether the username is now locked. */
  loginFailed(usernameKey: string, now: Date): { locked: boolean } {
    const t = now.getTime();
    // Failures nobody repeated for a day are forgotten (and guessed usernames do not pile up).
    this.stmt.purgeFailures.run(t - FORGET_FAILURES_MS, t);
    const failures = (this.stmt.failure.get(usernameKey)?.failures ?? 0) + 1;
    const locked = failures >= this.settings.loginLockAfter;
    this.stmt.putFailure.run(usernameKey, failures, t, locked ? t + this.settings.loginLockMs : null);
    return { locked };
  }

  /** A successful login, or an admin's reset or re-enable, forgets the failures. */
  clearLoginFailures(usernameKey: string): void {
    this.stmt.clearFailures.run(usernameKey);
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
