// The audit trail: every event of the log, as the read API serves them (server/read/routes.ts): the view its projection
// maintains, the fields (snake_case SQL → camelCase JSON), what sorts, filters and `q` searches.
import type { ResourceSpec } from '../../read/listQuery';
import { catalogue } from '../../../events/index';
import { roleGroups } from '../../security/routeTable';
import { roles as allRoles } from '../../../events/eventCatalogue';
import { text, int, time, json, oneOf, when } from '../../read/fields';

export const auditResources: ResourceSpec[] = [
  {
    name: 'audit-events',
    singular: 'audit event',
    view: 'audit_events',
    projection: 'audit-events',
    id: { sql: 'position', type: 'int' },
    tieBreaker: 'position',
    summary: 'The audit trail: every event with stream, type, time, actor and data (coupon codes and password hashes masked)',
    access: roleGroups.audit,
    defaultSort: ['id', 'DESC'],
    fields: {
      id: int({ sql: 'position', sort: true }),
      position: int({ range: true }),
      eventId: text({ filter: true }),
      stream: text({ filter: true }),
      revision: int(),
      type: oneOf(catalogue.types()),
      at: when(),
      recordedAt: time(),
      actorId: text({ filter: true }),
      actorRole: oneOf([...allRoles, 'system']),
      correlationId: text({ filter: true }),
      causationId: text(),
      idempotencyKey: text(),
      schemaVersion: int(),
      data: json(),
    },
  },
];
