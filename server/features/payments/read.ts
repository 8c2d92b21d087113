// Payments received, as the read API serves them (server/read/routes.ts): the view its projection
// maintains, the fields (snake_case SQL → camelCase JSON), what sorts, filters and `q` searches.
import type { ResourceSpec } from '../../read/listQuery';
import { PAYMENT_STATES } from '../../../projections/readModels/payments';
import { directPaymentMethods } from '../../../domain/orders/events';
import { normaliseBankReference } from '../../../domain/shared/bankReference';
import { paymentMatchStatuses, unmatchedReasons } from '../../../domain/payments/events';
import { rfReference, id, text, bool, time, date, oneOf, when, money, textId } from '../../read/fields';
import { roleGroups } from '../../security/routeTable';

export const paymentsResources: ResourceSpec[] = [
  {
    name: 'payments',
    singular: 'payment',
    view: 'payments',
    projection: 'payments',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Payments received (transfer, slip, card, cheque) and whether they are matched to an order',
    access: roleGroups.readAll,
    defaultSort: ['receivedOn', 'DESC'],
    search: { describe: "payer, the bank's reference, RF reference, words of the payment reason", terms: 'payments_terms' },
    fields: {
      id,
      method: oneOf(directPaymentMethods),
      amountCents: money({ sort: true, range: true }),
      receivedOn: date({ sort: true, range: true }),
      payer: text({ sort: ['payer_sort'] }),
      reason: text(),
      /** The bank's own reference (CRO/TRN, statement line id); null before it was asked for, and at the desk. */
      bankReference: text({ filter: true, normalise: normaliseBankReference }),
      recordedBy: text(),
      rfReference: text({ filter: true, normalise: rfReference }),
      rfCandidate: text(),
      matchStatus: oneOf(paymentMatchStatuses),
      state: oneOf(PAYMENT_STATES),
      matched: bool({ filter: true }),
      orderId: text({ filter: true }),
      matchedHow: text({ values: ['reference', 'by_hand'] }),
      matchedBy: text(),
      matchedAt: time(),
      unmatchedReason: oneOf(unmatchedReasons),
      unmatchedDetail: text(),
      appliedCents: money(),
      surplusCents: money(),
      recordedAt: when(),
    },
  },
];
