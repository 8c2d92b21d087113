// The first admin. Nothing is baked into the code: on start, when no enabled admin exists, the
// admin named by ADMIN_USERNAME / ADMIN_PASSWORD is created; without them the start prints how to
// make one (the same variables, or the one-off CLI `server/cli/createAdmin.ts`). Once an admin
// exists the variables are ignored.
//
// "Is there an enabled admin?" is asked of the staff-users read model once it has caught up with
// the log (what the server does), and only without one (the CLI, or the read model failing) by
// reading the whole log, which on a log of millions of events would hold the start for seconds.
import type { FastifyInstance } from 'fastify';
import { SYSTEM_ACTOR, type CommandContext } from '../../events/eventCatalogue';
import type { EventStore } from '../../events/port';
import { DomainError } from '../../domain/shared/errors';
import { createStaffUser, type StaffCommandOutcome } from '../features/staff/accounts';
import { StaffDirectory } from '../features/staff/directory';
import { uuidv7 } from '../../events/uuid';

export const HOW_TO_CREATE_ADMIN =
  'No staff admin exists yet: set ADMIN_USERNAME and ADMIN_PASSWORD (at least 12 characters) and restart, ' +
  'or run `npx tsx server/cli/createAdmin.ts --username <name>` (it reads the password from standard input).';

export const systemContext = (now = new Date()): CommandContext => ({
  actor: SYSTEM_ACTOR,
  at: now.toISOString(),
  correlationId: uuidv7(),
  causationId: null,
});

export type BootstrapOutcome = 'created' | 'exists' | 'missing';

/** How long the start waits for the staff-users read model before reading the log instead. */
const READ_MODEL_WAIT_MS = 30_000;

/**
 * Whether an enabled admin exists, from the app's staff-users read model once it holds the whole
 * log as it is now; from the log itself when the read model cannot catch up in time.
 */
export async function enabledAdminExists(app: FastifyInstance): Promise<boolean> {
  const head = await app.eventStore.headPosition();
  if (!(await app.projections.waitFor(head, ['staff-users'], READ_MODEL_WAIT_MS))) {
    app.log.warn('the staff-users read model is not caught up: looking for an admin in the whole log');
    return new StaffDirectory(app.eventStore).hasEnabledUserWithRole('admin');
  }
  const found = app.projections.db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM staff_user_roles r JOIN staff_users u ON u.id = r.user_id
        WHERE r.role = 'admin' AND u.disabled = 0)`,
    )
    .pluck()
    .get();
  return found === 1;
}

export async function ensureFirstAdmin(
  store: EventStore,
  admin: { username: string; password: string } | undefined,
  say: (line: string) => void,
  options: { passwordHashLogN?: number; adminExists?: () => Promise<boolean> } = {},
): Promise<BootstrapOutcome> {
  const exists = options.adminExists ?? (() => new StaffDirectory(store).hasEnabledUserWithRole('admin'));
  if (await exists()) return 'exists';
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
