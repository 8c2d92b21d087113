// One renewal reminder, sent once: the claim stream `reminder-<serial>-<certificate>-<offset>`
// (domain/reminders/events.ts) is appended with expected 'no stream', so whichever reactor gets
// there first records it and every other one (another server on the same store, or this one after
// a restart) finds it recorded. The e-mails are queued after the claim, on streams whose ids are
// derived from it, each with expected 'no stream' too: a crash between the claim and the queueing
// is mended by the next pass, which finds the claim and queues what is missing, never twice.
//
// Before claiming, the device's own stream decides (the read model that found the certificate may
// lag): the device active, the certificate still the one named (not renewed: its serial would
// differ) and not revoked, and this offset the latest one due at the deadline of the issuer's
// policy in force (windowOf). A reminder missed while the server was down is thus sent late only
// when no newer one is due.
import type { CommandContext } from '../../../events/eventCatalogue';
import { SYSTEM_ACTOR } from '../../../events/eventCatalogue';
import { WrongExpectedRevisionError } from '../../../events/port';
import { windowOf } from '../../../domain/certificates/renewalWindow';
import { taxCodeClaimStreamOf } from '../../../domain/customers/decider';
import { deviceAggregate, streamOf as deviceStream, type CertificateState } from '../../../domain/devices/decider';
import type { DeviceCertificateKind } from '../../../domain/devices/events';
import { emailStream, type EmailEvent, type RenewalReminderEmail } from '../../../domain/emails/events';
import type { ReminderEvent } from '../../../domain/reminders/events';
import { dueOffset, reminderStream } from '../../../domain/reminders/schedule';
import { romeDayOf } from '../../../domain/shared/romeCalendar';
import { appendEvents, loadAggregate } from '../../commands/handle';
import { policyForIssuer } from '../certificates/policies';
import type { SalesDeps } from '../deps';
import { derivedId } from '../ids';
import { uuidv7 } from '../../../events/uuid';

export interface ReminderTask {
  deviceSerial: string;
  kind: DeviceCertificateKind;
  certificateSerialNumber: string;
  offsetDays: number;
  /** The customer of the device's latest paid order, as the read model knew it (null: none). */
  buyerCustomerId: string | null;
}

type Recipient = NonNullable<ReminderEvent['data']['recipients']>[number];

export type ReminderOutcome =
  | { outcome: 'sent'; stream: string; emailIds: string[] }
  | { outcome: 'already_sent'; stream: string; emailIds: string[] }
  | { outcome: 'skipped'; stream: string; why: 'device_not_active' | 'certificate_changed' | 'not_due' | 'no_recipient' };

const kindOrder: readonly DeviceCertificateKind[] = ['signing', 'authentication'];

/** The e-mail of one reminder for one recipient: derived from the claim stream of the e-mail's first certificate. */
export const reminderEmailId = (leadStream: string, role: Recipient['role']): string => derivedId('reminder-email', leadStream, role);

/** The customer whose codice fiscale is the holder's (its claim stream), or null. */
async function holderCustomerId(deps: Pick<SalesDeps, 'store'>, codiceFiscale: string): Promise<string | null> {
  const events = await deps.store.readStream(taxCodeClaimStreamOf(codiceFiscale));
  const claim = events.find((e) => e.type === 'CustomerTaxCodeClaimed');
  return claim ? (claim.data as { customerId: string }).customerId : null;
}

async function readClaim(deps: Pick<SalesDeps, 'store' | 'catalogue'>, stream: string): Promise<ReminderEvent['data'] | null> {
  const events = await deps.store.readStream(stream);
  const first = events[0];
  if (!first) return null;
  return (deps.catalogue.decode(first) as unknown as ReminderEvent).data;
}

function systemContext(deps: Pick<SalesDeps, 'clock'>, ctx?: CommandContext): CommandContext {
  return ctx ?? { actor: SYSTEM_ACTOR, at: deps.clock().toISOString(), correlationId: uuidv7(), causationId: null };
}

