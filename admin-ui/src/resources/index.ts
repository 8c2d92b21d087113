// Every resource of the console, by the name of its API resource (`/api/<name>`). To add one:
// create resources/<name>/index.ts (see staff-users), add it here, add its labels to i18n/it.ts
// and i18n/en.ts under `resources.<name>`.
import type { Role } from '../roles';
import staffUsers from './staff-users';
import type { ResourceModule } from './types';

export const resources: Readonly<Record<string, ResourceModule>> = {
  'staff-users': staffUsers,
};

/** Whether a user with these roles may perform `action` on `resource` (unknown resources: yes). */
export function isAllowed(roles: readonly string[], resource: string, action: string): boolean {
  const access = Object.hasOwn(resources, resource) ? resources[resource]?.access : undefined;
  if (!access) return true;
  const allowed: readonly Role[] | undefined = access[action] ?? access['*'];
  if (!allowed) return true;
  return allowed.some((role) => roles.includes(role));
}

export type { ResourceModule } from './types';
