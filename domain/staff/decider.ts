// Staff accounts, as an aggregate per user (stream `staff-<userId>`) plus a guard stream per
// username (`staff-username-<lowercased username>`) that makes usernames unique across users: the
// guard is appended with expectedRevision 'no_stream', so two creations of the same name cannot
// both succeed. Pure functions only: ids and password hashes come from the caller, and time in
// each command's `at` (ISO-8601 UTC), which every event carries as its instant.
import { decideClaim } from '../shared/uniqueClaim';
import { roles as allRoles, type Role } from './roles';
import type { StaffEvent, StaffOversight } from './events';
import { DomainError, conflict, invalid, notFound, refuse } from '../shared/errors';
import { instantOf } from '../shared/utcTime';

export interface StaffUser {
  userId: string;
  username: string;
  displayName: string;
  roles: Role[];
  passwordHash: string;
  /** How many times the password changed; a session remembers the version it was opened with. */
  passwordVersion: number;
  /**
   * Bumped by every change that ends the user's sessions (a password change, disabling): a
   * session is live only while the user is at the generation it was opened at, so re-enabling a
   * user does not revive the sessions the disable ended.
   */
  sessionGeneration: number;
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
        sessionGeneration: 0,
        disabled: false,
      };
    case 'StaffRolesChanged':
      return state.exists ? { ...state, roles: [...event.data.roles] } : state;
    case 'StaffPasswordChanged':
      return state.exists
        ? {
            ...state,
            passwordHash: event.data.passwordHash,
            passwordVersion: state.passwordVersion + 1,
            sessionGeneration: state.sessionGeneration + 1,
          }
        : state;
    case 'StaffUserDisabled':
      return state.exists ? { ...state, disabled: true, sessionGeneration: state.sessionGeneration + 1 } : state;
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
  at: string;
}

export function createUser(command: CreateUser, state: StaffState): StaffEvent[] {
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
        createdAt: instantOf(command.at),
      },
    },
  ];
}

export interface ChangeRoles {
  userId: string;
  roles: readonly string[];
  /** Who asks: nobody changes their own roles (separation of duties). */
  actorId: string;
  /** Set when the change is a sensitive one (see `salesRoleForAdmin`), approved or not. */
  oversight?: StaffOversight;
  at: string;
}

export const SALES_ROLES: readonly Role[] = ['operator', 'supervisor', 'accountant'];

/**
 * Whether going from `before` to `after` makes an admin account hold a sales role it did not
 * (a sales role given to an admin, or admin given to a sales account): the account could then
 * manage staff and sell, read full coupon codes, and so on, on one person's word.
 */
export function salesRoleForAdmin(before: readonly Role[], after: readonly Role[]): boolean {
  if (!after.includes('admin')) return false;
  const sales = after.filter((r) => SALES_ROLES.includes(r));
  if (sales.length === 0) return false;
  return !before.includes('admin') || sales.some((r) => !before.includes(r));
}

export function changeRoles(command: ChangeRoles, state: StaffState): StaffEvent[] {
  const user = existing(state, command.userId);
  const next = checkRoles(command.roles);
  const changedAt = instantOf(command.at);
  if (command.actorId === user.userId) {
    throw refuse('roles_change_of_self', 'roles: nobody may change their own roles; ask another admin', 'roles');
  }
  if (next.length === user.roles.length && next.every((r) => user.roles.includes(r))) return [];
  const data = { userId: user.userId, roles: next, ...(command.oversight ? { oversight: command.oversight } : {}), changedAt };
  return [{ type: 'StaffRolesChanged', data }];
}

export interface ChangePassword {
  userId: string;
  passwordHash: string;
  by: 'self' | 'admin';
  actorId: string;
  /** An admin's reset of someone else's password: always watched (separation of duties). */
  oversight?: StaffOversight;
  at: string;
}

export function changePassword(command: ChangePassword, state: StaffState): StaffEvent[] {
  const user = existing(state, command.userId);
  const changedAt = instantOf(command.at);
  if (user.disabled) throw refuse('staff_user_disabled', `staff user ${user.username} is disabled; enable it first`);
  if (command.by === 'admin' && command.actorId === user.userId) {
    throw refuse('password_reset_of_self', 'to change your own password use "change password", which asks for the current one');
  }
  if (command.by === 'self' && command.actorId !== user.userId) {
    throw refuse('password_change_of_other', 'only the user can change their own password; an admin resets it');
  }
  const data = {
    userId: user.userId,
    passwordHash: command.passwordHash,
    by: command.by,
    ...(command.oversight ? { oversight: command.oversight } : {}),
    changedAt,
  };
  return [{ type: 'StaffPasswordChanged', data }];
}

