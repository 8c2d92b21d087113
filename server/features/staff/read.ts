// Staff users, as the read API serves them (server/read/routes.ts): the view its projection
// maintains, the fields (snake_case SQL → camelCase JSON), what sorts, filters and `q` searches.
import type { ResourceSpec } from '../../read/listQuery';
import { id, text, bool, json, textId } from '../../read/fields';
import { normaliseText } from '../../../projections/readModels/shared';
import { roleGroups } from '../../security/routeTable';
import { roles as allRoles } from '../../../events/eventCatalogue';
import { usernameKey } from '../../../domain/staff/decider';

export const staffResources: ResourceSpec[] = [
  {
    name: 'staff-users',
    singular: 'staff user',
    view: 'staff_users',
    projection: 'staff-users',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Staff users (never a password hash)',
    access: roleGroups.admin,
    defaultSort: ['username', 'ASC'],
    search: {
      describe: 'username, display name (prefix)',
      columns: [
        { sql: 'username_key', normalise: usernameKey },
        { sql: 'display_key', normalise: normaliseText },
      ],
    },
    filters: {
      role: {
        rule: `one of ${allRoles.join(', ')}`,
        parse: (value) => (typeof value === 'string' && (allRoles as readonly string[]).includes(value) ? value : undefined),
        where: (role: string) => ({ sql: 'id IN (SELECT user_id FROM staff_user_roles WHERE role = ?)', params: [role] }),
      },
    },
    fields: {
      id,
      username: text({ sort: ['username_key'], filter: 'username_key', normalise: usernameKey }),
      displayName: text({ sort: ['display_key'] }),
      roles: json(),
      disabled: bool({ filter: true, sort: true }),
    },
  },
];
