// Replacement requests as the read API serves them (server/read/routes.ts): the pending queue with
// each request's age (worked out at query time), the history of each request, and what became of
// the old device.
import type { ResourceSpec } from '../../read/listQuery';
import { REPLACEMENT_STATES } from '../../../projections/readModels/replacementRequests';
import { replacementReasons } from '../../../domain/replacements/events';
import { deviceStatuses } from '../../../domain/devices/events';
import { codiceFiscale, deviceSerial, id, int, text, time, oneOf, when, textId } from '../../read/fields';
import { roleGroups } from '../../security/routeTable';

export const replacementsResources: ResourceSpec[] = [
  {
    name: 'replacement-requests',
    singular: 'replacement request',
    view: 'replacement_requests',
    projection: 'replacement-requests',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Replacement cards: requests opened by the desk, approved or rejected by another supervisor, with their age and the old device they replace',
    access: roleGroups.readAll,
    defaultSort: ['requestedAt', 'ASC'],
    search: {
      describe: 'old device serial, holder codice fiscale (prefix)',
      columns: [
        { sql: 'device_serial', normalise: deviceSerial },
        { sql: 'holder_codice_fiscale', normalise: codiceFiscale },
      ],
    },
    fields: {
      id,
      deviceSerial: text({ filter: true, normalise: deviceSerial }),
      holderCodiceFiscale: text({ filter: true, normalise: codiceFiscale }),
      customerId: text({ filter: true }),
      reason: oneOf(replacementReasons),
      note: text(),
      productCode: text(),
      status: oneOf(REPLACEMENT_STATES),
      requestedBy: text(),
      requestedAt: when(),
      /** Whole hours since the request was opened (the queue's age), at query time. */
      ageHours: int({ sql: 'CAST((julianday(@now) - julianday(requested_at)) * 24 AS INTEGER)', sort: ['requested_at'] }),
      /** Whole days since the request was opened, at query time. */
      ageDays: int({ sql: 'CAST(julianday(@now) - julianday(requested_at) AS INTEGER)', sort: ['requested_at'] }),
      decidedBy: text(),
      decidedAt: time(),
      decisionNote: text(),
      orderId: text(),
      orderedAt: time(),
      newDeviceSerial: text(),
      issuedBy: text(),
      issuedAt: time(),
      completedAt: time(),
      oldDeviceStatus: oneOf(deviceStatuses),
      /** Kinds of the old device's certificates revoked, comma-separated (signing, authentication). */
      revokedCertificates: text(),
      revocationReason: text(),
    },
  },
];
