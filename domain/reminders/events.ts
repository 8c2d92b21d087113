// Renewal reminders (stream `reminder-<deviceSerial>-<certificateSerialNumber>-<offsetDays>`): one
// stream per reminder that may ever be sent, claimed with 'no stream' so it is recorded once even
// across restarts and several reactors. The e-mails go through the outbox (their ids are derived
// from the stream's name, so queueing them again after a crash changes nothing).
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';
import { deviceCertificateKinds, deviceSerialPattern } from '../devices/events';

export const renewalReminderSent = eventShape(
  'RenewalReminderSent',
  z.object({
    deviceSerial: z.string().regex(deviceSerialPattern),
    certificateKind: z.enum(deviceCertificateKinds),
    certificateSerialNumber: z.string().min(1),
    /** Days before the deadline this reminder is for (60, 30, 7, 1 by default). */
    offsetDays: z.number().int().min(0),
    /** The certificate's deadline (notAfter + the grace), UTC. */
    deadline: z.iso.datetime(),
    /** The e-mails queued in the outbox: the holder's, and the buying customer's when different. */
    emailIds: z.array(z.string().min(1)).min(1),
    /** Who each e-mail is for (added with the reactor; absent in reminders recorded before). */
    recipients: z
      .array(z.object({ emailId: z.string().min(1), customerId: z.string().min(1), role: z.enum(['holder', 'buyer']) }))
      .optional(),
    sentAt: z.iso.datetime(),
  }),
);

export const reminderEventShapes = [renewalReminderSent];
export type ReminderEvent = EventOf<typeof renewalReminderSent>;
