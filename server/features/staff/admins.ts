// Who the enabled admins are, for the rules that depend on how many there are: the last admin is
// never locked out by failed logins, and a second admin must approve the sensitive staff changes
// whenever one exists (README, Security).
import type { FastifyInstance } from 'fastify';
import { StaffDirectory } from './directory';

/** How long a rule waits for the staff-users read model before reading the log itself. */
const READ_MODEL_WAIT_MS = 5_000;

function fromReadModel(app: FastifyInstance): string[] {
  return app.projections.db
    .prepare(
      `SELECT u.id FROM staff_user_roles r JOIN staff_users u ON u.id = r.user_id
        WHERE r.role = 'admin' AND u.disabled = 0 ORDER BY u.id`,
    )
    .pluck()
    .all() as string[];
}

/**
 * The enabled admins as the read model holds them now, without waiting: for the login path, where
 * a lagging read model errs towards "last admin" (slowed down, not locked), the safe side.
 */
export function enabledAdminIdsNow(app: FastifyInstance): string[] {
  try {
    return fromReadModel(app);
  } catch {
    return [];
  }
}

/**
 * The enabled admins including every change written so far: a rule that lets one admin act alone
 * must not miss a second admin created a moment ago.
 */
export async function enabledAdminIds(app: FastifyInstance): Promise<string[]> {
  const head = await app.eventStore.headPosition();
  if (await app.projections.waitFor(head, ['staff-users'], READ_MODEL_WAIT_MS)) return fromReadModel(app);
  const users = await new StaffDirectory(app.eventStore).list();
  return users.filter((u) => !u.disabled && u.roles.includes('admin')).map((u) => u.id);
}
