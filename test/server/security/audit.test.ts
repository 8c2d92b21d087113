// Every event says who made it: the acting user's id and the role the route let them in with, the
// correlation id and idempotency key the client sent. A disabled or unknown user appends nothing.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandContext } from '../../../server/security/commandContext';
import { PASSWORD, addUser, allEvents, login, startApp, type TestApp } from './support';

let t: TestApp;
beforeEach(async () => {
  t = await startApp();
});
afterEach(async () => {
  await t.close();
});

const newUser = (username: string, roles: string[] = ['operator']) => ({
  username,
  displayName: username,
  roles,
  password: 'a long enough password',
});

describe('event metadata', () => {
  it('carries the acting user id and role, the time, the correlation id and the idempotency key', async () => {
    const bossId = await addUser(t.store, 'boss', ['admin']);
    const admin = await login(t.app, 'boss');
    const correlationId = randomUUID();
    const before = await t.store.headPosition();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/staff-users',
      headers: { cookie: admin, 'x-correlation-id': correlationId, 'idempotency-key': 'create-anna-1' },
      payload: newUser('anna'),
    });
    expect(response.statusCode).toBe(201);
    const all = (await allEvents(t.store)).filter((e) => e.position > before);
    // The command's events, between the claim of its Idempotency-Key and the answer kept under it.
    expect(all.map((e) => e.type)).toEqual(['IdempotencyKeyClaimed', 'StaffUsernameClaimed', 'StaffUserCreated', 'IdempotentAnswerRecorded']);
    for (const event of [all[0]!, all[3]!]) {
      expect(event.metadata).toMatchObject({ actor: { userId: bossId, role: 'admin' }, correlationId, idempotencyKey: 'create-anna-1' });
    }
    const appended = all.slice(1, 3);
    for (const event of appended) {
      expect(event.metadata).toEqual({
        actor: { userId: bossId, role: 'admin' },
        at: t.clock.now().toISOString(),
        correlationId,
        causationId: null,
        idempotencyKey: 'create-anna-1',
        // Version 2 of the staff events: they carry their instant (events/staff.ts).
        schemaVersion: 2,
      });
    }
    expect(response.json().position).toBe(appended[appended.length - 1]!.position);
  });

  it('records the role the route table allowed (first match) for a user with several roles', async () => {
    const id = await addUser(t.store, 'multi', ['operator', 'supervisor', 'admin']);
    const session = await login(t.app, 'multi');
    // An admin route: only the admin role lets the user in.
    await t.app.inject({ method: 'POST', url: '/api/staff-users', headers: { cookie: session }, payload: newUser('bruno') });
    // A route for any logged-in user: the user's first role.
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie: session, 'x-correlation-id': 'not-a-uuid' },
      payload: { currentPassword: PASSWORD, newPassword: 'another long password' },
    });
    const events = await allEvents(t.store);
    const created = events.find((e) => e.type === 'StaffUserCreated' && (e.data as { username: string }).username === 'bruno')!;
    expect(created.metadata.actor).toEqual({ userId: id, role: 'admin' });
    const changed = events.find((e) => e.type === 'StaffPasswordChanged')!;
    expect(changed.metadata.actor).toEqual({ userId: id, role: 'operator' });
    // A correlation id that is not a UUID is replaced by a new one (time-ordered, as the server's ids).
    expect(changed.metadata.correlationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(changed.metadata).not.toHaveProperty('idempotencyKey');
    // Never the password in an event: only its scrypt hash.
    expect(JSON.stringify(events)).not.toContain('another long password');
    expect((changed.data as { passwordHash: string }).passwordHash).toMatch(/^scrypt\$\d+\$8\$1\$/);
  });

  it('refuses a malformed Idempotency-Key before anything is appended', async () => {
    await addUser(t.store, 'boss', ['admin']);
    const admin = await login(t.app, 'boss');
    const head = await t.store.headPosition();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/staff-users',
      headers: { cookie: admin, 'idempotency-key': 'has spaces in it' },
      payload: newUser('carla'),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/Idempotency-Key/);
    expect(await t.store.headPosition()).toBe(head);
  });
});

describe('commands from users who are not (or no longer) allowed append nothing', () => {
  it('a disabled admin, still holding a session cookie, cannot create a user', async () => {
    await addUser(t.store, 'boss', ['admin']);
    const otherId = await addUser(t.store, 'second', ['admin']);
    const boss = await login(t.app, 'boss');
    const second = await login(t.app, 'second');
    expect((await t.app.inject({ method: 'POST', url: `/api/staff-users/${otherId}/disable`, headers: { cookie: boss } })).statusCode).toBe(200);
    const head = await t.store.headPosition();
    const response = await t.app.inject({ method: 'POST', url: '/api/staff-users', headers: { cookie: second }, payload: newUser('dario') });
    expect(response.statusCode).toBe(401);
    expect(await t.store.headPosition()).toBe(head);
  });

  it('a session whose user does not exist in the event store gets 401 and appends nothing', async () => {
    const ghost = { exists: true as const, userId: randomUUID(), username: 'ghost', displayName: 'Ghost', roles: ['admin' as const], passwordHash: 'x', passwordVersion: 0, sessionGeneration: 0, disabled: false };
    const token = await t.app.sessions.start(ghost, t.clock.now());
    const head = await t.store.headPosition();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/staff-users',
      headers: { cookie: `bo_session=${token}` },
      payload: newUser('elena'),
    });
    expect(response.statusCode).toBe(401);
    expect(await t.store.headPosition()).toBe(head);
  });

  it('a user without the role gets 403 and appends nothing', async () => {
    await addUser(t.store, 'desk', ['operator', 'supervisor', 'accountant']);
    const desk = await login(t.app, 'desk');
    const head = await t.store.headPosition();
    const response = await t.app.inject({ method: 'POST', url: '/api/staff-users', headers: { cookie: desk }, payload: newUser('fabio') });
    expect(response.statusCode).toBe(403);
    expect(response.json().message).toBe('this needs the role admin; you are operator, accountant, supervisor');
    expect(await t.store.headPosition()).toBe(head);
  });

  it('the command context cannot be built for a request without an authorized user', () => {
    expect(() => commandContext({ staff: null, headers: {} } as never)).toThrow(/log in first/);
  });
});
