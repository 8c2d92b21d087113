// Login throttling: failed logins counted per (username, client address) and per username, in a
// small SQLite file next to the event store (`<DATA_DIR>/server.db`), in memory when the app has no
// data dir. Operational state, not domain events: failures of guessed usernames are forgotten after
// a day, which an append-only log could not do.
//
// With several servers, each counts the failures it saw (docs/reliability.md, "Several servers"):
// behind a load balancer that spreads one client's attempts over N servers, the slow-down and the
// lock come up to N times later. Sessions are no longer kept here: they live in the event store
// (server/security/sessions.ts).
import Database from 'better-sqlite3';
import type { SecuritySettings } from './settings';

export type LoginGate =
  | { open: true }
  | { open: false; code: 'login_throttled' | 'account_locked'; retryAfterMs: number };

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

function prepare(db: Database.Database) {
  return {
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

export class LoginThrottle {
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
      -- Sessions moved to the event store (issue #21): the hashes of the old ones go.
      DROP TABLE IF EXISTS auth_sessions;
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
