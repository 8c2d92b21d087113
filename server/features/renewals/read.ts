// Renewals, as the read API serves them (server/read/routes.ts): the view its projection
// maintains, the fields (snake_case SQL → camelCase JSON), what sorts, filters and `q` searches.
import type { ResourceSpec } from '../../read/listQuery';
import { RENEWAL_PAYMENT_MODES, RENEWAL_STATES } from '../../../projections/readModels/renewals';
import { renewalSteps } from '../../../domain/renewals/events';
import { codiceFiscale, deviceSerial, id, int, json, money, oneOf, text, textId, time, when } from '../../read/fields';
import { roleGroups } from '../../security/routeTable';

export const renewalsResources: ResourceSpec[] = [
  {
    name: 'renewals',
    singular: 'renewal',
    view: 'renewals',
    projection: 'renewals',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Renewals: state, device, holder, certificates, payment, the last step, the failure, the new certificates, the pay-after fee order; the timeline',
    access: roleGroups.readAll,
    defaultSort: ['startedAt', 'DESC'],
    search: { describe: 'device serial, holder codice fiscale, a new certificate serial', terms: 'renewals_terms' },
    fields: {
      id,
      state: oneOf(RENEWAL_STATES),
      deviceSerial: text({ filter: true, normalise: deviceSerial }),
      holderCodiceFiscale: text({ filter: true, normalise: codiceFiscale }),
      customerId: text({ filter: true }),
      issuerId: text(),
      certificates: json(),
      partialReason: text(),
      paymentMode: oneOf(RENEWAL_PAYMENT_MODES),
      couponIds: json(),
      feeCents: money(),
      feeVatRateBp: int(),
      deskOrderId: text(),
      channel: oneOf(['desk', 'kiosk'], { filter: false }),
      startedBy: text(),
      startedAt: when(),
      lastStep: text({ values: renewalSteps }),
      lastStepAt: time(),
      updatedAt: when(),
      failureReason: text(),
      failedStep: text(),
      failedCertificate: text(),
      failedAt: time(),
      completedAt: when(),
      newCertificates: json(),
      abandonedAt: time(),
      abandonReason: text(),
      feeOrderId: text({ filter: true }),
      feeOrderedAt: time(),
      feePaidAt: time(),
      timeline: json(),
    },
  },
];
