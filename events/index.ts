// The back office's event catalogue: every definition of every aggregate, in one list.
// Add a domain's events here (its array in the list, its union in DomainEvent).
import { EventCatalogue } from './eventCatalogue';
import { emailHistory } from './emails';
import { couponHistory } from './coupons';
import { invoicingHistory } from './invoicing';
import { paymentHistory } from './payments';
import { orderHistory } from './orders';
import { deviceHistory } from './devices';
import { catalogueHistory } from './catalogue';
import { prepaidHistory } from './prepaid';
import { customerHistory } from './customers';
import { staffHistory } from './staff';
import { staffEventShapes, type StaffEvent } from '../domain/staff/events';
import { couponCodeEventShapes, couponEventShapes, type CouponCodeEvent, type CouponEvent } from '../domain/coupons/events';
import { invoiceEventShapes, type InvoicingEvent } from '../domain/invoicing/events';
import { orderEventShapes, rfReferenceEventShapes, type OrderEvent, type RfReferenceEvent } from '../domain/orders/events';
import { bankReferenceEventShapes, paymentEventShapes, type BankReferenceEvent, type PaymentEvent } from '../domain/payments/events';
import { customerEventShapes, type CustomerAreaEvent } from '../domain/customers/events';
import { prepaidEventShapes, type PrepaidEvent } from '../domain/prepaid/events';
import { productEventShapes, type ProductEvent } from '../domain/catalogue/events';
import { deviceEventShapes, holderDeviceEventShapes, type DeviceEvent, type HolderDeviceEvent } from '../domain/devices/events';
import { emailEventShapes, type EmailEvent } from '../domain/emails/events';
import { issuerPolicyEventShapes, type IssuerPolicyEvent } from '../domain/certificates/events';
import { caReportEventShapes, deviceRenewalClaimEventShapes, renewalEventShapes, type CaReportEvent, type DeviceRenewalClaimEvent, type RenewalEvent } from '../domain/renewals/events';
import { replacementEventShapes, type ReplacementEvent } from '../domain/replacements/events';
import { reminderEventShapes, type ReminderEvent } from '../domain/reminders/events';
import { bankStatementEventShapes, type BankStatementEvent } from '../domain/bankStatements/events';
import { sdiEventShapes, type SdiEvent } from '../domain/sdi/events';
import { logVerificationEventShapes, type LogVerificationEvent } from '../domain/logVerification/events';
import { operationsEventShapes, type OperationsEvent } from '../domain/operations/events';
import { idempotencyEventShapes, type IdempotencyEvent } from '../domain/idempotency/events';

export type DomainEvent =
  | StaffEvent
  | OrderEvent
  | RfReferenceEvent
  | PaymentEvent
  | BankReferenceEvent
  | CouponEvent
  | CouponCodeEvent
  | InvoicingEvent
  | CustomerAreaEvent
  | PrepaidEvent
  | ProductEvent
  | DeviceEvent
  | HolderDeviceEvent
  | EmailEvent
  | IssuerPolicyEvent
  | RenewalEvent
  | DeviceRenewalClaimEvent
  | CaReportEvent
  | ReplacementEvent
  | ReminderEvent
  | BankStatementEvent
  | SdiEvent
  | LogVerificationEvent
  | OperationsEvent
  | IdempotencyEvent;
export const catalogue = new EventCatalogue<DomainEvent>([
  ...staffEventShapes,
  ...orderEventShapes,
  ...rfReferenceEventShapes,
  ...paymentEventShapes,
  ...bankReferenceEventShapes,
  ...couponEventShapes,
  ...couponCodeEventShapes,
  ...invoiceEventShapes,
  ...customerEventShapes,
  ...prepaidEventShapes,
  ...productEventShapes,
  ...deviceEventShapes,
  ...holderDeviceEventShapes,
  ...emailEventShapes,
  ...issuerPolicyEventShapes,
  ...renewalEventShapes,
  ...deviceRenewalClaimEventShapes,
  ...caReportEventShapes,
  ...replacementEventShapes,
  ...reminderEventShapes,
  ...bankStatementEventShapes,
  ...sdiEventShapes,
  ...logVerificationEventShapes,
  ...operationsEventShapes,
  ...idempotencyEventShapes,
], {
  ...staffHistory,
  ...customerHistory,
  ...prepaidHistory,
  ...catalogueHistory,
  ...deviceHistory,
  ...orderHistory,
  ...paymentHistory,
  ...invoicingHistory,
  ...couponHistory,
  ...emailHistory,
});
