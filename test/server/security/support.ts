// Helpers for the HTTP security tests: the test app of test/support/app.ts (a real SQLite event
// store and a real server.db in a temp directory, a clock the test moves), staff users created
// straight in the store, logins over HTTP.
import type { Role } from '../../../events/eventCatalogue';
import type { EventStore } from '../../../events/port';
import type { App } from '../../../server/app';
import { systemContext } from '../../../server/security/bootstrap';
import { createStaffUser } from '../../../server/features/staff/accounts';
import { startTestApp, TEST_LOG_N, TestClock, type TestApp, type TestAppOptions } from '../../support/app';

export { TEST_LOG_N, TestClock, type TestApp };

export const PASSWORD = 'correct horse battery staple';

/** The test app, ready for inject(); `options` as test/support/app.ts's (security overrides, logger, ...). */
export function startApp(options: TestAppOptions = {}): Promise<TestApp> {
  return startTestApp({ prefix: 'bo-security-', ...options });
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
