// The one place the tests build the back office's app (server/app.ts): a temp data directory (or
// the test's own), a real SQLite event store in it (or the test's own), server.db and read.db next
// to it, a clock the test moves, cheap password hashing and rate limits out of the way. Options
// pass the rest through to buildApp (security overrides, sales settings / reactors, a read side,
// the logger), and can run a test SMTP server and make the app listen on a port of 127.0.0.1.
// test/server/security/support.ts (`startApp`), test/server/api/support.ts (`startApi`) and
// test/server/read/fixtures.ts (`startReadApp`) add their staff users, clients and fixtures on top.
import { join } from 'node:path';
import { createSqliteStore } from '../../events/adapters/sqlite';
import type { EventStore } from '../../events/port';
import { buildApp, type App, type AppOptions } from '../../server/app';
import type { SecuritySettings } from '../../server/security/settings';
import { startTestSmtp, type TestSmtp } from './smtp';
import { tempDir } from './tmp';

/** Cheap scrypt for tests (the production cost is 2^15). */
export const TEST_LOG_N = 12;

/** Where the test clock starts unless a test says otherwise. */
export const TEST_NOW = '2026-11-24T09:00:00.000Z';

/** Rate limits no test reaches unless it sets its own. */
const LIFTED = { max: 100_000, timeWindowMs: 60_000 };

/** The app's clock (sessions, login throttling, event metadata), moved by the test. */
export class TestClock {
  constructor(public current = new Date(TEST_NOW)) {}
  now = () => new Date(this.current);
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** The security settings of a test app: its clock, cheap hashing, lifted rate limits, then `overrides`. */
export function testSecurity(clock: TestClock, overrides: Partial<SecuritySettings> = {}): Partial<SecuritySettings> {
  return {
    now: clock.now,
    passwordHashLogN: TEST_LOG_N,
    loginRateLimit: LIFTED,
    couponCheckRateLimit: LIFTED,
    ...overrides,
  };
}

export interface TestAppOptions {
  /** Over the test defaults (the clock, TEST_LOG_N, lifted rate limits). */
  security?: Partial<SecuritySettings>;
  /** buildApp's sales options (default: the app's own, reactors on, no SMTP_URL). */
  sales?: AppOptions['sales'];
  /** buildApp's read side (default: every projection of the back office). */
  readSide?: AppOptions['readSide'];
  /** The app's logger (default: none). */
  logger?: AppOptions['logger'];
  /** Where the clock starts (default TEST_NOW). */
  start?: string;
  /** Start on this data directory (again when it holds a log: a restart); close() leaves it. */
  dataDir?: string;
  /** The test's own event store (default: a SQLite store on `<dataDir>/events.db`); the app closes it. */
  store?: EventStore;
  /** The name prefix of the temp data directory (when no `dataDir`). */
  prefix?: string;
  /**
   * Run a test SMTP server (`smtp`, closed by close()): 'used' makes it the app's SMTP_URL, 'unused'
   * keeps it from the app (the app runs without SMTP_URL; nothing should reach the server).
   */
  smtp?: 'used' | 'unused';
  /** Listen on a free port of 127.0.0.1 (`baseUrl`) instead of only getting ready for inject(). */
  listen?: boolean;
  /** Most rows a list counts for its total (default: the app's, 10,000). */
  listCountCap?: number;
}

export interface TestApp {
  app: App;
  store: EventStore;
  clock: TestClock;
  dataDir: string;
  /** The test SMTP server when asked for (`smtp` option), otherwise null. */
  smtp: TestSmtp | null;
  /** `http://127.0.0.1:<port>` when listening (`listen` option), otherwise null. */
  baseUrl: string | null;
  /** Closes the app (and with it the store), the SMTP server, and removes a temp data directory. */
  close(): Promise<void>;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = options.dataDir ? { path: options.dataDir, remove: () => {} } : tempDir(options.prefix ?? 'bo-test-');
  const store = options.store ?? createSqliteStore({ file: join(dir.path, 'events.db') });
  const clock = new TestClock(options.start ? new Date(options.start) : undefined);
  const smtp = options.smtp ? await startTestSmtp() : null;
  const sales = options.smtp === 'used' ? { ...options.sales, smtpUrl: smtp!.url } : options.sales;
  const app = await buildApp({
    store,
    dataDir: dir.path,
    logger: options.logger ?? false,
    security: testSecurity(clock, options.security),
    readSide: options.readSide,
    sales,
    listCountCap: options.listCountCap,
  });
  let baseUrl: string | null = null;
  if (options.listen) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  } else {
    await app.ready();
  }
  return {
    app,
    store,
    clock,
    dataDir: dir.path,
    smtp,
    baseUrl,
    close: async () => {
      await app.close();
      await smtp?.close();
      dir.remove();
    },
  };
}
