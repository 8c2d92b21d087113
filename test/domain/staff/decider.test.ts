import { describe, expect, it } from 'vitest';
import type { StaffEvent } from '../../../domain/staff/events';
import {
  changePassword,
  changeRoles,
  salesRoleForAdmin,
  checkRoles,
  claimUsername,
  createUser,
  disableUser,
  enableUser,
  staffAggregate,
  usernameGuard,
  usernameKey,
  usernameStream,
} from '../../../domain/staff/decider';
import { specFor } from '../gwt';

const spec = specFor(staffAggregate);
const guard = specFor(usernameGuard);

const ID = '7d0f4a52-5d0c-4d8e-9f1e-0a8a4b1c2d3e';
const ADMIN = 'a1111111-1111-4111-8111-111111111111';
const AT = '2026-11-20T10:00:00.000Z';

const created: StaffEvent = {
  type: 'StaffUserCreated',
  data: { userId: ID, username: 'Maria.Rossi', displayName: 'Maria Rossi', roles: ['operator'], passwordHash: 'h0', createdAt: AT },
};
const disabled: StaffEvent = { type: 'StaffUserDisabled', data: { userId: ID, disabledAt: AT } };

describe('staff user: create', () => {
  it('creates a user with trimmed names and roles in catalogue order', () => {
    spec
      .given([])
      .when((s) =>
        createUser({ userId: ID, username: ' Maria.Rossi ', displayName: '  Maria   Rossi ', roles: ['supervisor', 'operator', 'operator'], passwordHash: 'h0', at: AT }, s),
      )
      .then([
        {
          type: 'StaffUserCreated',
          data: { userId: ID, username: 'Maria.Rossi', displayName: 'Maria Rossi', roles: ['operator', 'supervisor'], passwordHash: 'h0', createdAt: AT },
        },
      ]);
  });

  it('refuses a user that exists, bad usernames, empty display names and unknown or no roles', () => {
    spec.given([created]).when((s) => createUser({ ...created.data, at: AT }, s)).then({ error: 'staff_user_exists', kind: 'conflict' });
    for (const username of ['ab', '-maria', 'maria rossi', 'x'.repeat(65), 'maría']) {
      spec.given([]).when((s) => createUser({ ...created.data, username, at: AT }, s)).then({ error: 'input_invalid', kind: 'invalid', field: 'username' });
    }
    spec.given([]).when((s) => createUser({ ...created.data, displayName: '   ', at: AT }, s)).then({ error: 'input_invalid', field: 'displayName' });
    spec.given([]).when((s) => createUser({ ...created.data, roles: [], at: AT }, s)).then({ error: 'input_invalid', field: 'roles' });
    spec.given([]).when((s) => createUser({ ...created.data, roles: ['cashier'], at: AT }, s)).then({ error: 'input_invalid', field: 'roles' });
    spec.given([]).when((s) => createUser({ ...created.data, at: '20/11/2026 10:00' }, s)).then({ error: 'input_invalid', field: 'at' });
  });

  it('folds a user: password version starts at 0 and counts changes; disable and enable', () => {
    const state = spec
      .given([
        created,
        { type: 'StaffPasswordChanged', data: { userId: ID, passwordHash: 'h1', by: 'self', changedAt: AT } },
        { type: 'StaffRolesChanged', data: { userId: ID, roles: ['accountant'], changedAt: AT } },
        disabled,
      ])
      .state();
    expect(state).toMatchObject({ exists: true, passwordHash: 'h1', passwordVersion: 1, roles: ['accountant'], disabled: true });
    expect(spec.given([created, disabled, { type: 'StaffUserEnabled', data: { userId: ID, enabledAt: AT } }]).state()).toMatchObject({ disabled: false });
  });
});

describe('staff user: roles', () => {
  it('changes roles, does nothing when they are the same, and refuses an unknown user', () => {
    spec.given([created]).when((s) => changeRoles({ userId: ID, roles: ['supervisor'], actorId: ADMIN, at: AT }, s)).then([
      { type: 'StaffRolesChanged', data: { userId: ID, roles: ['supervisor'], changedAt: AT } },
    ]);
    spec.given([created]).when((s) => changeRoles({ userId: ID, roles: ['operator'], actorId: ADMIN, at: AT }, s)).thenNothing();
    spec.given([]).when((s) => changeRoles({ userId: ID, roles: ['operator'], actorId: ADMIN, at: AT }, s)).then({ error: 'staff_user_not_found', kind: 'not_found' });
  });

  it('nobody changes their own roles, not even an admin adding a role (separation of duties)', () => {
    const admin: StaffEvent = { type: 'StaffUserCreated', data: { ...created.data, userId: ADMIN, roles: ['admin'] } };
    spec.given([admin]).when((s) => changeRoles({ userId: ADMIN, roles: ['operator'], actorId: ADMIN, at: AT }, s)).then({ error: 'roles_change_of_self', kind: 'rule' });
    spec.given([admin]).when((s) => changeRoles({ userId: ADMIN, roles: ['admin', 'supervisor'], actorId: ADMIN, at: AT }, s)).then({ error: 'roles_change_of_self', kind: 'rule' });
  });

  it('tells which changes give an admin account a sales role', () => {
    expect(salesRoleForAdmin(['admin'], ['admin', 'supervisor'])).toBe(true);
    expect(salesRoleForAdmin(['accountant'], ['accountant', 'admin'])).toBe(true);
    expect(salesRoleForAdmin(['admin', 'operator'], ['admin', 'operator', 'accountant'])).toBe(true);
    expect(salesRoleForAdmin(['admin', 'operator'], ['admin', 'operator'])).toBe(false);
    expect(salesRoleForAdmin(['admin', 'operator'], ['admin'])).toBe(false);
    expect(salesRoleForAdmin(['operator'], ['operator', 'supervisor'])).toBe(false);
  });

  it('orders roles as the catalogue does', () => {
    expect(checkRoles(['admin', 'operator'])).toEqual(['operator', 'admin']);
  });
});

