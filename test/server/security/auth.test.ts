// Logging in and out, sessions, password changes, throttling and lockout, disabled users — over HTTP
// against a real app with real SQLite files.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, addUser, login, sessionCookie, startApp, type TestApp } from './support';

const NEW_PASSWORD = 'a brand new passphrase';

let t: TestApp;
beforeEach(async () => {
  t = await startApp();
});
afterEach(async () => {
  await t.close();
});

const get = (url: string, cookie?: string) => t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
const post = (url: string, payload: unknown, cookie?: string) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers: cookie ? { cookie } : {} });
const tryLogin = (username: string, password: string) => post('/api/auth/login', { username, password });

describe('login, me, logout', () => {
  it('logs in with an HTTP-only SameSite=Strict session cookie, tells who is logged in, logs out', async () => {
    const id = await addUser(t.store, 'maria', ['operator', 'supervisor']);
    const response = await tryLogin('Maria', PASSWORD); // usernames are case-insensitive
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id, username: 'maria', displayName: 'maria (test)', roles: ['operator', 'supervisor'] });
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/^bo_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    const cookie = sessionCookie(response.headers['set-cookie']);

    const me = await get('/api/auth/me', cookie);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ id, username: 'maria', displayName: 'maria (test)', roles: ['operator', 'supervisor'] });

    const out = await post('/api/auth/logout', undefined, cookie);
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/bo_session=;/);
    const after = await get('/api/auth/me', cookie);
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'unauthenticated', message: expect.any(String) });
  });

  it('answers the same 401 for a wrong password and an unknown user, and 400 for malformed input', async () => {
    await addUser(t.store, 'maria', ['operator']);
    const wrong = await tryLogin('maria', 'not the password at all');
    const unknown = await tryLogin('nobody', 'not the password at all');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toMatchObject({ code: 'credentials_invalid', message: 'wrong username or password' });
    expect(wrong.headers['set-cookie']).toBeUndefined();

    const bad = await post('/api/auth/login', { username: 'maria' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/password/);
  });

  it('logout clears the cookie with the attributes it was set with', async () => {
    await addUser(t.store, 'maria', ['operator']);
    const out = await post('/api/auth/logout', undefined, await login(t.app, 'maria'));
    const cleared = String(out.headers['set-cookie']);
    expect(cleared).toMatch(/^bo_session=;/);
    for (const attribute of [/HttpOnly/, /SameSite=Strict/, /Path=\//]) expect(cleared).toMatch(attribute);
  });

  it('with COOKIE_SECURE the cookie is __Host-bo_session, Secure when set and when cleared, and opens the session', async () => {
    const { sessionCookieName } = await import('../../../server/security/settings');
    const secure = await startApp({ security: { cookieSecure: true, cookieName: sessionCookieName(true) } });
    try {
      await addUser(secure.store, 'maria', ['operator']);
      const inSecure = await secure.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'maria', password: PASSWORD } });
      const set = String(inSecure.headers['set-cookie']);
      expect(set).toMatch(/^__Host-bo_session=[A-Za-z0-9_-]{43};/);
      for (const attribute of [/; Secure/, /HttpOnly/, /SameSite=Strict/, /Path=\//]) expect(set).toMatch(attribute);
      expect(set).not.toMatch(/Domain=/);
      const cookie = set.split(';')[0]!;
      expect((await secure.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(200);
      const out = await secure.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
      const cleared = String(out.headers['set-cookie']);
      expect(cleared).toMatch(/^__Host-bo_session=;/);
      for (const attribute of [/; Secure/, /HttpOnly/, /SameSite=Strict/, /Path=\//]) expect(cleared).toMatch(attribute);
    } finally {
      await secure.close();
    }
  });

  it('refuses anonymous and forged or expired sessions', async () => {
    await addUser(t.store, 'maria', ['operator']);
    expect((await get('/api/auth/me')).statusCode).toBe(401);
    expect((await get('/api/auth/me', 'bo_session=forged-token')).statusCode).toBe(401);
    const cookie = await login(t.app, 'maria');
    expect((await get('/api/auth/me', cookie)).statusCode).toBe(200);
    // Idle for longer than the idle timeout (60 minutes by default).
    t.clock.advance(61 * 60_000);
    const expired = await get('/api/auth/me', cookie);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().message).toMatch(/session has ended/);
  });

  it('GET /api/auth/session answers 200 whether or not someone is signed in (the login page asks it)', async () => {
    const id = await addUser(t.store, 'maria', ['operator']);
    const nobody = await get('/api/auth/session');
    expect(nobody.statusCode).toBe(200);
    expect(nobody.json()).toEqual({ user: null });
    expect((await get('/api/auth/session', 'bo_session=forged-token')).json()).toEqual({ user: null });
    const cookie = await login(t.app, 'maria');
    expect((await get('/api/auth/session', cookie)).json()).toEqual({
      user: { id, username: 'maria', displayName: 'maria (test)', roles: ['operator'] },
    });
    expect((await post('/api/auth/logout', undefined, cookie)).statusCode).toBe(204);
    const after = await get('/api/auth/session', cookie);
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual({ user: null });
    // An idle session is over here as on every other route.
    const again = await login(t.app, 'maria');
    t.clock.advance(61 * 60_000);
    expect((await get('/api/auth/session', again)).json()).toEqual({ user: null });
    expect((await get('/api/auth/me', again)).statusCode).toBe(401);
  });

  it('ends a session 12 hours after login even when it is used all day', async () => {
    await addUser(t.store, 'maria', ['operator']);
    const cookie = await login(t.app, 'maria');
    for (let hour = 1; hour < 12; hour++) {
      t.clock.advance(60 * 60_000 - 1);
      expect((await get('/api/auth/me', cookie)).statusCode).toBe(200);
    }
    t.clock.advance(60 * 60_000 + 100);
    expect((await get('/api/auth/me', cookie)).statusCode).toBe(401);
  });
});

describe('failed logins slow down, then lock the account for a while', () => {
  it('throttles after 3 failures from one address (1 s, 2 s, 4 s ...), locks after 10 for 15 minutes there, then lets the right password in', async () => {
    await addUser(t.store, 'maria', ['operator']);
    for (let i = 0; i < 3; i++) expect((await tryLogin('maria', 'wrong password number')).statusCode).toBe(401);

    // The 4th attempt comes too soon: refused without even looking at the password.
    const throttled = await tryLogin('maria', PASSWORD);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json()).toMatchObject({ code: 'login_throttled', message: expect.stringMatching(/wait 1 seconds/) });
    expect(throttled.headers['retry-after']).toBe('1');

    // Waiting as told allows one more try; each failure doubles the wait.
    let wait = 1_000;
    for (let failures = 3; failures < 10; failures++) {
      t.clock.advance(wait - 1);
      expect((await tryLogin('maria', PASSWORD)).statusCode).toBe(429);
      t.clock.advance(1);
      expect((await tryLogin('maria', 'wrong password again')).statusCode).toBe(401);
      wait *= 2;
    }

    // 10 failures: locked for 15 minutes, whatever the password.
    const locked = await tryLogin('maria', PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'account_locked', message: expect.stringMatching(/locked here; try again in 15 minutes/) });
    t.clock.advance(14 * 60_000);
    expect((await tryLogin('maria', PASSWORD)).json().code).toBe('account_locked');
    t.clock.advance(60_000);
    expect((await tryLogin('maria', PASSWORD)).statusCode).toBe(200);

    // A success forgets the failures.
    for (let i = 0; i < 3; i++) expect((await tryLogin('maria', 'wrong password number')).statusCode).toBe(401);
    t.clock.advance(1_000);
    expect((await tryLogin('maria', PASSWORD)).statusCode).toBe(200);
    expect((await tryLogin('maria', 'wrong password number')).statusCode).toBe(401);
  });

  it('counts unknown usernames the same way (no telling which exist), and each username apart', async () => {
    await addUser(t.store, 'maria', ['operator']);
    for (let i = 0; i < 3; i++) await tryLogin('ghost', 'some password here');
    expect((await tryLogin('ghost', 'some password here')).json().code).toBe('login_throttled');
    expect((await tryLogin('maria', PASSWORD)).statusCode).toBe(200);
  });

  it("an admin's password reset lifts the lock", async () => {
    await addUser(t.store, 'boss', ['admin']);
    const id = await addUser(t.store, 'maria', ['operator']);
    for (let i = 0; i < 10; i++) {
      await tryLogin('maria', 'wrong password number');
      t.clock.advance(10 * 60_000);
    }
    expect((await tryLogin('maria', PASSWORD)).json().code).toBe('account_locked');
    const admin = await login(t.app, 'boss');
    expect((await post(`/api/staff-users/${id}/reset-password`, { newPassword: NEW_PASSWORD }, admin)).statusCode).toBe(200);
    expect((await tryLogin('maria', NEW_PASSWORD)).statusCode).toBe(200);
  });
});

describe('passwords', () => {
  it('a user changes their own password: other sessions end, this one goes on with a new cookie', async () => {
    const id = await addUser(t.store, 'maria', ['operator']);
    const desk1 = await login(t.app, 'maria');
    const desk2 = await login(t.app, 'maria');

    const wrong = await post('/api/auth/password', { currentPassword: 'not my password', newPassword: NEW_PASSWORD }, desk1);
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'password_wrong', errors: { currentPassword: expect.any(String) } });
    const weak = await post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short' }, desk1);
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ code: 'password_weak', message: 'newPassword: must have at least 12 characters' });

    const changed = await post('/api/auth/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, desk1);
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ id, username: 'maria', position: expect.any(Number) });
    expect(changed.json().position).toBeGreaterThan(0);
    const renewed = sessionCookie(changed.headers['set-cookie']);

    expect((await get('/api/auth/me', desk1)).statusCode).toBe(401);
    expect((await get('/api/auth/me', desk2)).statusCode).toBe(401);
    expect((await get('/api/auth/me', renewed)).statusCode).toBe(200);
    expect((await tryLogin('maria', PASSWORD)).statusCode).toBe(401);
    expect((await tryLogin('maria', NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('an admin resets a password: every session of the user ends at once', async () => {
    await addUser(t.store, 'boss', ['admin']);
    const id = await addUser(t.store, 'maria', ['operator']);
    const session = await login(t.app, 'maria');
    const admin = await login(t.app, 'boss');
    const weak = await post(`/api/staff-users/${id}/reset-password`, { newPassword: 'maria' }, admin);
    expect(weak.statusCode).toBe(400);
    const reset = await post(`/api/staff-users/${id}/reset-password`, { newPassword: NEW_PASSWORD }, admin);
    expect(reset.statusCode).toBe(200);
    expect((await get('/api/auth/me', session)).statusCode).toBe(401);
    expect((await tryLogin('maria', PASSWORD)).statusCode).toBe(401);
    expect((await tryLogin('maria', NEW_PASSWORD)).statusCode).toBe(200);
    // An admin's own password goes through "change password", which asks for the current one.
    const self = await post(`/api/staff-users/${(await get('/api/auth/me', admin)).json().id}/reset-password`, { newPassword: NEW_PASSWORD }, admin);
    expect(self.statusCode).toBe(422);
    expect(self.json().code).toBe('password_reset_of_self');
  });
});

describe('disabled users', () => {
  it("a disabled user's sessions stop working at once, and they cannot log in until enabled", async () => {
    await addUser(t.store, 'boss', ['admin']);
    const id = await addUser(t.store, 'maria', ['operator']);
    const session = await login(t.app, 'maria');
    const admin = await login(t.app, 'boss');
    expect((await get('/api/auth/me', session)).statusCode).toBe(200);

    const disabled = await post(`/api/staff-users/${id}/disable`, undefined, admin);
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ id, disabled: true, position: expect.any(Number) });
    expect((await get('/api/auth/me', session)).statusCode).toBe(401);

    // The right password and a wrong one get the same answer: no telling a guesser they found it.
    const refused = await tryLogin('maria', PASSWORD);
    const wrong = await tryLogin('maria', 'wrong password here');
    expect(refused.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(refused.body).toBe(wrong.body);
    expect(refused.json()).toMatchObject({ code: 'credentials_invalid', message: 'wrong username or password' });
    expect(refused.headers['set-cookie']).toBeUndefined();
    t.clock.advance(60_000);

    expect((await post(`/api/staff-users/${id}/enable`, {}, admin)).json()).toMatchObject({ disabled: false });
    expect((await tryLogin('maria', PASSWORD)).statusCode).toBe(200);
  });

  it('the check does not depend on this process having deleted the sessions', async () => {
    await addUser(t.store, 'boss', ['admin']);
    const id = await addUser(t.store, 'maria', ['operator']);
    const session = await login(t.app, 'maria');
    // Another server process disabled her: the event is in the store, this process's sessions untouched.
    const { disableUser } = await import('../../../domain/staff/decider');
    const { runStaffCommand } = await import('../../../server/features/staff/accounts');
    const { systemContext } = await import('../../../server/security/bootstrap');
    const context = systemContext();
    await runStaffCommand(t.store, id, (s) => disableUser({ userId: id, actorId: 'system', at: context.at }, s), context);
    expect((await get('/api/auth/me', session)).statusCode).toBe(401);
  });
});

