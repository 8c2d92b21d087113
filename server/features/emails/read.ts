// The e-mails sent and being sent, as the read API serves them (server/read/routes.ts): the view its projection
// maintains, the fields (snake_case SQL → camelCase JSON), what sorts, filters and `q` searches.
import type { ResourceSpec } from '../../read/listQuery';
import { EMAIL_STATES } from '../../../projections/readModels/emails';
import { lower, id, text, int, bool, time, json, oneOf, when, textId } from '../../read/fields';
import { roleGroups } from '../../security/routeTable';

export const emailsResources: ResourceSpec[] = [
  {
    name: 'emails',
    singular: 'email',
    view: 'emails',
    projection: 'emails',
    id: textId,
    tieBreaker: 'seq',
    summary: 'The e-mail outbox: queued, sent, retrying, failed',
    access: roleGroups.readAll,
    defaultSort: ['queuedAt', 'DESC'],
    search: { describe: 'recipient address (prefix)', columns: [{ sql: 'to_address', normalise: lower }] },
    fields: {
      id,
      purpose: text(),
      reason: oneOf(['fulfilment', 'resend', 'reminder']),
      customerId: text({ filter: true }),
      orderId: text({ filter: true }),
      deviceSerial: text({ filter: true }),
      couponIds: json(),
      couponCount: int(),
      state: oneOf(EMAIL_STATES),
      attempts: int(),
      lastError: text(),
      retryAt: time(),
      to: text({ sql: 'to_address', filter: true, sort: true, normalise: lower }),
      messageId: text(),
      possiblyDuplicate: bool({ sql: 'possibly_duplicate', filter: true }),
      queuedAt: when(),
      sentAt: when(),
      failedAt: time(),
      updatedAt: when(),
    },
  },
];
