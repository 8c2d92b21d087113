// The renewal reminders recorded, as the read API serves them (server/read/routes.ts): one per
// certificate and offset, with who the e-mails are for; the e-mails themselves are in `emails`.
import type { CustomFilter, ResourceSpec } from '../../read/listQuery';
import { booleanValue, codiceFiscale, deviceSerial, id, text, int, json, oneOf, when, textId, wholeNumber } from '../../read/fields';
import { deviceCertificateKinds, deviceKinds, deviceStatuses } from '../../../domain/devices/events';
import { monthStart, romeDayOf, romeDayStart } from '../../../domain/shared/romeCalendar';
import { DAY_MS } from '../../../domain/shared/utcTime';
import { roleGroups } from '../../security/routeTable';

/** Certificates that can still be renewed: active, of an active device. */
const renewableNow = "status = 'active' AND device_status = 'active'";

/** Active certificates whose renewal window opens in the Rome month of `now` (ISO). */
export function opensThisMonthWhere(now: string): { sql: string; params: string[] } {
  const month = monthStart(romeDayOf(now));
  return { sql: `${renewableNow} AND opens_at >= ? AND opens_at < ?`, params: [romeDayStart(month), romeDayStart(monthStart(month, 1))] };
}

/** Active certificates whose deadline (the window's close) comes within `days` of `now` and has not passed. */
export function closingWithinWhere(days: number, now: string): { sql: string; params: string[] } {
  return { sql: `${renewableNow} AND closes_at >= ? AND closes_at <= ?`, params: [now, new Date(Date.parse(now) + days * DAY_MS).toISOString()] };
}

const deadlineFilters: Record<string, CustomFilter> = {
  opensThisMonth: {
    rule: 'true',
    parse: (v) => (booleanValue(v) === true ? true : undefined),
    where: (_: true, ctx) => opensThisMonthWhere(ctx.now),
  },
  closingWithinDays: {
    rule: 'a whole number of days from 0 to 3650',
    parse: wholeNumber(0, 3650),
    where: (days: number, ctx) => closingWithinWhere(days, ctx.now),
  },
};

export const remindersResources: ResourceSpec[] = [
  {
    name: 'reminders',
    singular: 'reminder',
    view: 'reminders',
    projection: 'reminders',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Renewal reminders sent: device, certificate, days before the deadline, recipients, when',
    access: roleGroups.readAll,
    defaultSort: ['sentAt', 'DESC'],
    search: { describe: 'device serial (prefix)', columns: [{ sql: 'device_serial', normalise: deviceSerial }] },
    fields: {
      id,
      deviceSerial: text({ filter: true, normalise: deviceSerial }),
      certificateKind: oneOf(deviceCertificateKinds),
      certificateSerialNumber: text({ filter: true }),
      offsetDays: int({ filter: true }),
      deadline: when(),
      emailIds: json(),
      recipients: json(),
      recipientCount: int(),
      holderCustomerId: text({ filter: true }),
      buyerCustomerId: text({ filter: true }),
      sentAt: when(),
    },
  },
  {
    name: 'certificate-deadlines',
    singular: 'certificate deadline',
    view: 'certificate_deadlines',
    projection: 'certificate-deadlines',
    id: textId,
    tieBreaker: 'seq',
    summary: "Every device's certificates now, with the renewal window under the issuer's policy (opens, deadline) and the last reminder",
    access: roleGroups.readAll,
    defaultSort: ['closesAt', 'ASC'],
    search: { describe: 'device serial (prefix)', columns: [{ sql: 'device_serial', normalise: deviceSerial }] },
    filters: deadlineFilters,
    fields: {
      id,
      deviceSerial: text({ filter: true, normalise: deviceSerial }),
      kind: oneOf(deviceCertificateKinds),
      deviceKind: oneOf(deviceKinds),
      issuer: text(),
      holderCodiceFiscale: text({ normalise: codiceFiscale }),
      serialNumber: text(),
      validFrom: when({ sort: false, range: false }),
      validUntil: when({ sort: false, range: false }),
      policyId: text(),
      opensAt: when(),
      closesAt: when(),
      status: oneOf(['active', 'revoked']),
      deviceStatus: oneOf(deviceStatuses),
      buyerCustomerId: text(),
      lastReminderOffset: int(),
      lastReminderAt: when({ sort: false, range: false }),
      renewedAt: when({ sort: false, range: false }),
    },
  },
];
