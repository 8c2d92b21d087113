// The CA's reports of renewals done elsewhere, as the read API serves them (server/read/routes.ts):
// one row per report, its lines with their outcomes (coupon codes masked to their hint).
import type { ResourceSpec } from '../../read/listQuery';
import { id, int, json, oneOf, text, textId, when } from '../../read/fields';
import { roleGroups } from '../../security/routeTable';

export const caReportsResources: ResourceSpec[] = [
  {
    name: 'ca-reports',
    singular: 'CA report',
    view: 'ca_reports',
    projection: 'ca-reports',
    id: textId,
    tieBreaker: 'seq',
    summary: "The CA's reports of renewals done elsewhere: each line's outcome (applied, or why not)",
    access: roleGroups.readAll,
    defaultSort: ['receivedAt', 'DESC'],
    search: { describe: 'report id (prefix)', columns: [{ sql: 'id', normalise: (q) => q.trim() }] },
    fields: {
      id,
      via: oneOf(['webhook', 'csv']),
      receivedBy: text(),
      receivedAt: when(),
      lineCount: int(),
      appliedCount: int(),
      refusedCount: int({ range: true }),
      lines: json(),
    },
  },
];
