// Issue #14, finding 5: separation of duties on staff accounts. Nobody changes their own roles; a
// sales role for an admin account and an admin's reset of someone else's password need a second
// admin's approval when one exists, and are marked in their events (and so in the audit trail)
// either way.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, addUser, allEvents, login, startApp, type TestApp } from './support';

const NEW_PASSWORD = 'a brand new passphrase';

let t: TestApp;
beforeEach(async () => {
  t = await startApp();
});
afterEach(async () => {
  await t.close();
});

const get = (url: string, cookie: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });
const post = (url: string, payload: unknown, cookie: string) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers: { cookie } });
const tryLogin = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

async function lastEvent(type: string) {
  const events = (await allEvents(t.store)).filter((e) => e.type === type);
  return events[events.length - 1]!;
}

describe('nobody changes their own roles', () => {
  it('an admin giving itself supervisor (to read full coupon codes) is refused with a message naming the rule', async () => {
    const bossId = await addUser(t.store, 'boss', ['admin']);
    const boss = await login(t.app, 'boss');
    const before = (await allEvents(t.store)).length;
    const refused = await post(`/api/staff-users/${bossId}/roles`, { roles: ['admin', 'supervisor'] }, boss);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'roles_change_of_self', errors: { roles: expect.stringMatching(/own roles/) } });
    expect((await allEvents(t.store)).length).toBe(before);
    expect((await get('/api/coupons', boss)).statusCode).toBe(403);
  });
});

describe('with a second admin, sensitive changes wait for its approval', () => {
  it('a sales role for an admin account: requested (202), approved by another admin only, then applied and marked', async () => {
    const annaId = await addUser(t.store, 'anna', ['admin']);
    const brunoId = await addUser(t.store, 'bruno', ['admin']);
    const carlaId = await addUser(t.store, 'carla', ['admin']);
    const anna = await login(t.app, 'anna');

    const asked = await post(`/api/staff-users/${carlaId}/roles`, { roles: ['admin', 'supervisor'] }, anna);
    expect(asked.statusCode).toBe(202);
    const request = asked.json();
    expect(request).toMatchObject({ userId: carlaId, reason: 'sales_role_for_admin', roles: ['supervisor', 'admin'], requestedBy: annaId, status: 'pending' });
    expect((await get(`/api/staff-users/${carlaId}`, anna)).json().roles).toEqual(['admin']);

    // The admin who asked and the admin concerned cannot approve.
    const own = await post(`/api/staff-change-requests/${request.id}/approve`, {}, anna);
    expect(own.statusCode).toBe(422);
    expect(own.json().code).toBe('approval_by_requester');
    const carla = await login(t.app, 'carla');
    expect((await post(`/api/staff-change-requests/${request.id}/approve`, {}, carla)).json().code).toBe('approval_for_self');

    const pending = await get(`/api/staff-change-requests?filter=${encodeURIComponent('{"status":"pending"}')}`, anna);
    expect(pending.headers['content-range']).toBe('staff-change-requests 0-0/1');
    expect(pending.json()).toEqual([expect.objectContaining({ id: request.id, status: 'pending' })]);
    // A page of more than 1000 rows is refused, as on every list, not cut short.
    const tooMany = await get(`/api/staff-change-requests?range=${encodeURIComponent('[0,100000]')}`, anna);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().message).toMatch(/^range: .*at most 1000 rows/);

    const bruno = await login(t.app, 'bruno');
    const approved = await post(`/api/staff-change-requests/${request.id}/approve`, {}, bruno);
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ id: request.id, status: 'approved', decidedBy: brunoId });
    expect((await get(`/api/staff-users/${carlaId}`, anna)).json().roles).toEqual(['supervisor', 'admin']);
    expect((await lastEvent('StaffRolesChanged')).data).toMatchObject({
      oversight: { reason: 'sales_role_for_admin', requestedBy: annaId, requestId: request.id, approvedBy: brunoId, soleAdmin: false },
    });
    expect((await post(`/api/staff-change-requests/${request.id}/approve`, {}, bruno)).statusCode).toBe(409);
  });

  it("a reset of someone's password: the old one works until another admin approves; the request never shows the hash", async () => {
    const annaId = await addUser(t.store, 'anna', ['admin']);
    const brunoId = await addUser(t.store, 'bruno', ['admin']);
    const mariaId = await addUser(t.store, 'maria', ['operator']);
    const anna = await login(t.app, 'anna');
    const asked = await post(`/api/staff-users/${mariaId}/reset-password`, { newPassword: NEW_PASSWORD }, anna);
    expect(asked.statusCode).toBe(202);
    expect(asked.body).not.toMatch(/scrypt|hash/i);
    expect((await tryLogin('maria', NEW_PASSWORD)).statusCode).toBe(401);
    expect((await tryLogin('maria', PASSWORD)).statusCode).toBe(200);

    const listed = await get('/api/staff-change-requests', anna);
    expect(listed.body).not.toMatch(/scrypt|hash/i);

    const bruno = await login(t.app, 'bruno');
    expect((await post(`/api/staff-change-requests/${asked.json().id}/approve`, {}, bruno)).statusCode).toBe(200);
    expect((await tryLogin('maria', NEW_PASSWORD)).statusCode).toBe(200);
    expect((await lastEvent('StaffPasswordChanged')).data).toMatchObject({
      by: 'admin',
      oversight: { reason: 'password_reset', requestedBy: annaId, approvedBy: brunoId, soleAdmin: false },
    });
  });

  it('a request can be turned down; it then changes nothing and cannot be approved', async () => {
    await addUser(t.store, 'anna', ['admin']);
    await addUser(t.store, 'bruno', ['admin']);
    const mariaId = await addUser(t.store, 'maria', ['operator']);
    const anna = await login(t.app, 'anna');
    const asked = (await post(`/api/staff-users/${mariaId}/reset-password`, { newPassword: NEW_PASSWORD }, anna)).json();
    const bruno = await login(t.app, 'bruno');
    expect((await post(`/api/staff-change-requests/${asked.id}/reject`, {}, bruno)).json()).toMatchObject({ status: 'rejected' });
    expect((await post(`/api/staff-change-requests/${asked.id}/approve`, {}, bruno)).statusCode).toBe(409);
    expect((await tryLogin('maria', NEW_PASSWORD)).statusCode).toBe(401);
  });

  it('ordinary role changes of non-admins need no approval', async () => {
    await addUser(t.store, 'anna', ['admin']);
    await addUser(t.store, 'bruno', ['admin']);
    const mariaId = await addUser(t.store, 'maria', ['operator']);
    const anna = await login(t.app, 'anna');
    const changed = await post(`/api/staff-users/${mariaId}/roles`, { roles: ['operator', 'supervisor'] }, anna);
    expect(changed.statusCode).toBe(200);
    expect((await lastEvent('StaffRolesChanged')).data).not.toHaveProperty('oversight');
  });
});

