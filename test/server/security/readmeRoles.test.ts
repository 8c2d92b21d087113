// Issue #14: the README's table of who may do what disagreed with the route table. It is now
// written from the route table (`npm run docs:roles`); this test fails when the README is stale.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rolesTable, withRolesTable } from '../../../scripts/docsRoles';
import { addUser, login, startApp, type TestApp } from './support';

describe("the README's roles table", () => {
  it('is the one generated from the route table (run `npm run docs:roles` after changing routeTable.ts)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(rolesTable());
    expect(withRolesTable(readme)).toBe(readme);
  });

  it('says what the issue found missing: supervisors record and match payments and read the audit trail', () => {
    const supervisor = rolesTable().split('\n').find((line) => line.startsWith('| `supervisor`'))!;
    expect(supervisor).toMatch(/`payments` \(create, match\)/);
    expect(supervisor).toMatch(/`audit-events`/);
  });
});

describe('accountants read everything', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startApp();
  });
  afterEach(() => t.close());

  it("including a holder's renewable devices (was 403)", async () => {
    await addUser(t.store, 'luca', ['accountant']);
    const cookie = await login(t.app, 'luca');
    const response = await t.app.inject({ method: 'GET', url: '/api/holders/RSSMRA80A01H501U/renewable-devices', headers: { cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ devices: [], needingReplacement: [] });
  });
});
