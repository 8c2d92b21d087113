// What the outbox sends, composed when it is sent, by the e-mail's purpose: an order's coupon codes
// (couponEmails.ts) or a renewal reminder (server/features/reminders/reminderEmails.ts).
import type { EmailEvent } from '../../../domain/emails/events';
import type { SalesDeps } from '../deps';
import { composeReminderEmailFor } from '../reminders/reminderEmails';
import { composeCouponEmailFor } from './couponEmails';
import type { ComposedEmail } from './couponEmailMessage';

type Queued = Extract<EmailEvent, { type: 'EmailQueued' }>['data'];

export function composeEmailFor(deps: Pick<SalesDeps, 'store' | 'catalogue' | 'settings' | 'clock'>) {
  const coupons = composeCouponEmailFor(deps);
  const reminders = composeReminderEmailFor(deps);
  return (queued: Queued): Promise<ComposedEmail & { to: string }> =>
    queued.purpose === 'coupon_codes' ? coupons(queued) : reminders(queued);
}
