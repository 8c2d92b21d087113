// The orders events as stored. Their shapes today are the domain's (domain/orders/events.ts);
// what older code stored differently, and how it reads now, is listed here (see StoredHistory).
import type { StoredHistory } from './eventCatalogue';
import { documentAmountsInCents, renaming } from './upcasting';

export const orderHistory: StoredHistory = {
  // v2: every amount is named …Cents (issue "One vocabulary").
  OrderPlaced: { version: 2, upcasters: { 1: documentAmountsInCents } },
  OrderPaymentReceived: {
    version: 2,
    upcasters: { 1: renaming({ amount: 'amountCents', applied: 'appliedCents', surplus: 'surplusCents', amountDue: 'amountDueCents' }) },
  },
  OrderPaid: { version: 2, upcasters: { 1: renaming({ amount: 'amountCents' }) } },
  OrderCancelled: { version: 2, upcasters: { 1: renaming({ amountToCredit: 'amountToCreditCents' }) } },
  OrderExpired: { version: 2, upcasters: { 1: renaming({ amountToCredit: 'amountToCreditCents' }) } },
  OrderCouponsRefunded: { version: 2, upcasters: { 1: renaming({ amount: 'amountCents' }) } },
};
