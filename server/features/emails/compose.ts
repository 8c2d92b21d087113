// What the outbox sends, composed when it is sent, by the e-mail's purpose: an order's coupon codes
// (couponEmails.ts), a renewal reminder (server/features/reminders/reminderEmails.ts) or a direct
// order's payment notice (server/features/orders/paymentNoticeEmail.ts) or the log's head for the
// accountants (server/features/logVerification/headEmail.ts).
import type { EmailEvent } from '../../../domain/emails/events';
import type { SalesDeps } from '../deps';
import { composeReminderEmailFor } from '../reminders/reminderEmails';
import { composeCouponEmailFor } from './couponEmails';
import { composePaymentNoticeEmailFor } from '../orders/paymentNoticeEmail';
import { composeLogHeadEmail } from '../logVerification/headEmail';
import type { ComposedEmail } from './couponEmailMessage';

type Queued = Extract<EmailEvent, { type: 'EmailQueued' }>['data'];

export function composeEmailFor(deps: Pick<SalesDeps, 'store' | 'catalogue' | 'settings' | 'clock'>) {
  const coupons = composeCouponEmailFor(deps);
  const reminders = composeReminderEmailFor(deps);
  const paymentNotices = composePaymentNoticeEmailFor(deps);
  return (queued: Queued): Promise<ComposedEmail & { to: string }> => {
    switch (queued.purpose) {
      case 'coupon_codes':
        return coupons(queued);
      case 'renewal_reminder':
        return reminders(queued);
      case 'payment_notice':
        return paymentNotices(queued);
      case 'log_head':
        return Promise.resolve(composeLogHeadEmail(queued, deps.settings.seller.name));
    }
  };
}
