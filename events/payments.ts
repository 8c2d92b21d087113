// The payments events as stored. Their shapes today are the domain's (domain/payments/events.ts);
// what older code stored differently, and how it reads now, is listed here (see StoredHistory).
import type { StoredHistory } from './eventCatalogue';
import { renaming } from './upcasting';

export const paymentHistory: StoredHistory = {
  // v2: the amount is named amountCents (issue "One vocabulary").
  PaymentRecorded: { version: 2, upcasters: { 1: renaming({ amount: 'amountCents' }) } },
  // v2: the instant is named unmatchedAt, not `at` (issue "One vocabulary").
  PaymentLeftUnmatched: { version: 2, upcasters: { 1: renaming({ at: 'unmatchedAt' }) } },
};
