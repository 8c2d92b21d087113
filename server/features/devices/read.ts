// Devices and their certificates, as the read API serves them (server/read/routes.ts): the view its projection
// maintains, the fields (snake_case SQL → camelCase JSON), what sorts, filters and `q` searches.
import type { CustomFilter, ResourceSpec } from '../../read/listQuery';
import { codiceFiscale, deviceSerial, id, text, int, bool, time, date, oneOf, when, textId, wholeNumber, booleanValue } from '../../read/fields';
import { deviceKinds } from '../../../domain/devices/events';
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
      authenticationSerialNumber: text(),
      authenticationValidFrom: time(),
      authenticationValidUntil: time(),
      certificateCount: int(),
      expiresAt: when(),
      /** Whole days from now to the earliest expiry (negative once expired), computed at query time. */
      daysToExpiry: int({ sql: 'CAST(floor(julianday(expires_at) - julianday(@now)) AS INTEGER)', sort: ['expires_at'] }),
      /** More than 24 hours after the earliest expiry: a replacement card is needed. */
      pastDeadline: bool({ sql: '(expires_at < @renewableFrom)' }),
      registeredAt: when(),
    },
  },
];
