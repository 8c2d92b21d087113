// Staff accounts, as an aggregate per user (stream `staff-<userId>`) plus a guard stream per
// username (`staff-username-<lowercased username>`) that makes usernames unique across users: the
// guard is appended with expectedRevision 'no_stream', so two creations of the same name cannot
// both succeed. Pure functions only: ids, password hashes and time come from the caller.
import { roles as allRoles, type Role } from '../../../events/catalogue';
import type { StaffEvent } from '../../../events/staff';
import { DomainError, conflict, invalid, notFound, refuse } from '../errors';

export interface StaffUser {
  userId: string;
  username: string;
  displayName: string;
  roles: Role[];
  passwordHash: string;
  /** How many times the password changed; a session remembers the version it was opened with. */
  passwordVersion: number;
  disabled: boolean;
}

export type StaffState = { exists: false } | ({ exists: true } & StaffUser);

export const staffStream = (userId: string) => `staff-${userId}`;
export const usernameKey = (username: string) => username.trim().toLowerCase();
export const usernameStream = (username: string) => `staff-username-${usernameKey(username)}`;

// ---------------------------------------------------------------------------------------------
// Rules on names

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/;
export const USERNAME_RULE = '3 to 64 letters, digits or . _ @ -, starting with a letter or digit';
export const DISPLAY_NAME_MAX = 100;

export function checkUsername(username: string): string {
  const trimmed = username.trim();
  if (!USERNAME_PATTERN.test(trimmed)) throw invalid('username', `must be ${USERNAME_RULE}`);
  return trimmed;
}

export function checkDisplayName(displayName: string): string {
  const trimmed = displayName.trim().replace(/\s+/g, ' ');
  // eslint-disable-next-line no-control-regex
  if (trimmed.length === 0 || trimmed.length > DISPLAY_NAME_MAX || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw invalid('displayName', `must be 1 to ${DISPLAY_NAME_MAX} printable characters`);
  }
  return trimmed;
}

export function checkRoles(list: readonly string[]): Role[] {
  const unique = [...new Set(list)];
  if (unique.length === 0) throw invalid('roles', 'give at least one role');
  for (const r of unique) {
    if (!(allRoles as readonly string[]).includes(r)) throw invalid('roles', `unknown role ${r} (roles: ${allRoles.join(', ')})`);
  }
  // Keep the catalogue's order, so the same set always reads the same way.
  return allRoles.filter((r) => unique.includes(r));
}

// ---------------------------------------------------------------------------------------------
// The user aggregate

export const initialState = (): StaffState => ({ exists: false });

export function evolve(state: StaffState, event: StaffEvent): StaffState {
  switch (event.type) {
    case 'StaffUserCreated':
      return {
        exists: true,
        userId: event.data.userId,
        username: event.data.username,
        displayName: event.data.displayName,
        roles: [...event.data.roles],
        passwordHash: event.data.passwordHash,
        passwordVersion: 0,
        disabled: false,
      };
    case 'StaffRolesChanged':
      return state.exists ? { ...state, roles: [...event.data.roles] } : state;
    case 'StaffPasswordChanged':
      return state.exists
        ? { ...state, passwordHash: event.data.passwordHash, passwordVersion: state.passwordVersion + 1 }
        : state;
    case 'StaffUserDisabled':
      return state.exists ? { ...state, disabled: true } : state;
    case 'StaffUserEnabled':
      return state.exists ? { ...state, disabled: false } : state;
    default:
      return state;
  }
}

export const staffAggregate = { initialState, evolve };

function existing(state: StaffState, userId: string): Extract<StaffState, { exists: true }> {
  if (!state.exists) throw notFound('staff_user', userId);
  return state;
}

export interface CreateUser {
  userId: string;
  username: string;
  displayName: string;
  roles: readonly string[];
  passwordHash: string;
}

export function createUser(state: StaffState, command: CreateUser): StaffEvent[] {
  if (state.exists) throw conflict('staff_user_exists', `staff user ${command.userId} exists already`);
  return [
    {
      type: 'StaffUserCreated',
      data: {
        userId: command.userId,
        username: checkUsername(command.username),
        displayName: checkDisplayName(command.displayName),
        roles: checkRoles(command.roles),
        passwordHash: command.passwordHash,
      },
    },
  ];
}

export interface ChangeRoles {
  userId: string;
  roles: readonly string[];
  /** Who asks: an admin cannot take the admin role away from themselves (no lock-out by mistake). */
  actorId: string;
}

export function changeRoles(state: StaffState, command: ChangeRoles): StaffEvent[] {
  const user = existing(state, command.userId);
  const next = checkRoles(command.roles);
  if (command.actorId === user.userId && user.roles.includes('admin') && !next.includes('admin')) {
    throw refuse('cannot_remove_own_admin', 'you cannot remove the admin role from yourself; ask another admin', 'roles');
  }
  if (next.length === user.roles.length && next.every((r) => user.roles.includes(r))) return [];
  return [{ type: 'StaffRolesChanged', data: { userId: user.userId, roles: next } }];
}

export interface ChangePassword {
  userId: string;
  passwordHash: string;
  by: 'self' | 'admin';
  actorId: string;
}

export function changePassword(state: StaffState, command: ChangePassword): StaffEvent[] {
  const user = existing(state, command.userId);
  if (user.disabled) throw refuse('staff_user_disabled', `staff user ${user.username} is disabled; enable it first`);
  if (command.by === 'admin' && command.actorId === user.userId) {
    throw refuse('use_change_password', 'to change your own password use "change password", which asks for the current one');
  }
  if (command.by === 'self' && command.actorId !== user.userId) {
    throw refuse('not_yourself', 'only the user can change their own password; an admin resets it');
  }
  return [{ type: 'StaffPasswordChanged', data: { userId: user.userId, passwordHash: command.passwordHash, by: command.by } }];
}

export function disableUser(state: StaffState, command: { userId: string; actorId: string }): StaffEvent[] {
  const user = existing(state, command.userId);
  if (command.actorId === user.userId) throw refuse('cannot_disable_self', 'you cannot disable your own account');
  if (user.disabled) return [];
  return [{ type: 'StaffUserDisabled', data: { userId: user.userId } }];
}

export function enableUser(state: StaffState, command: { userId: string }): StaffEvent[] {
  const user = existing(state, command.userId);
  if (!user.disabled) return [];
  return [{ type: 'StaffUserEnabled', data: { userId: user.userId } }];
}

// ---------------------------------------------------------------------------------------------
// The username guard

export interface UsernameGuardState {
  claimedBy: string | null;
}

export const usernameGuard = {
  initialState: (): UsernameGuardState => ({ claimedBy: null }),
  evolve: (state: UsernameGuardState, event: StaffEvent): UsernameGuardState =>
    event.type === 'StaffUsernameClaimed' && state.claimedBy === null ? { claimedBy: event.data.userId } : state,
};

export function claimUsername(state: UsernameGuardState, command: { username: string; userId: string }): StaffEvent[] {
  const username = checkUsername(command.username);
  if (state.claimedBy === command.userId) return [];
  if (state.claimedBy !== null) throw new DomainError('username_taken', `the username ${username} is taken`, 'conflict', 'username');
  return [{ type: 'StaffUsernameClaimed', data: { username, userId: command.userId } }];
}
