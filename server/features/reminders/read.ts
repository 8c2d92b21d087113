// The renewal reminders recorded, as the read API serves them (server/read/routes.ts): one per
// certificate and offset, with who the e-mails are for; the e-mails themselves are in `emails`.
import type { ResourceSpec } from '../../read/listQuery';
import { deviceSerial, id, text, int, json, oneOf, when, textId } from '../../read/fields';
import { deviceCertificateKinds } from '../../../domain/devices/events';
import { roleGroups } from '../../security/routeTable';

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
];
