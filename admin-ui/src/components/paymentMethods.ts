// The choices of the payment method inputs and filters, from the domain's lists
// (domain/shared/paymentMethods.ts), labelled `app.enums.paymentMethod.<method>` (top-ups:
// `app.enums.topUpMethod.<method>`).
import { deskPaymentMethods, paymentMethods } from '../../../domain/shared/paymentMethods';

const choices = (labels: string, values: readonly string[]) => values.map((id) => ({ id, name: `app.enums.${labels}.${id}` }));

/** An order paid directly, a payment recorded by the accountants. */
export const paymentMethodChoices = choices('paymentMethod', paymentMethods);
/** How an order was paid: from the prepaid account or directly. */
export const orderPaymentMethodChoices = choices('paymentMethod', ['prepaid', ...paymentMethods]);
/** Money taken at the desk. */
export const deskPaymentMethodChoices = choices('paymentMethod', deskPaymentMethods);
/** A prepaid top-up. */
export const topUpMethodChoices = choices('topUpMethod', paymentMethods);
