// Orders, as the read API serves them (server/read/routes.ts): the view its projection
// maintains, the fields (snake_case SQL → camelCase JSON), what sorts, filters and `q` searches.
import type { ResourceSpec } from '../../read/listQuery';
import { ORDER_STATUSES } from '../../../projections/readModels/orders';
import { codiceFiscale, rfReference, deviceSerial, id, text, int, time, json, oneOf, when, money, textId } from '../../read/fields';
import { directPaymentMethods } from '../../../domain/orders/events';
import { roleGroups } from '../../security/routeTable';

export const ordersResources: ResourceSpec[] = [
  {
    name: 'orders',
    singular: 'order',
    view: 'orders',
    projection: 'orders',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Orders: status, customer, payment mode, RF reference, totals, amount paid and due, invoice',
    access: roleGroups.readAll,
    defaultSort: ['placedAt', 'DESC'],
    search: { describe: 'customer name, RF reference, invoice number (42/2026), holder codice fiscale, device serial', terms: 'orders_terms', carried: ['status'] },
    fields: {
      id,
      customerId: text({ filter: true }),
      customerName: text({ sort: ['customer_sort'] }),
      status: oneOf(ORDER_STATUSES),
      choice: oneOf(['guided', 'manual']),
      holderCodiceFiscale: text({ filter: true, normalise: codiceFiscale }),
      deviceSerial: text({ filter: true, normalise: deviceSerial }),
      paymentMode: oneOf(['prepaid', 'direct']),
      paymentMethod: oneOf(['prepaid', ...directPaymentMethods]),
      rfReference: text({ filter: true, normalise: rfReference }),
      paymentExpiresAt: time(),
      codesEmail: text(),
      lineCount: int(),
      couponCount: int(),
      lines: json(),
      vatSummary: json(),
      taxableCents: money(),
      vatCents: money(),
      totalCents: money({ sort: true, range: true }),
      amountPaidCents: money(),
      amountDueCents: money({ sort: true, range: true }),
      surplusCents: money(),
      refundedCents: money(),
      placedAt: when(),
      paidAt: when(),
      fulfilledAt: time(),
      cancelledAt: time(),
      cancelReason: text(),
      expiredAt: time(),
      invoiceId: text(),
      invoiceYear: int({ filter: true }),
      invoiceNumber: int({ filter: true }),
      invoiceDisplayNumber: text({ sort: ['invoice_year', 'invoice_number'] }),
    },
  },
];
