// The back office's event catalogue: every definition of every aggregate, in one list.
// Add a domain's events here (its array in the list, its union in DomainEvent).
import { EventCatalogue } from './catalogue';
import { staffEvents, type StaffEvent } from './staff';
import { couponCodeEventDefinitions, couponEventDefinitions, type CouponCodeEvent, type CouponEvent } from './coupons';
import { invoiceEventDefinitions, type InvoicingEvent } from './invoices';
import { orderEventDefinitions, rfReferenceEventDefinitions, type OrderEvent, type RfReferenceEvent } from './orders';
import { bankReferenceEventDefinitions, paymentEventDefinitions, type BankReferenceEvent, type PaymentEvent } from './payments';
import { customerEventDefinitions, type CustomerAreaEvent } from './customers';
import { prepaidEventDefinitions, type PrepaidEvent } from './prepaid';
import { productEventDefinitions, type ProductEvent } from './products';
import { deviceEventDefinitions, holderDeviceEventDefinitions, type DeviceEvent, type HolderDeviceEvent } from './devices';
import { emailEvents, type EmailEvent } from './emails';

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
  | EmailEvent;
export const catalogue = new EventCatalogue<DomainEvent>([
  ...staffEvents,
  ...orderEventDefinitions,
  ...rfReferenceEventDefinitions,
  ...paymentEventDefinitions,
  ...bankReferenceEventDefinitions,
  ...couponEventDefinitions,
  ...couponCodeEventDefinitions,
  ...invoiceEventDefinitions,
  ...customerEventDefinitions,
  ...prepaidEventDefinitions,
  ...productEventDefinitions,
  ...deviceEventDefinitions,
  ...holderDeviceEventDefinitions,
  ...emailEvents,
]);
