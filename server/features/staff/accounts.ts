// Staff accounts against the event store: look users up by id or username, create them, run the
// commands of the staff aggregate. Reads go to the streams themselves, so what a command just
// wrote is what the next request sees (login, session checks and the admin's detail view never
// lag behind).
import { randomUUID } from 'node:crypto';
import type { CommandContext, Role } from '../../../events/eventCatalogue';
import { catalogue, type DomainEvent } from '../../../events/index';
import type { EventStore } from '../../../events/port';
import type { StaffEvent } from '../../../domain/staff/events';
import { handleCommand, loadAggregate, type CommandDeps } from '../../commands/handle';
import { DomainError, invalid } from '../../../domain/shared/errors';
import {
  checkUsername,
  claimUsername,
  createUser,
  staffAggregate,
  staffStream,
  usernameGuard,
  usernameStream,
  type StaffState,
  type StaffUser,
} from '../../../domain/staff/decider';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from '../../security/password';

export type ExistingStaffUser = Extract<StaffState, { exists: true }>;

/** What clients see of a user: never the password hash. */
export interface StaffUserRecord {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  disabled: boolean;
}

export const toRecord = (user: StaffUser): StaffUserRecord => ({
  id: user.userId,
  username: user.username,
  displayName: user.displayName,
  roles: [...user.roles],
  disabled: user.disabled,
});

const deps = (store: EventStore): CommandDeps => ({ store, catalogue });

export async function loadStaffUser(store: EventStore, userId: string): Promise<StaffState> {
  const { state } = await loadAggregate<StaffState, DomainEvent>(deps(store), staffStream(userId), staffAggregate);
  return state;
}

/** The id that claimed this username (case-insensitive), or null. */
export async function findUserIdByUsername(store: EventStore, username: string): Promise<string | null> {
  if (username.trim().length === 0 || username.length > 200) return null;
  const { state } = await loadAggregate(deps(store), usernameStream(username), usernameGuard);
  return state.claimedBy;
}

export async function findStaffUserByUsername(store: EventStore, username: string): Promise<ExistingStaffUser | null> {
  const userId = await findUserIdByUsername(store, username);
  if (!userId) return null;
  const user = await loadStaffUser(store, userId);
  return user.exists ? user : null;
}

export function checkNewPassword(password: string, username: string | undefined, field = 'password'): void {
  const problem = passwordProblem(password, username);
  // The whole rule's values, for clients to state the rule in their own words.
  if (problem) throw invalid(field, problem, 'password_weak', { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH });
}

export interface NewStaffUser {
  username: string;
  displayName: string;
  roles: readonly string[];
  password: string;
}

export interface StaffCommandOutcome {
  user: ExistingStaffUser;
  /** Global position of the last event appended (0 when nothing changed). */
  position: number;
}

/**
 * Creates a user: claims the username on its guard stream ('no_stream'), then writes the user's
 * stream. Should the process stop between the two, the claim points at a user stream that does
 * not exist; creating the same username again completes that user instead of refusing it.
 */
export async function createStaffUser(
  store: EventStore,
  input: NewStaffUser,
  context: CommandContext,
  options: { userId?: string; passwordHashLogN?: number } = {},
): Promise<StaffCommandOutcome> {
  const username = checkUsername(input.username);
  checkNewPassword(input.password, username);
  const d = deps(store);
  let userId = options.userId ?? randomUUID();

  const claimedBy = await findUserIdByUsername(store, username);
  if (claimedBy !== null) {
    if ((await loadStaffUser(store, claimedBy)).exists) {
      throw new DomainError('username_taken', `the username ${username} is taken`, 'conflict', 'username');
    }
    userId = claimedBy; // an interrupted creation: finish it
  }
  // Refuse bad names and roles before spending a hash and a claim on them.
  createUser({ ...input, userId, username, passwordHash: 'x', at: context.at }, staffAggregate.initialState());
  const passwordHash = await hashPassword(input.password, options.passwordHashLogN);

  await handleCommand(d, usernameStream(username), usernameGuard, (s) => claimUsername({ username, userId, at: context.at }, s), context);
  const result = await handleCommand(
    d,
    staffStream(userId),
    staffAggregate,
    (s) => createUser({ ...input, userId, username, passwordHash, at: context.at }, s),
    context,
  );
  const user = foldNew(staffAggregate.initialState(), result.events);
  if (!user.exists) throw new Error('creating a staff user produced no user');
  return { user, position: result.position };
}

function foldNew(state: StaffState, events: DomainEvent[]): StaffState {
  return events.reduce((s, e) => staffAggregate.evolve(s, e as StaffEvent), state);
}

/** Runs one command of the staff aggregate and returns the user as it is afterwards. */
export async function runStaffCommand(
  store: EventStore,
  userId: string,
  decide: (state: StaffState) => StaffEvent[],
  context: CommandContext,
): Promise<StaffCommandOutcome> {
  let after: StaffState = staffAggregate.initialState();
  const result = await handleCommand<StaffState, DomainEvent>(
    deps(store),
    staffStream(userId),
    staffAggregate,
    (state) => {
      const events = decide(state);
      after = foldNew(state, events);
      return events;
    },
    context,
  );
  if (!after.exists) throw new DomainError('staff_user_not_found', `staff user ${userId} not found`, 'not_found');
  return { user: after, position: result.position };
}
