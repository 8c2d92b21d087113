// Helpers for the HTTP security tests: a real app on a real SQLite event store and a real
// server.db in a temp directory, a clock the test moves, staff users created straight in the store.
import { join } from 'node:path';
import type { FastifyServerOptions } from 'fastify';
import type { Role } from '../../../events/eventCatalogue';
import { createSqliteStore } from '../../../events/adapters/sqlite';
import type { EventStore } from '../../../events/port';
import { buildApp, type App } from '../../../server/app';
import { systemContext } from '../../../server/security/bootstrap';
import type { SecuritySettings } from '../../../server/security/settings';
import { createStaffUser } from '../../../server/features/staff/accounts';
import { tempDir } from '../../support/tmp';

export const PASSWORD = 'correct horse battery staple';
/** Cheap scrypt for tests (the production cost is 2^15). */
export const TEST_LOG_N = 12;

export class TestClock {
  constructor(public current = new Date('2026-11-24T09:00:00.000Z')) {}
  now = () => new Date(this.current);
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestApp {
  app: App;
  store: EventStore;
  clock: TestClock;
  dataDir: string;
  close(): Promise<void>;
}

export async function startApp(
  options: { security?: Partial<SecuritySettings>; logger?: FastifyServerOptions['logger'] } = {},
): Promise<TestApp> {
  const dir = tempDir('bo-security-');
  const store = createSqliteStore({ file: join(dir.path, 'events.db') });
  const clock = new TestClock();
  const app = await buildApp({
    store,
    dataDir: dir.path,
    logger: options.logger ?? false,
    security: {
      now: clock.now,
      passwordHashLogN: TEST_LOG_N,
      loginRateLimit: { max: 100_000, timeWindowMs: 60_000 },
      couponCheckRateLimit: { max: 100_000, timeWindowMs: 60_000 },
      ...options.security,
    },
  });
  await app.ready();
  return {
    app,
    store,
    clock,
    dataDir: dir.path,
    close: async () => {
      await app.close();
      dir.remove();
    },
  };
}

export async function addUser(
  store: EventStore,
  username: string,
  roles: Role[],
  password = PASSWORD,
): Promise<string> {
  const { user } = await createStaffUser(
    store,
    { username, displayName: `${username} (test)`, roles, password },
    systemContext(),
    { passwordHashLogN: TEST_LOG_N },
  );
  return user.userId;
}

/** Logs in over HTTP; returns the Cookie header value for the next requests. */
export async function login(app: App, username: string, password = PASSWORD): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`login ${username}: ${response.statusCode} ${response.body}`);
  return sessionCookie(response.headers['set-cookie']);
}

export function sessionCookie(setCookie: string | string[] | undefined): string {
  const line = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).find((c) => c.startsWith('bo_session='));
  if (!line) throw new Error(`no session cookie in ${JSON.stringify(setCookie)}`);
  return line.split(';')[0]!;
}

export async function allEvents(store: EventStore) {
  const out = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
}