export function disableUser(command: { userId: string; actorId: string; at: string }, state: StaffState): StaffEvent[] {
  const user = existing(state, command.userId);
  const disabledAt = instantOf(command.at);
  if (command.actorId === user.userId) throw refuse('account_disable_of_self', 'you cannot disable your own account');
  if (user.disabled) return [];
  return [{ type: 'StaffUserDisabled', data: { userId: user.userId, disabledAt } }];
}

export function enableUser(command: { userId: string; at: string }, state: StaffState): StaffEvent[] {
  const user = existing(state, command.userId);
  const enabledAt = instantOf(command.at);
  if (!user.disabled) return [];
  return [{ type: 'StaffUserEnabled', data: { userId: user.userId, enabledAt } }];
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

export function claimUsername(command: { username: string; userId: string; at: string }, state: UsernameGuardState): StaffEvent[] {
  const username = checkUsername(command.username);
  const claimedAt = instantOf(command.at);
  const claim: StaffEvent[] = [{ type: 'StaffUsernameClaimed', data: { username, userId: command.userId, claimedAt } }];
  return decideClaim(state.claimedBy, command.userId, claim, () => new DomainError('username_taken', `the username ${username} is taken`, 'conflict', 'username'));
}

// ---------------------------------------------------------------------------------------------
// Requests for a second admin's approval (one stream for all: a handful a year)

export const STAFF_REQUESTS_STREAM = 'staff-change-requests';

export type StaffRequestReason = StaffOversight['reason'];

/** A change asked for, and what became of it. */
export interface StaffRequest extends RequestChange {
  status: 'pending' | 'approved' | 'rejected';
  decidedBy: string | null;
}

export interface StaffRequestsState {
  requests: Map<string, StaffRequest>;
}

export const staffRequests = {
  initialState: (): StaffRequestsState => ({ requests: new Map() }),
  evolve(state: StaffRequestsState, event: StaffEvent): StaffRequestsState {
    const requests = new Map(state.requests);
    switch (event.type) {
      case 'StaffChangeRequested': {
        const { requestId, userId, reason, roles, passwordHash, requestedBy } = event.data;
        requests.set(requestId, {
          requestId,
          userId,
          reason,
          ...(roles ? { roles: [...roles] } : {}),
          ...(passwordHash ? { passwordHash } : {}),
          requestedBy,
          status: 'pending',
          decidedBy: null,
        });
        return { requests };
      }
      case 'StaffChangeApproved':
      case 'StaffChangeRejected': {
        const request = requests.get(event.data.requestId);
        if (!request) return state;
        const approved = event.type === 'StaffChangeApproved';
        requests.set(request.requestId, {
          ...request,
          status: approved ? 'approved' : 'rejected',
          decidedBy: approved ? event.data.approvedBy : event.data.rejectedBy,
        });
        return { requests };
      }
      default:
        return state;
    }
  },
};

export interface RequestChange {
  requestId: string;
  userId: string;
  reason: StaffRequestReason;
  roles?: Role[];
  passwordHash?: string;
  requestedBy: string;
}

export function requestChange(command: RequestChange & { at: string }, state: StaffRequestsState): StaffEvent[] {
  const { at, ...request } = command;
  const requestedAt = instantOf(at);
  if (state.requests.has(request.requestId)) return [];
  if (request.requestedBy === request.userId) {
    throw refuse('request_for_self', 'nobody may ask for a change of their own account');
  }
  return [{ type: 'StaffChangeRequested', data: { ...request, requestedAt } }];
}

function pendingRequest(state: StaffRequestsState, requestId: string): StaffRequest {
  const request = state.requests.get(requestId);
  if (!request) throw notFound('staff_change_request', requestId);
  if (request.status !== 'pending') {
    throw conflict('staff_change_request_decided', `this request was ${request.status} already`);
  }
  return request;
}

/** A second admin approves: never the admin who asked, nor the user the change is about. */
export function approveChange(command: { requestId: string; approvedBy: string; at: string }, state: StaffRequestsState): StaffEvent[] {
  const approvedAt = instantOf(command.at);
  const request = pendingRequest(state, command.requestId);
  if (command.approvedBy === request.requestedBy) {
    throw refuse('approval_by_requester', 'another admin must approve this request: you asked for it');
  }
  if (command.approvedBy === request.userId) {
    throw refuse('approval_for_self', 'another admin must approve this request: it changes your own account');
  }
  return [{ type: 'StaffChangeApproved', data: { requestId: request.requestId, approvedBy: command.approvedBy, approvedAt } }];
}

/** Any admin may turn a request down, the one who asked included (a withdrawal). */
export function rejectChange(command: { requestId: string; rejectedBy: string; at: string }, state: StaffRequestsState): StaffEvent[] {
  const rejectedAt = instantOf(command.at);
  const request = pendingRequest(state, command.requestId);
  return [{ type: 'StaffChangeRejected', data: { requestId: request.requestId, rejectedBy: command.rejectedBy, rejectedAt } }];
}
