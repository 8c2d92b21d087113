// The e-mail outbox: an e-mail is queued as an event with what it is about, composed and sent by the
// outbox worker, and its fate (sent, attempt failed, given up) is recorded as events too, so a
// restart neither loses nor repeats one. Stream: email-<emailId>.
import { z } from 'zod';
import { defineEvent, type EventOf } from './catalogue';

const emailId = z.uuid();

export const emailQueued = defineEvent(
  'EmailQueued',
  z.object({
    emailId,
    purpose: z.literal('coupon_codes'),
    customerId: z.string().min(1),
    orderId: z.string().min(1),
    couponIds: z.array(z.string().min(1)).min(1),
    /** Why it was queued: the order's fulfilment, or staff asking to send the codes again. */
    reason: z.enum(['fulfilment', 'resend']),
    queuedAt: z.iso.datetime(),
  }),
);

export const emailSent = defineEvent(
  'EmailSent',
  z.object({
    emailId,
    /** The address it actually went to: the profile e-mail in force when it was sent. */
    to: z.string().min(3),
    messageId: z.string().min(1),
    attempt: z.number().int().positive(),
    sentAt: z.iso.datetime(),
  }),
);

export const emailAttemptFailed = defineEvent(
  'EmailAttemptFailed',
  z.object({
    emailId,
    attempt: z.number().int().positive(),
    error: z.string(),
    retryAt: z.iso.datetime(),
  }),
);

export const emailGaveUp = defineEvent(
  'EmailGaveUp',
  z.object({ emailId, attempts: z.number().int().positive(), error: z.string(), at: z.iso.datetime() }),
);

/** Staff asked to try a given-up e-mail again. */
export const emailRetryRequested = defineEvent('EmailRetryRequested', z.object({ emailId, at: z.iso.datetime() }));

export const emailEvents = [emailQueued, emailSent, emailAttemptFailed, emailGaveUp, emailRetryRequested];
export type EmailEvent =
  | EventOf<typeof emailQueued>
  | EventOf<typeof emailSent>
  | EventOf<typeof emailAttemptFailed>
  | EventOf<typeof emailGaveUp>
  | EventOf<typeof emailRetryRequested>;

export const emailStream = (id: string) => `email-${id}`;
