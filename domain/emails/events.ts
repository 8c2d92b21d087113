// The e-mail outbox: an e-mail is queued as an event with what it is about, composed and sent by the
// outbox worker, and its fate (sent, attempt failed, given up) is recorded as events too, so a
// restart neither loses nor repeats one. Stream: email-<emailId>.
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';
import { serverRunSchema } from '../shared/serverRun';

const emailId = z.uuid();

/** The coupon codes of an order (its fulfilment, or staff sending them again). */
export const couponCodesEmailSchema = z.object({
  emailId,
  purpose: z.literal('coupon_codes'),
  customerId: z.string().min(1),
  orderId: z.string().min(1),
  couponIds: z.array(z.string().min(1)).min(1),
  /** Why it was queued: the order's fulfilment, or staff asking to send the codes again. */
  reason: z.enum(['fulfilment', 'resend']),
  queuedAt: z.iso.datetime(),
});

/**
 * A renewal reminder (issue #16, domain/reminders/events.ts): the device's certificates whose
 * deadline is near, for the holder or the buying customer. Composed when sent: what to buy comes
 * from the catalogue in force then, the address from the customer's profile then.
 */
export const renewalReminderEmailSchema = z.object({
  emailId,
  purpose: z.literal('renewal_reminder'),
  customerId: z.string().min(1),
  reason: z.literal('reminder'),
  /** The holder of the device, or the customer of the latest order for it. */
  recipient: z.enum(['holder', 'buyer']),
  deviceSerial: z.string().min(1),
  offsetDays: z.number().int().min(0),
  /** The deadline (the window's close under the issuer's policy), UTC. */
  deadline: z.iso.datetime(),
  /** The certificates the reminder is about (those of the device with a deadline that day). */
  certificates: z
    .array(z.object({ kind: z.enum(['signing', 'authentication']), serialNumber: z.string().min(1), validUntil: z.iso.datetime(), deadline: z.iso.datetime() }))
    .min(1),
  queuedAt: z.iso.datetime(),
});

/**
 * The payment notice of a direct (RF) order, queued when the order is placed (issue #19): how to
 * pay it by bank transfer, with the notice as a PDF carrying the EPC QR code. Composed when sent,
 * from the order as placed and the seller's account then in force.
 */
export const paymentNoticeEmailSchema = z.object({
  emailId,
  purpose: z.literal('payment_notice'),
  customerId: z.string().min(1),
  orderId: z.string().min(1),
  reason: z.literal('placement'),
  queuedAt: z.iso.datetime(),
});

/**
 * The head of the event log's hash chain, as last verified, sent to the accountants' mailbox
 * (issue #18): kept outside the back office, it lets a later verification prove the history up to
 * that head unchanged (`npm run verify-log -- --expect-head <position>:<hash>`). Not about a customer.
 */
export const logHeadEmailSchema = z.object({
  emailId,
  purpose: z.literal('log_head'),
  reason: z.literal('export'),
  to: z.email(),
  head: z.object({ position: z.number().int().positive(), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
  /** The verification that proved the log up to the head: when it finished, how many events it checked. */
  verifiedAt: z.iso.datetime(),
  verified: z.number().int().min(0),
  requestedBy: z.string().min(1),
  queuedAt: z.iso.datetime(),
});

export const emailQueued = eventShape(
  'EmailQueued',
  z.discriminatedUnion('purpose', [couponCodesEmailSchema, renewalReminderEmailSchema, paymentNoticeEmailSchema, logHeadEmailSchema]),
);

export type CouponCodesEmail = z.infer<typeof couponCodesEmailSchema>;
export type RenewalReminderEmail = z.infer<typeof renewalReminderEmailSchema>;
export type PaymentNoticeEmail = z.infer<typeof paymentNoticeEmailSchema>;
export type LogHeadEmail = z.infer<typeof logHeadEmailSchema>;

/**
 * The outbox is about to hand the message to the SMTP server. Written before each send, so that a
 * send interrupted by a crash is known afterwards: the next send of that e-mail may be its second.
 */
export const emailAttemptStarted = eventShape(
  'EmailAttemptStarted',
  z.object({
    emailId,
    attempt: z.number().int().positive(),
    messageId: z.string().min(1),
    startedAt: z.iso.datetime(),
    /** The server run that sends it (absent in logs written before servers named their attempts). */
    by: serverRunSchema.optional(),
  }),
);

export const emailSent = eventShape(
  'EmailSent',
  z.object({
    emailId,
    /** The address it actually went to: the profile e-mail in force when it was sent. */
    to: z.string().min(3),
    messageId: z.string().min(1),
    attempt: z.number().int().positive(),
    sentAt: z.iso.datetime(),
    /**
     * An earlier send was interrupted (the process died, or its outcome could not be recorded)
     * after it may have reached the SMTP server: the recipient may have this message twice, with
     * the same Message-ID.
     */
    possiblyDuplicate: z.boolean().optional(),
  }),
);

export const emailAttemptFailed = eventShape(
  'EmailAttemptFailed',
  z.object({
    emailId,
    attempt: z.number().int().positive(),
    error: z.string(),
    failedAt: z.iso.datetime(),
    retryAt: z.iso.datetime(),
  }),
);

export const emailGaveUp = eventShape(
  'EmailGaveUp',
  z.object({ emailId, attempts: z.number().int().positive(), error: z.string(), gaveUpAt: z.iso.datetime() }),
);

/** Staff asked to try a given-up e-mail again. */
export const emailRetryRequested = eventShape('EmailRetryRequested', z.object({ emailId, requestedAt: z.iso.datetime() }));

export const emailEventShapes = [emailQueued, emailAttemptStarted, emailSent, emailAttemptFailed, emailGaveUp, emailRetryRequested];
export type EmailEvent =
  | EventOf<typeof emailQueued>
  | EventOf<typeof emailAttemptStarted>
  | EventOf<typeof emailSent>
  | EventOf<typeof emailAttemptFailed>
  | EventOf<typeof emailGaveUp>
  | EventOf<typeof emailRetryRequested>;

export const emailStream = (id: string) => `email-${id}`;
