// Sessions with several servers on one event store (issue #21): two back-office apps, each with its
// own data directory (server.db, read.db), share one log: the embedded store's file opened by
// both, or one EventStoreDB (the wire-compatible test server). A login through one server is
// recognised by the other; a logout, a disable or a password reset through one ends the session on
// both: at once on the server that did it, and on the other within its stated bound (`recheckMs`:
// 0 on the embedded store, 2 s on EventStoreDB), measured on that server's clock.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../events/adapters/sqlite';
import type { EventStore } from '../../../events/port';
import { eventStores, type OpenedStore } from '../../support/eventStores';
import { startTestApp } from '../../support/app';
import { tempDir } from '../../support/tmp';
import { PASSWORD, addUser, allEvents, login, sessionCookie, type TestApp } from './support';

const NEW_PASSWORD = 'a brand new passphrase';

describe.each(eventStores)('sessions across two servers on one %s store', (name, open) => {
  let opened: OpenedStore;
  let shared: { path: string; remove(): void } | null = null;
  let a: TestApp;
  let b: TestApp;
  let seq = 0;

  /** A second connection to the same log, as another server process would open. */
  const connect = async (): Promise<EventStore> => {
    if (name === 'SQLite') return createSqliteStore({ file: join(shared!.path, 'events.db') });
    const { createEventStoreDbStore } = await import('../../../events/adapters/eventstoredb');
    return createEventStoreDbStore((opened.store!.address as { connectionString: string }).connectionString);
  };

  beforeAll(async () => {
    opened = await open();
    if (name === 'SQLite') shared = tempDir('bo-shared-log-');
    const options = { sales: { reactors: false }, prefix: 'bo-server-' };
    a = await startTestApp({ ...options, store: opened.store ?? (await connect()) });
    b = await startTestApp({ ...options, store: await connect() });
  }, 60_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await opened?.stop();
    shared?.remove();
  }, 60_000);

  const me = (app: TestApp, cookie: string) => app.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
  const post = (app: TestApp, url: string, cookie: string, payload?: object) =>
    app.app.inject({ method: 'POST', url, headers: { cookie }, ...(payload ? { payload } : {}) });
  /** Both servers' clocks move together (one wall clock). */
  const advance = (ms: number) => {
    a.clock.advance(ms);
    b.clock.advance(ms);
  };
  /** Past the bound within which a server notices what another did. */
  const pastTheBound = (server: TestApp) => advance(server.app.sessions.recheckMs + 1);
  const users = async () => {
    seq++;
    const boss = `boss${seq}`;
    const maria = `maria${seq}`;
    await addUser(a.store, boss, ['admin']);
    const mariaId = await addUser(a.store, maria, ['operator']);
    return { boss, maria, mariaId };
  };

  it('states its bound: every request reads the embedded store; a server trusts its check for 2 s on EventStoreDB', () => {
    expect(a.app.sessions.recheckMs).toBe(name === 'SQLite' ? 0 : 2_000);
  });

  it('a login through A is recognised by B; a logout through B ends the session on A', async () => {
    const { maria, mariaId } = await users();
    const cookie = await login(a.app, maria);
    expect((await me(b, cookie)).json()).toMatchObject({ id: mariaId, username: maria });
    expect((await me(a, cookie)).statusCode).toBe(200);

    expect((await post(b, '/api/auth/logout', cookie)).statusCode).toBe(204);
    expect((await me(b, cookie)).statusCode).toBe(401);
    pastTheBound(a);
    const refused = await me(a, cookie);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().message).toMatch(/session has ended/);
  });

  it('disabling a user through A ends their sessions on A at once and on B within the bound', async () => {
    const { boss, maria, mariaId } = await users();
    const session = await login(b.app, maria);
    expect((await me(a, session)).statusCode).toBe(200);
    expect((await me(b, session)).statusCode).toBe(200);

    const admin = await login(a.app, boss);
    expect((await post(a, `/api/staff-users/${mariaId}/disable`, admin)).statusCode).toBe(200);
    expect((await me(a, session)).statusCode).toBe(401);
    pastTheBound(b);
    expect((await me(b, session)).statusCode).toBe(401);

    // Enabling her again does not bring the old session back, on either server.
    expect((await post(b, `/api/staff-users/${mariaId}/enable`, admin)).statusCode).toBe(200);
    pastTheBound(a);
    expect((await me(a, session)).statusCode).toBe(401);
    expect((await me(b, session)).statusCode).toBe(401);
    expect((await me(a, await login(b.app, maria))).statusCode).toBe(200);
  });

  it("a password reset asked through B and approved through A ends the old sessions on both; the new password works on both", async () => {
    const { boss, maria, mariaId } = await users();
    await addUser(a.store, `second${seq}`, ['admin']);
    const old = await login(a.app, maria);
    expect((await me(b, old)).statusCode).toBe(200);
    const asked = await post(b, `/api/staff-users/${mariaId}/reset-password`, await login(b.app, boss), { newPassword: NEW_PASSWORD });
    expect(asked.statusCode).toBe(202); // a second admin exists: the reset waits for their approval
    expect((await me(b, old)).statusCode).toBe(200);
    const approved = await post(a, `/api/staff-change-requests/${asked.json().id}/approve`, await login(a.app, `second${seq}`));
    expect(approved.statusCode).toBe(200);
    expect((await me(a, old)).statusCode).toBe(401);
    pastTheBound(b);
    expect((await me(b, old)).statusCode).toBe(401);
    const fresh = await login(a.app, maria, NEW_PASSWORD);
    expect((await me(b, fresh)).statusCode).toBe(200);
    const wrong = await b.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: maria, password: PASSWORD } });
    expect(wrong.statusCode).toBe(401);
  });

  it("a user's own password change through A keeps that session (new cookie) on both and ends the others", async () => {
    const { maria } = await users();
    const here = await login(a.app, maria);
    const elsewhere = await login(b.app, maria);
    const changed = await post(a, '/api/auth/password', here, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(changed.statusCode).toBe(200);
    const renewed = sessionCookie(changed.headers['set-cookie']);
    pastTheBound(b);
    expect((await me(b, renewed)).statusCode).toBe(200);
    expect((await me(b, elsewhere)).statusCode).toBe(401);
    expect((await me(a, here)).statusCode).toBe(401);
  });

  it('a role change through A applies to the session on A at once and on B within the bound', async () => {
    const { boss, maria, mariaId } = await users();
    const session = await login(b.app, maria);
    expect((await me(a, session)).json().roles).toEqual(['operator']);
    expect((await me(b, session)).json().roles).toEqual(['operator']);
    const changed = await post(a, `/api/staff-users/${mariaId}/roles`, await login(a.app, boss), { roles: ['operator', 'accountant'] });
    expect(changed.statusCode).toBe(200);
    expect((await me(a, session)).json().roles).toEqual(['operator', 'accountant']);
    pastTheBound(b);
    expect((await me(b, session)).json().roles).toEqual(['operator', 'accountant']);
  });

  it('use through either server keeps the session alive: the idle timeout counts from the last use anywhere', async () => {
    const { maria } = await users();
    const cookie = await login(a.app, maria);
    // 50 minutes later it is used through B only, then 50 minutes later again through A.
    advance(50 * 60_000);
    expect((await me(b, cookie)).statusCode).toBe(200);
    advance(50 * 60_000);
    expect((await me(a, cookie)).statusCode).toBe(200);
    // Idle for longer than the timeout (60 minutes): over on both.
    advance(61 * 60_000);
    expect((await me(b, cookie)).statusCode).toBe(401);
    expect((await me(a, cookie)).statusCode).toBe(401);
  });

  it('the log holds session ids, never the tokens of the cookies', async () => {
    const { maria } = await users();
    const cookie = await login(b.app, maria);
    const token = cookie.split('=')[1]!;
    const events = await allEvents(a.store);
    const started = events.filter((e) => e.type === 'StaffSessionStarted');
    expect(started.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(token);
  });
});