describe('staff user: password', () => {
  it('the user changes their own; an admin resets someone else', () => {
    spec.given([created]).when((s) => changePassword({ userId: ID, passwordHash: 'h1', by: 'self', actorId: ID, at: AT }, s)).then([
      { type: 'StaffPasswordChanged', data: { userId: ID, passwordHash: 'h1', by: 'self', changedAt: AT } },
    ]);
    spec.given([created]).when((s) => changePassword({ userId: ID, passwordHash: 'h1', by: 'admin', actorId: ADMIN, at: AT }, s)).then([
      { type: 'StaffPasswordChanged', data: { userId: ID, passwordHash: 'h1', by: 'admin', changedAt: AT } },
    ]);
  });

  it('refuses a reset of one’s own password, a "self" change for another user, and a disabled user', () => {
    spec.given([created]).when((s) => changePassword({ userId: ID, passwordHash: 'h1', by: 'admin', actorId: ID, at: AT }, s)).then({ error: 'password_reset_of_self' });
    spec.given([created]).when((s) => changePassword({ userId: ID, passwordHash: 'h1', by: 'self', actorId: ADMIN, at: AT }, s)).then({ error: 'password_change_of_other' });
    spec.given([created, disabled]).when((s) => changePassword({ userId: ID, passwordHash: 'h1', by: 'admin', actorId: ADMIN, at: AT }, s)).then({ error: 'staff_user_disabled' });
  });
});

describe('staff user: disable and enable', () => {
  it('disables once, enables once', () => {
    spec.given([created]).when((s) => disableUser({ userId: ID, actorId: ADMIN, at: AT }, s)).then([disabled]);
    spec.given([created, disabled]).when((s) => disableUser({ userId: ID, actorId: ADMIN, at: AT }, s)).thenNothing();
    spec.given([created, disabled]).when((s) => enableUser({ userId: ID, at: AT }, s)).then([{ type: 'StaffUserEnabled', data: { userId: ID, enabledAt: AT } }]);
    spec.given([created]).when((s) => enableUser({ userId: ID, at: AT }, s)).thenNothing();
  });

  it('nobody disables themselves; unknown users are not found', () => {
    spec.given([created]).when((s) => disableUser({ userId: ID, actorId: ID, at: AT }, s)).then({ error: 'account_disable_of_self' });
    spec.given([]).when((s) => disableUser({ userId: ID, actorId: ADMIN, at: AT }, s)).then({ error: 'staff_user_not_found', kind: 'not_found' });
    spec.given([]).when((s) => enableUser({ userId: ID, at: AT }, s)).then({ error: 'staff_user_not_found' });
  });
});

describe('username guard', () => {
  it('claims a free username, repeats idempotently for the same user, refuses another', () => {
    guard.given([]).when((s) => claimUsername({ username: 'Maria.Rossi', userId: ID, at: AT }, s)).then([
      { type: 'StaffUsernameClaimed', data: { username: 'Maria.Rossi', userId: ID, claimedAt: AT } },
    ]);
    const claimed: StaffEvent = { type: 'StaffUsernameClaimed', data: { username: 'Maria.Rossi', userId: ID, claimedAt: AT } };
    guard.given([claimed]).when((s) => claimUsername({ username: 'maria.rossi', userId: ID, at: AT }, s)).thenNothing();
    guard.given([claimed]).when((s) => claimUsername({ username: 'MARIA.ROSSI', userId: ADMIN, at: AT }, s)).then({
      error: 'username_taken',
      kind: 'conflict',
      field: 'username',
    });
  });

  it('is one stream per case-insensitive username', () => {
    expect(usernameKey(' Maria.Rossi ')).toBe('maria.rossi');
    expect(usernameStream('MARIA.rossi')).toBe('staff-username-maria.rossi');
  });
});