describe('with one admin, sensitive changes go through, marked for the audit trail', () => {
  it('a reset by the only admin applies at once and is marked soleAdmin, visible (without the hash) in the audit trail', async () => {
    const bossId = await addUser(t.store, 'boss', ['admin']);
    const mariaId = await addUser(t.store, 'maria', ['operator']);
    await addUser(t.store, 'sonia', ['supervisor']);
    const boss = await login(t.app, 'boss');
    const reset = await post(`/api/staff-users/${mariaId}/reset-password`, { newPassword: NEW_PASSWORD }, boss);
    expect(reset.statusCode).toBe(200);
    expect((await tryLogin('maria', NEW_PASSWORD)).statusCode).toBe(200);
    const oversight = { reason: 'password_reset', requestedBy: bossId, requestId: null, approvedBy: null, soleAdmin: true };
    expect((await lastEvent('StaffPasswordChanged')).data).toMatchObject({ oversight });

    const sonia = await login(t.app, 'sonia');
    const trail = await get(`/api/audit-events?filter=${encodeURIComponent('{"type":"StaffPasswordChanged"}')}`, sonia);
    expect(trail.statusCode).toBe(200);
    expect(trail.json()).toEqual([expect.objectContaining({ data: expect.objectContaining({ oversight, passwordHash: '[hidden]' }) })]);
  });

  it('an admin role given to a sales account by the only other admin goes through, marked', async () => {
    await addUser(t.store, 'boss', ['admin']);
    const lucaId = await addUser(t.store, 'luca', ['accountant']);
    const boss = await login(t.app, 'boss');
    const changed = await post(`/api/staff-users/${lucaId}/roles`, { roles: ['accountant', 'admin'] }, boss);
    expect(changed.statusCode).toBe(200);
    expect((await lastEvent('StaffRolesChanged')).data).toMatchObject({ oversight: { reason: 'sales_role_for_admin', soleAdmin: true } });
  });
});