/** Sends the reminder of `task` unless it is no longer due or already recorded; idempotent. */
export async function sendRenewalReminder(deps: SalesDeps, task: ReminderTask, ctx?: CommandContext): Promise<ReminderOutcome> {
  const context = systemContext(deps, ctx);
  const stream = reminderStream(task.deviceSerial, task.certificateSerialNumber, task.offsetDays);
  const { state: device } = await loadAggregate(deps, deviceStream(task.deviceSerial), deviceAggregate);
  if (device.status !== 'registered' || device.deviceStatus !== 'active') return { outcome: 'skipped', stream, why: 'device_not_active' };
  const certificate = device.certificates[task.kind];
  if (!certificate || certificate.serialNumber !== task.certificateSerialNumber || certificate.status !== 'active') {
    return { outcome: 'skipped', stream, why: 'certificate_changed' };
  }
  const policy = await policyForIssuer(deps, device.issuer);
  const deadline = windowOf(certificate.validUntil, policy).closesAt;
  // The device's certificates renewed by the same day share the e-mail (one message, not one per
  // certificate): the first of them in kind order names it.
  const sameDay = kindOrder
    .map((kind) => device.certificates[kind])
    .filter((c): c is CertificateState => c !== undefined && c.status === 'active')
    .filter((c) => romeDayOf(windowOf(c.validUntil, policy).closesAt) === romeDayOf(deadline));
  const lead = sameDay[0] ?? certificate;
  const leadStream = reminderStream(device.serial, lead.serialNumber, task.offsetDays);

  let claim = await readClaim(deps, stream);
  let outcome: 'sent' | 'already_sent' = 'already_sent';
  if (!claim) {
    if (dueOffset(deadline, deps.clock(), deps.settings.reminderOffsetsDays) !== task.offsetDays) return { outcome: 'skipped', stream, why: 'not_due' };
    const recipients: Recipient[] = [];
    const holder = await holderCustomerId(deps, device.holderCodiceFiscale);
    if (holder) recipients.push({ role: 'holder', customerId: holder, emailId: reminderEmailId(leadStream, 'holder') });
    if (task.buyerCustomerId && task.buyerCustomerId !== holder) {
      recipients.push({ role: 'buyer', customerId: task.buyerCustomerId, emailId: reminderEmailId(leadStream, 'buyer') });
    }
    if (recipients.length === 0) return { outcome: 'skipped', stream, why: 'no_recipient' };
    const event: ReminderEvent = {
      type: 'RenewalReminderSent',
      data: {
        deviceSerial: device.serial,
        certificateKind: task.kind,
        certificateSerialNumber: certificate.serialNumber,
        offsetDays: task.offsetDays,
        deadline,
        emailIds: recipients.map((r) => r.emailId),
        recipients,
        sentAt: deps.clock().toISOString(),
      },
    };
    try {
      await appendEvents(deps, stream, [event], 'no_stream', context);
      claim = event.data;
      outcome = 'sent';
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      claim = await readClaim(deps, stream);
      if (!claim) throw error;
    }
  }

  // Queue the claim's e-mails (again: nothing changes for those queued already).
  const certificates = sameDay.some((c) => c.serialNumber === certificate.serialNumber) ? sameDay : [certificate];
  for (const recipient of claim.recipients ?? []) {
    const data: RenewalReminderEmail = {
      emailId: recipient.emailId,
      purpose: 'renewal_reminder',
      customerId: recipient.customerId,
      reason: 'reminder',
      recipient: recipient.role,
      deviceSerial: device.serial,
      offsetDays: claim.offsetDays,
      deadline: claim.deadline,
      certificates: certificates.map((c) => ({
        kind: c.kind,
        serialNumber: c.serialNumber,
        validUntil: c.validUntil,
        deadline: windowOf(c.validUntil, policy).closesAt,
      })),
      queuedAt: deps.clock().toISOString(),
    };
    const queued: EmailEvent = { type: 'EmailQueued', data };
    try {
      await appendEvents(deps, emailStream(recipient.emailId), [queued], 'no_stream', context);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
  return { outcome, stream, emailIds: claim.emailIds };
}