describe('staff accounts (admin)', () => {
  it('creates users, refuses a taken username whatever its case, lists, reads one and changes roles', async () => {
    const bossId = await addUser(t.store, 'boss', ['admin']);
    const admin = await login(t.app, 'boss');
    const created = await post('/api/staff-users', { username: 'Luca.B', displayName: 'Luca Bianchi', roles: ['accountant'], password: NEW_PASSWORD }, admin);
    expect(created.statusCode).toBe(201);
    const luca = created.json();
    expect(luca).toMatchObject({ username: 'Luca.B', displayName: 'Luca Bianchi', roles: ['accountant'], disabled: false });
    expect(luca.position).toBeGreaterThan(0);
    expect(JSON.stringify(luca)).not.toMatch(/scrypt|hash/i);

    const taken = await post('/api/staff-users', { username: 'luca.b', displayName: 'Other', roles: ['operator'], password: NEW_PASSWORD }, admin);
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'username_taken', errors: { username: expect.any(String) } });
    const weak = await post('/api/staff-users', { username: 'anna', displayName: 'Anna', roles: ['operator'], password: 'short' }, admin);
    expect(weak.statusCode).toBe(400);

    for (const name of ['carla', 'dario', 'elena']) {
      await post('/api/staff-users', { username: name, displayName: name.toUpperCase(), roles: ['operator'], password: NEW_PASSWORD }, admin);
    }
    const page = await get(`/api/staff-users?sort=${encodeURIComponent('["username","DESC"]')}&range=${encodeURIComponent('[0,1]')}`, admin);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-range']).toBe('staff-users 0-1/5');
    expect(page.json().map((u: { username: string }) => u.username)).toEqual(['Luca.B', 'elena']);
    const filtered = await get(`/api/staff-users?filter=${encodeURIComponent('{"role":"accountant"}')}`, admin);
    expect(filtered.json()).toEqual([{ id: luca.id, username: 'Luca.B', displayName: 'Luca Bianchi', roles: ['accountant'], disabled: false }]);
    const many = await get(`/api/staff-users?filter=${encodeURIComponent(JSON.stringify({ id: [luca.id, bossId] }))}`, admin);
    expect(many.headers['content-range']).toBe('staff-users 0-1/2');
    const none = await get(`/api/staff-users?filter=${encodeURIComponent('{"q":"zzz"}')}`, admin);
    expect(none.headers['content-range']).toBe('staff-users */0');

    expect((await get(`/api/staff-users/${luca.id}`, admin)).json()).toMatchObject({ id: luca.id, username: 'Luca.B' });
    const missing = await get('/api/staff-users/00000000-0000-4000-8000-000000000000', admin);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toMatch(/not found/);

    // Role changes take effect on the very next request.
    const lucaSession = await login(t.app, 'luca.b', NEW_PASSWORD);
    expect((await get('/api/staff-users', lucaSession)).statusCode).toBe(403);
    const roles = await post(`/api/staff-users/${luca.id}/roles`, { roles: ['admin', 'accountant'] }, admin);
    expect(roles.json()).toMatchObject({ roles: ['accountant', 'admin'] });
    expect((await get('/api/staff-users', lucaSession)).statusCode).toBe(200);
    // An admin cannot demote or disable themselves.
    expect((await post(`/api/staff-users/${bossId}/roles`, { roles: ['operator'] }, admin)).statusCode).toBe(422);
    expect((await post(`/api/staff-users/${bossId}/disable`, {}, admin)).statusCode).toBe(422);
  });
});
