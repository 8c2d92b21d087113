// The type name of every event of the domain, area by area: the console's audit-log filter.
//
// A plain list, so that the console does not ship the event schemas (zod) to list their names; the
// compiler checks it against the areas' event shapes (below: none missing, none unknown), and
// test/domain/eventTypes.test.ts against the event catalogue (events/index.ts).
import type { productEventShapes } from './catalogue/events';
import type { couponCodeEventShapes, couponEventShapes } from './coupons/events';
import type { customerEventShapes } from './customers/events';
import type { deviceEventShapes, holderDeviceEventShapes } from './devices/events';
import type { emailEventShapes } from './emails/events';
import type { invoiceEventShapes } from './invoicing/events';
import type { orderEventShapes, rfReferenceEventShapes } from './orders/events';
import type { bankReferenceEventShapes, paymentEventShapes } from './payments/events';
import type { prepaidEventShapes } from './prepaid/events';
import type { staffEventShapes } from './staff/events';
import type { issuerPolicyEventShapes } from './certificates/events';
import type { caReportEventShapes, deviceRenewalClaimEventShapes, renewalEventShapes } from './renewals/events';
import type { replacementEventShapes } from './replacements/events';
import type { reminderEventShapes } from './reminders/events';
import type { bankStatementEventShapes } from './bankStatements/events';
import type { sdiEventShapes } from './sdi/events';
import type { logVerificationEventShapes } from './logVerification/events';
import type { operationsEventShapes } from './operations/events';
import type { idempotencyEventShapes } from './idempotency/events';
import type { EventOf } from './shared/events';

type TypesOf<Shapes extends readonly { type: string }[]> = Shapes[number]['type'];

type AreaShapes =
  | typeof customerEventShapes
  | typeof prepaidEventShapes
  | typeof deviceEventShapes
  | typeof holderDeviceEventShapes
  | typeof productEventShapes
  | typeof orderEventShapes
  | typeof rfReferenceEventShapes
  | typeof paymentEventShapes
  | typeof bankReferenceEventShapes
  | typeof invoiceEventShapes
  | typeof couponEventShapes
  | typeof couponCodeEventShapes
  | typeof emailEventShapes
  | typeof staffEventShapes
  | typeof issuerPolicyEventShapes
  | typeof renewalEventShapes
  | typeof deviceRenewalClaimEventShapes
  | typeof caReportEventShapes
  | typeof replacementEventShapes
  | typeof reminderEventShapes
  | typeof bankStatementEventShapes
  | typeof sdiEventShapes
  | typeof logVerificationEventShapes
  | typeof operationsEventShapes
  | typeof idempotencyEventShapes;

/** The type of an event of any area, from the areas' event shapes. */
export type EventType = TypesOf<AreaShapes>;

/** The data of an event of the given type (types only: the console reads the audit log with it). */
export type EventData<T extends EventType> = Extract<EventOf<AreaShapes[number]>, { type: T }>['data'];

export const eventTypes = [
  // customers, prepaid accounts
  'CustomerRegistered',
  'CustomerEmailChanged',
  'CustomerSdiAddressChanged',
  'CustomerTaxCodeClaimed',
  'CustomerVatNumberClaimed',
  'PrepaidToppedUp',
  'PrepaidDebited',
  'PrepaidCredited',
  'PrepaidAdjustmentRequested',
  'PrepaidAdjustmentApproved',
  'PrepaidAdjustmentRejected',
  // devices, catalogue
  'DeviceRegistered',
  'CertificateRenewed',
  'CertificateRevoked',
  'DeviceStatusChanged',
  'HolderDeviceListed',
  'ProductAdded',
  'ProductPriceChanged',
  'ProductWithdrawn',
  // orders, payments
  'OrderPlaced',
  'OrderPaymentReceived',
  'OrderPaid',
  'OrderCancelled',
  'OrderExpired',
  'OrderFulfilled',
  'OrderCouponsRefunded',
  'RfReferenceClaimed',
  'PaymentRecorded',
  'PaymentMatched',
  'PaymentLeftUnmatched',
  'BankReferenceClaimed',
  'BankStatementImported',
  // invoicing, coupons, e-mails
  'InvoiceNumberAssigned',
  'InvoiceIssued',
  'CreditNoteNumberAssigned',
  'CreditNoteIssued',
  'SdiReceiptRecorded',
  'LogVerified',
  'ParkedEventsReplayed',
  // Idempotency-Key claims (the requests' bookkeeping)
  'IdempotencyKeyClaimed',
  'IdempotentAnswerRecorded',
  'IdempotencyKeyReleased',
  'CouponIssued',
  'CouponCodeClaimed',
  'CouponRedeemed',
  'CouponCancelled',
  'CouponExpired',
  'CouponReserved',
  'CouponReleased',
  'EmailQueued',
  'EmailSent',
  'EmailAttemptFailed',
  'EmailAttemptStarted',
  'EmailGaveUp',
  'EmailRetryRequested',
  // staff
  'StaffUsernameClaimed',
  'StaffUserCreated',
  'StaffRolesChanged',
  'StaffPasswordChanged',
  'StaffUserDisabled',
  'StaffUserEnabled',
  'StaffChangeRequested',
  'StaffChangeApproved',
  'StaffChangeRejected',
  'StaffSessionStarted',
  'StaffSessionActive',
  'StaffSessionEnded',
  // certificates' life: issuer policies, renewals, CA reports, replacements, reminders
  'IssuerPolicySet',
  'RenewalStarted',
  'RenewalStepRecorded',
  'RenewalFailed',
  'RenewalResumed',
  'RenewalCompleted',
  'RenewalAbandoned',
  'RenewalFeeOrdered',
  'DeviceRenewalClaimed',
  'DeviceRenewalReleased',
  'CaReportReceived',
  'ReplacementRequested',
  'ReplacementApproved',
  'ReplacementRejected',
  'ReplacementOrderPlaced',
  'ReplacementDeviceIssued',
  'ReplacementCompleted',
  'RenewalReminderSent',
] as const satisfies readonly EventType[];

// Every type of the shapes is listed: a new event type without its line here does not compile
// ("Type '"TheNewType"' does not satisfy the constraint 'never'").
type Unlisted<Listed extends never> = Listed;
export type EveryEventTypeListed = Unlisted<Exclude<EventType, (typeof eventTypes)[number]>>;
