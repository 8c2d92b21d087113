// Devices and their certificates, as the read API serves them (server/read/routes.ts): the view its projection
// maintains, the fields (snake_case SQL → camelCase JSON), what sorts, filters and `q` searches.
import type { CustomFilter, ResourceSpec } from '../../read/listQuery';
import { codiceFiscale, deviceSerial, id, text, int, bool, time, date, oneOf, when, textId, wholeNumber } from '../../read/fields';
import { DAY_MS } from '../../../domain/shared/utcTime';
import { deviceCertificateKinds, deviceKinds, deviceStatuses } from '../../../domain/devices/events';
import { deviceTimelineEntries } from '../../../projections/readModels/deviceEvents';
import { windowStates, type WindowState } from '../../../domain/certificates/renewalWindow';
import { roleGroups } from '../../security/routeTable';

// The renewal window in SQL. The projection stores each device's window as windowOf draws it under
// its issuer's policy (the earliest of its certificates': `window_opens_at`, `window_closes_at`) and
// `revoked`; these compare it with the clock exactly as windowState does (open from opens_at
// inclusive, in grace after expires_at, closed after closes_at; revoked is closed), and a device's
// state is the worst of its certificates'.
const notRevoked = 'revoked = 0';
const windowStateWhere: Record<WindowState, string> = {
  closed: '(revoked = 1 OR window_closes_at < @now)',
  in_grace: `(${notRevoked} AND expires_at < @now AND window_closes_at >= @now)`,
  open: `(${notRevoked} AND window_opens_at <= @now AND expires_at >= @now)`,
  not_yet: `(${notRevoked} AND window_opens_at > @now)`,
};
export const windowStateSql = `CASE WHEN ${windowStateWhere.closed} THEN 'closed' WHEN expires_at < @now THEN 'in_grace' WHEN window_opens_at <= @now THEN 'open' ELSE 'not_yet' END`;

/** Devices still renewable (window not closed) whose earliest certificate expires within `days` from `now` (ISO). */
export function expiringDevicesWhere(days: number, now: string): { sql: string; params: string[] } {
  const until = new Date(Date.parse(now) + days * DAY_MS).toISOString();
  return { sql: `${notRevoked} AND window_closes_at >= ? AND expires_at <= ?`, params: [now, until] };
}

const windowStateValues = (value: unknown): WindowState[] | undefined => {
  const values = Array.isArray(value) ? value : [value];
  return values.length > 0 && values.every((v) => (windowStates as readonly unknown[]).includes(v)) ? (values as WindowState[]) : undefined;
};

const deviceFilters: Record<string, CustomFilter> = {
  expiringWithinDays: {
    rule: 'a whole number of days from 0 to 3650',
    parse: wholeNumber(0, 3650),
    where: (days: number, ctx) => expiringDevicesWhere(days, ctx.now),
  },
  /** The renewal window's state now, under the device's issuer policy (one, or an array: any of them). */
  windowState: {
    rule: `one of ${windowStates.join(', ')} (or an array of them)`,
    parse: windowStateValues,
    where: (states: WindowState[]) => ({ sql: `(${states.map((s) => windowStateWhere[s]).join(' OR ')})`, params: [] }),
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
      expiresAt: when(),
      /** Whole days from now to the earliest expiry (negative once expired), computed at query time. */
      daysToExpiry: int({ sql: 'CAST(floor(julianday(expires_at) - julianday(@now)) AS INTEGER)', sort: ['expires_at'] }),
      /** The issuer policy whose renewal window rules it. */
      policyId: text({ filter: true }),
      signingWindowOpensAt: time(),
      signingWindowClosesAt: time(),
      authenticationWindowOpensAt: time(),
      authenticationWindowClosesAt: time(),
      /** When the device's renewal opens (its earliest certificate's). */
      windowOpensAt: when(),
      /** The last instant a renewal is accepted (its earliest certificate's): later, a replacement card. */
      windowClosesAt: when(),
      revoked: bool(),
      /** not_yet, open, in_grace or closed now (windowState, under the device's issuer policy). */
      windowState: text({ sql: windowStateSql, values: windowStates }),
      registeredAt: when(),
      /** The token's status: active, lost, suspended, terminated (no coupons are sold unless active). */
      deviceStatus: oneOf(deviceStatuses),
      statusReason: text(),
      statusChangedAt: time(),
      /** The device that replaced this one. */
      replacedBy: text({ filter: true, normalise: deviceSerial }),
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
