// The prepaid accounts: their movements and the manual adjustments, as the read API serves them (server/read/routes.ts): the view its projection
// maintains, the fields (snake_case SQL → camelCase JSON), what sorts, filters and `q` searches.
import type { ResourceSpec } from '../../read/listQuery';
import { ADJUSTMENT_STATES } from '../../../projections/readModels/prepaidAdjustments';
import { creditReasons, topUpMethods } from '../../../domain/prepaid/events';
import { id, text, time, date, oneOf, when, money, textId } from '../../read/fields';
import { roleGroups } from '../../security/routeTable';

export const prepaidResources: ResourceSpec[] = [
  {
    name: 'prepaid-movements',
    singular: 'prepaid movement',
    view: 'prepaid_movements',
    projection: 'prepaid-movements',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Movements of the prepaid accounts: top-ups (+), debits for orders (−), credits (+), approved manual adjustments (+)',
    access: roleGroups.readAll,
    defaultSort: ['at', 'DESC'],
    fields: {
      id,
      customerId: text({ filter: true }),
      kind: oneOf(['top_up', 'debit', 'credit', 'adjustment']),
      amountCents: money({ sort: true, range: true }),
      amountReceivedCents: money(),
      feeCents: money(),
      method: text({ values: topUpMethods }),
      reference: text(),
      receivedOn: date(),
      reason: text({ values: creditReasons }),
      note: text(),
      orderId: text({ filter: true }),
      adjustmentId: text(),
      requestedBy: text(),
      approvedBy: text(),
      balanceAfterCents: money(),
      at: when(),
    },
  },
  {
    name: 'prepaid-adjustments',
    singular: 'prepaid adjustment',
    view: 'prepaid_adjustments',
    projection: 'prepaid-adjustments',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Manual adjustments of the prepaid accounts: requested by staff, approved or rejected by another supervisor',
    access: roleGroups.readAll,
    defaultSort: ['requestedAt', 'DESC'],
    fields: {
      id,
      customerId: text({ filter: true }),
      amountCents: money({ sort: true, range: true }),
      reason: text(),
      status: oneOf(ADJUSTMENT_STATES),
      requestedBy: text(),
      requestedAt: when(),
      decidedBy: text(),
      decidedAt: time(),
      rejectionReason: text(),
      balanceAfterCents: money(),
    },
  },
];
