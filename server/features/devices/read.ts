// Devices and their certificates, as the read API serves them (server/read/routes.ts): the view its projection
// maintains, the fields (snake_case SQL → camelCase JSON), what sorts, filters and `q` searches.
import type { CustomFilter, ResourceSpec } from '../../read/listQuery';
import { codiceFiscale, deviceSerial, id, text, int, bool, time, date, oneOf, when, textId, wholeNumber, booleanValue } from '../../read/fields';
import { deviceCertificateKinds, deviceKinds, deviceStatuses } from '../../../domain/devices/events';
import { deviceTimelineEntries } from '../../../projections/readModels/deviceEvents';
import { renewalBounds } from '../../../domain/certificates/renewalWindow';
import { roleGroups } from '../../security/routeTable';

/** Devices still renewable (not past the 24-hour grace) that expire within `days` from `now` (ISO). */
export function expiringDevicesWhere(days: number, now: string): { sql: string; params: string[] } {
  const { renewableFrom, expiringUntil } = renewalBounds(now, days);
  return { sql: 'expires_at >= ? AND expires_at <= ?', params: [renewableFrom, expiringUntil] };
}

const deviceFilters: Record<string, CustomFilter> = {
  expiringWithinDays: {
    rule: 'a whole number of days from 0 to 3650',
    parse: wholeNumber(0, 3650),
    where: (days: number, ctx) => expiringDevicesWhere(days, ctx.now),
  },
  /** More than 24 hours past the earliest expiry: only a replacement card helps. */
  pastDeadline: {
    rule: 'true or false',
    parse: booleanValue,
    where: (past: boolean, ctx) => ({ sql: past ? 'expires_at < ?' : 'expires_at >= ?', params: [renewalBounds(ctx.now).renewableFrom] }),
  },
};

export const devicesResources: ResourceSpec[] = [
  {
    name: 'devices',
    singular: 'device',
    view: 'devices',
    projection: 'devices',
    id: { ...textId, normalise: deviceSerial },
    tieBreaker: 'seq',
    summary: 'Signature devices with their certificates and the days to the earliest expiry',
    access: roleGroups.readAll,
    defaultSort: ['expiresAt', 'ASC'],
    search: {
      describe: 'serial number, holder codice fiscale (prefix)',
      columns: [
        { sql: 'id', normalise: deviceSerial },
        { sql: 'holder_codice_fiscale', normalise: codiceFiscale },
      ],
    },
    filters: deviceFilters,
    fields: {
      id,
      serial: text({ sql: 'id' }),
      kind: oneOf(deviceKinds),
      issuer: text({ filter: true }),
      issuedOn: date({ sort: true, range: true }),
      holderCodiceFiscale: text({ filter: true, normalise: codiceFiscale }),
      signingSerialNumber: text(),
      signingValidFrom: time(),
      signingValidUntil: time(),
      /** active or revoked (null: the device has no signing certificate). */
      signingStatus: text(),
      signingRevokedAt: time(),
      signingRevocationReason: text(),
      authenticationSerialNumber: text(),
      authenticationValidFrom: time(),
      authenticationValidUntil: time(),
      authenticationStatus: text(),
      authenticationRevokedAt: time(),
      authenticationRevocationReason: text(),
      certificateCount: int(),
      /** Certificates revoked: never renewed, never sold coupons for. */
      revokedCount: int(),
      /** The token's status: active, lost, suspended, terminated. */
      deviceStatus: oneOf(deviceStatuses),
      statusReason: text(),
      statusChangedAt: time(),
      /** The device that replaced this one. */
      replacedBy: text({ filter: true, normalise: deviceSerial }),
      expiresAt: when(),
      /** Whole days from now to the earliest expiry (negative once expired), computed at query time. */
      daysToExpiry: int({ sql: 'CAST(floor(julianday(expires_at) - julianday(@now)) AS INTEGER)', sort: ['expires_at'] }),
      /** More than 24 hours after the earliest expiry: a replacement card is needed. */
      pastDeadline: bool({ sql: '(expires_at < @renewableFrom)' }),
      registeredAt: when(),
    },
  },
];

/** Certificate kinds in a timeline row: one kind, or `both` (a renewal of both). */
const timelineKinds = [...deviceCertificateKinds, 'both'];

export const deviceEventsResources: ResourceSpec[] = [
  {
    name: 'device-events',
    singular: 'device event',
    view: 'device_events',
    projection: 'device-events',
    id: { sql: 'seq', type: 'int' },
    tieBreaker: 'seq',
    summary:
      "A device's timeline: registered, certificates renewed and revoked, status changes, replacement, and the renewals and " +
      'replacement requests naming it; filter by serial',
    access: roleGroups.readAll,
    defaultSort: ['id', 'ASC'],
    fields: {
      id: int({ sql: 'seq', sort: true }),
      position: int(),
      serial: text({ filter: true, normalise: deviceSerial }),
      /** What happened, for the one-line summary. */
      entry: oneOf(deviceTimelineEntries),
      type: text(),
      at: when(),
      actorId: text(),
      actorRole: text(),
      /** The username of who did it (null: the back office itself). */
      actorName: text(),
      certificateKind: oneOf(timelineKinds, { filter: false }),
      serialNumber: text(),
      previousSerialNumber: text(),
      validUntil: time(),
      /** The reason: the desk's words, an RFC 5280 code (superseded, keyCompromise…), a replacement reason, a note. */
      reason: text(),
      fromStatus: text(),
      /** The new status (status changes), or the step reached (a renewal failed). */
      toStatus: text(),
      /** The device replacing this one, or the one this one replaces. */
      relatedSerial: text(),
      renewalId: text(),
      requestId: text(),
      reportId: text(),
    },
  },
];
