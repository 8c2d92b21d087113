// How money reaches the reseller: by bank transfer, postal slip, card, cheque or in cash. One list
// for an order paid directly (domain/orders/events.ts, directPaymentMethods), a payment recorded by
// the accountants (domain/payments) and a prepaid top-up (domain/prepaid/events.ts, topUpMethods).
// In this order the console offers them.
export const paymentMethods = ['bank_transfer', 'postal_slip', 'credit_card', 'cheque', 'cash'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];

/** Money taken at the desk for an order awaiting payment: by card or in cash. */
export const deskPaymentMethods = ['credit_card', 'cash'] as const satisfies readonly PaymentMethod[];
export type DeskPaymentMethod = (typeof deskPaymentMethods)[number];
