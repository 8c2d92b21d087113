// The first admin. Nothing is baked into the code: on start, when no enabled admin exists, the
// admin named by ADMIN_USERNAME / ADMIN_PASSWORD is created; without them the start prints how to
// make one (the same variables, or the one-off CLI `server/cli/createAdmin.ts`). Once an admin
// exists the variables are ignored.
import { randomUUID } from 'node:crypto';
import { SYSTEM_ACTOR, type CommandContext } from '../../events/catalogue';
import type { EventStore } from '../../events/port';
import { DomainError } from '../domain/errors';
import { createStaffUser, type StaffCommandOutcome } from '../staff/accounts';
import { StaffDirectory } from '../staff/directory';

export const HOW_TO_CREATE_ADMIN =
  'No staff admin exists yet: set ADMIN_USERNAME and ADMIN_PASSWORD (at least 12 characters) and restart, ' +
  'or run `npx tsx server/cli/createAdmin.ts --username <name>` (it reads the password from standard input).';

export const systemContext = (now = new Date()): CommandContext => ({
  actor: SYSTEM_ACTOR,
  at: now.toISOString(),
  correlationId: randomUUID(),
  causationId: null,
});

export type BootstrapOutcome = 'created' | 'exists' | 'missing';

export async function ensureFirstAdmin(
  store: EventStore,
  admin: { username: string; password: string } | undefined,
  say: (line: string) => void,
  options: { passwordHashLogN?: number } = {},
): Promise<BootstrapOutcome> {
  if (await new StaffDirectory(store).hasEnabledUserWithRole('admin')) return 'exists';
  if (!admin) {
    say(HOW_TO_CREATE_ADMIN);
    return 'missing';
  }
  try {
    await createAdmin(store, { username: admin.username, password: admin.password }, options);
  } catch (error) {
    if (error instanceof DomainError) throw new Error(`cannot create the first admin from ADMIN_USERNAME: ${error.message}`);
    throw error;
  }
  say(`Created the first admin, ${admin.username}, from ADMIN_USERNAME / ADMIN_PASSWORD.`);
  return 'created';
}

export function createAdmin(
  store: EventStore,
  input: { username: string; password: string; displayName?: string | undefined },
  options: { passwordHashLogN?: number } = {},
): Promise<StaffCommandOutcome> {
  return createStaffUser(
    store,
    { username: input.username, displayName: input.displayName ?? 'Administrator', roles: ['admin'], password: input.password },
    systemContext(),
    options,
  );
}
