// An event of the audit log in the desk's words: its label ("Pagamento ricevuto") and a one-line
// summary of its data ("bonifico bancario, 26,84 €"), amounts in euro, instants in Rome time,
// people by name. One pure function per event type picks the words and numbers from the data; the
// sentence around them is a message of the language chosen (i18n/eventLabels-it.ts, -en.ts).
import type { EventData, EventType } from '../../domain/eventTypes';
import { formatDay, formatEuro, formatRate, formatRomeDate, formatRomeDateTime } from '../../domain/shared/money';

/** react-admin's translate (polyglot: `%{name}` placeholders, `_` for a default). */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** What a summary function may use besides the data: formats and words of the chosen language. */
export interface SummaryTools {
  /** Cents as `1.234,56 €`. */
  euro(cents: number): string;
  /** An instant as Rome date and time, `06/12/2026 10:15`. */
  at(instant: string): string;
  /** A calendar day (`2026-12-06`) or the Rome date of an instant, `06/12/2026`. */
  day(dayOrInstant: string): string;
  /** A word of an enum, lower case as in a sentence: `word('enums.paymentMethod', 'bank_transfer')` → "bonifico bancario". */
  word(group: string, value: string): string;
  /** A staff user by name ("Mario Rossi (m.rossi)"), "Sistema" for the system. */
  person(userId: string): string;
}

type Params = Record<string, string | number> & { variant?: string };
type SummaryOf<T extends EventType> = (data: EventData<T>, tools: SummaryTools) => Params;

const invoiceNo = (number: number, year: number) => `${number}/${year}`;
const orNone = (value: string | null | undefined, t: SummaryTools) => value || t.word('events.words', 'none');

/** The words and numbers of each event type's summary; a new event type does not compile without its own. */
export const summaries: { [T in EventType]: SummaryOf<T> } = {
  CustomerRegistered: (d) => ({
    name: d.kind === 'person' ? `${d.name} ${d.surname}` : d.name,
    taxId: d.kind === 'person' ? d.codiceFiscale : `P.IVA ${d.partitaIva}`,
    email: d.email,
  }),
  CustomerEmailChanged: (d) => ({ from: d.oldEmail, to: d.newEmail }),
  CustomerSdiAddressChanged: (d, t) => ({ sdiCode: orNone(d.sdiCode, t), pec: orNone(d.pecAddress, t) }),
  CustomerTaxCodeClaimed: (d) => ({ codiceFiscale: d.codiceFiscale }),
  CustomerVatNumberClaimed: (d) => ({ partitaIva: d.partitaIva }),
  PrepaidToppedUp: (d, t) => ({
    received: t.euro(d.amountReceivedCents),
    method: t.word('enums.paymentMethod', d.method),
    fee: t.euro(d.feeCents),
    credited: t.euro(d.creditedCents),
    balance: t.euro(d.balanceAfterCents),
  }),
  PrepaidDebited: (d, t) => ({ amount: t.euro(d.amountCents), balance: t.euro(d.balanceAfterCents) }),
  PrepaidCredited: (d, t) => ({ amount: t.euro(d.amountCents), reason: t.word('enums.creditReason', d.reason), balance: t.euro(d.balanceAfterCents) }),
  PrepaidAdjustmentRequested: (d, t) => ({ amount: t.euro(d.amountCents), reason: d.reason, by: t.person(d.requestedBy) }),
  PrepaidAdjustmentApproved: (d, t) => ({ amount: t.euro(d.amountCents), reason: d.reason, by: t.person(d.approvedBy), balance: t.euro(d.balanceAfterCents) }),
  PrepaidAdjustmentRejected: (d, t) => ({ by: t.person(d.rejectedBy), reason: d.rejectionReason }),
  DeviceRegistered: (d, t) => ({ kind: t.word('enums.deviceKind', d.kind), serial: d.serial, holder: d.holderCodiceFiscale, issuedOn: t.day(d.issuedOn) }),
  CertificateRenewed: (d, t) => ({ kind: t.word('enums.certificateKind', d.kind), serial: d.serial, validUntil: t.day(d.validUntil) }),
  CertificateRevoked: (d, t) => ({ kind: t.word('enums.certificateKind', d.kind), serial: d.serial, reason: t.word('enums.revocationReason', d.reason) }),
  DeviceStatusChanged: (d, t) => ({ serial: d.serial, from: t.word('enums.deviceStatus', d.from), to: t.word('enums.deviceStatus', d.to), reason: d.reason }),
  HolderDeviceListed: (d) => ({ serial: d.serial, codiceFiscale: d.codiceFiscale }),
  ProductAdded: (d, t) => ({ code: d.code, description: d.description, price: t.euro(d.priceCents), vat: formatRate(d.vatRateBp) }),
  ProductPriceChanged: (d, t) => ({ code: d.code, from: t.euro(d.oldPriceCents), to: t.euro(d.newPriceCents) }),
  ProductWithdrawn: (d) => ({ code: d.code }),
  OrderPlaced: (d, t) => ({
    variant: d.payment.mode,
    lines: d.lines.map((l) => `${l.quantity} × ${l.description}`).join(', '),
    total: t.euro(d.totals.totalCents),
    ...(d.payment.mode === 'direct' ? { method: t.word('enums.paymentMethod', d.payment.method), rf: d.payment.rfReference } : {}),
  }),
  OrderPaymentReceived: (d, t) => ({
    variant: d.amountDueCents > 0 ? 'partial' : d.surplusCents > 0 ? 'surplus' : 'full',
    method: t.word('enums.paymentMethod', d.method),
    amount: t.euro(d.amountCents),
    due: t.euro(d.amountDueCents),
    surplus: t.euro(d.surplusCents),
  }),
  OrderPaid: (d, t) => ({ variant: d.via, amount: t.euro(d.amountCents) }),
  OrderCancelled: (d, t) => ({ reason: d.reason, amount: t.euro(d.amountToCreditCents) }),
  OrderExpired: (d, t) => ({ amount: t.euro(d.amountToCreditCents) }),
  OrderFulfilled: (d) => ({ invoice: invoiceNo(d.invoiceNumber, d.invoiceYear), coupons: d.couponIds.length }),
  OrderCouponsRefunded: (d, t) => ({
    coupons: d.couponIds.length,
    creditNote: invoiceNo(d.creditNoteNumber, d.creditNoteYear),
    amount: t.euro(d.amountCents),
    refundTo: t.word('enums.refundTo', d.refundTo),
  }),
  RfReferenceClaimed: (d) => ({ rf: d.rfReference }),
  PaymentRecorded: (d, t) => ({
    variant: d.rfReference ? 'rf' : 'none',
    method: t.word('enums.paymentMethod', d.method),
    amount: t.euro(d.amountCents),
    payer: d.payer,
    receivedOn: t.day(d.receivedOn),
    rf: d.rfReference ?? '',
    reason: d.reason,
  }),
  PaymentMatched: (d, t) => ({ variant: d.how, rf: d.rfReference ?? '', by: t.person(d.by) }),
  PaymentLeftUnmatched: (d, t) => ({ reason: t.word('enums.unmatchedReason', d.reason) }),
  BankReferenceClaimed: (d) => ({ reference: d.bankReference }),
  BankStatementImported: (d) => ({
    fileName: d.fileName,
    lines: d.lines.length,
    matched: d.lines.filter((l) => l.outcome === 'matched' || l.outcome === 'partial' || l.outcome === 'overpaid').length,
  }),
  InvoiceNumberAssigned: (d) => ({ number: invoiceNo(d.number, d.year) }),
  InvoiceIssued: (d, t) => ({ number: invoiceNo(d.number, d.year), issuedOn: t.day(d.issuedOn), buyer: d.buyer.name, total: t.euro(d.totals.totalCents) }),
  CreditNoteNumberAssigned: (d) => ({ number: invoiceNo(d.number, d.year) }),
  CreditNoteIssued: (d, t) => ({
    number: invoiceNo(d.number, d.year),
    issuedOn: t.day(d.issuedOn),
    invoice: invoiceNo(d.invoiceNumber, d.invoiceYear),
    total: t.euro(d.totals.totalCents),
  }),
  SdiReceiptRecorded: (d, t) => ({ receipt: t.word('events.words.sdiReceipt', d.receipt), document: t.word('events.words.documentKind', d.documentKind), errors: d.errors.length }),
  CouponIssued: (d, t) => ({ code: d.code, renews: t.word('enums.renews', d.renews), validUntil: t.day(d.validUntil) }),
  CouponCodeClaimed: (d) => ({ code: d.code }),
  CouponRedeemed: (d, t) => ({ kind: t.word('enums.renews', d.certificateKind), serial: d.deviceSerial }),
  CouponCancelled: (d) => ({ reason: d.reason }),
  CouponExpired: () => ({}),
  CouponReserved: (d, t) => ({ kind: t.word('enums.renews', d.certificateKind), serial: d.deviceSerial }),
  CouponReleased: (d) => ({ reason: d.reason }),
  EmailQueued: (d, t): Params =>
    d.purpose === 'coupon_codes'
      ? { variant: d.purpose, count: d.couponIds.length, reason: t.word('enums.emailReason', d.reason) }
      : d.purpose === 'renewal_reminder'
        ? { variant: d.purpose, serial: d.deviceSerial, days: d.offsetDays, deadline: t.day(d.deadline) }
        : d.purpose === 'log_head'
          ? { variant: d.purpose, to: d.to, position: d.head.position }
          : { variant: d.purpose },
  EmailSent: (d) => ({ to: d.to, attempt: d.attempt }),
  EmailAttemptFailed: (d, t) => ({ attempt: d.attempt, error: d.error, retryAt: t.at(d.retryAt) }),
  EmailAttemptStarted: (d) => ({ attempt: d.attempt }),
  EmailGaveUp: (d) => ({ attempts: d.attempts, error: d.error }),
  EmailRetryRequested: (d, t) => ({ at: t.at(d.requestedAt) }),
  StaffUsernameClaimed: (d) => ({ username: d.username }),
  StaffUserCreated: (d, t) => ({ displayName: d.displayName, username: d.username, roles: d.roles.map((r) => t.word('enums.actorRole', r)).join(', ') }),
  StaffRolesChanged: (d, t) => ({
    variant: !d.oversight ? 'plain' : d.oversight.approvedBy ? 'approved' : 'sole',
    user: t.person(d.userId),
    roles: d.roles.map((r) => t.word('enums.actorRole', r)).join(', ') || t.word('events.words', 'none'),
    approvedBy: d.oversight?.approvedBy ? t.person(d.oversight.approvedBy) : '',
  }),
  StaffPasswordChanged: (d, t) => ({
    variant: d.by === 'self' ? 'self' : !d.oversight ? 'admin' : d.oversight.approvedBy ? 'approved' : 'sole',
    user: t.person(d.userId),
    approvedBy: d.oversight?.approvedBy ? t.person(d.oversight.approvedBy) : '',
  }),
  StaffUserDisabled: (d, t) => ({ user: t.person(d.userId) }),
  StaffUserEnabled: (d, t) => ({ user: t.person(d.userId) }),
  StaffChangeRequested: (d, t) => ({
    variant: d.reason,
    user: t.person(d.userId),
    roles: (d.roles ?? []).map((r) => t.word('enums.actorRole', r)).join(', '),
    by: t.person(d.requestedBy),
  }),
  StaffChangeApproved: (d, t) => ({ by: t.person(d.approvedBy) }),
  StaffChangeRejected: (d, t) => ({ by: t.person(d.rejectedBy) }),
  StaffSessionStarted: (d, t) => ({ user: t.person(d.userId) }),
  StaffSessionActive: (d, t) => ({ user: t.person(d.userId) }),
  StaffSessionEnded: (d, t) => ({ user: t.person(d.userId) }),
  IssuerPolicySet: (d) => ({ issuer: d.issuerName, days: d.renewalOpensDaysBefore, grace: d.graceHours, years: d.validityYears }),
  RenewalStarted: (d, t) => ({
    serial: d.deviceSerial,
    certificates: d.certificates.map((k) => t.word('enums.certificateKind', k)).join(', '),
    payment: t.word('enums.renewalPaymentMode', d.payment.mode),
    channel: t.word('events.words.channel', d.channel),
  }),
  RenewalStepRecorded: (d, t) => ({ kind: t.word('enums.certificateKind', d.certificateKind), step: t.word('enums.renewalStep', d.step) }),
  RenewalFailed: (d) => ({ reason: d.reason }),
  RenewalResumed: (d, t) => ({ by: t.person(d.resumedBy) }),
  RenewalCompleted: (d, t) => ({
    certificates: d.certificates.map((c) => t.word('enums.certificateKind', c.kind)).join(', '),
    validUntil: d.certificates.length > 0 ? t.day(d.certificates.map((c) => c.validUntil).sort()[0]!) : '',
  }),
  RenewalAbandoned: (d) => ({ reason: d.reason }),
  RenewalFeeOrdered: () => ({}),
  DeviceRenewalClaimed: (d) => ({ serial: d.deviceSerial }),
  DeviceRenewalReleased: (d) => ({ serial: d.deviceSerial }),
  CaReportReceived: (d, t) => ({ via: t.word('enums.caReportVia', d.via), lines: d.lines.length, applied: d.lines.filter((l) => l.outcome === 'applied').length }),
  ReplacementRequested: (d, t) => ({ serial: d.deviceSerial, reason: t.word('enums.replacementReason', d.reason), note: d.note }),
  ReplacementApproved: (d, t) => ({ by: t.person(d.approvedBy), note: d.note }),
  ReplacementRejected: (d, t) => ({ by: t.person(d.rejectedBy), note: d.note }),
  ReplacementOrderPlaced: () => ({}),
  ReplacementDeviceIssued: (d) => ({ serial: d.newDeviceSerial }),
  ReplacementCompleted: () => ({}),
  RenewalReminderSent: (d, t) => ({ serial: d.deviceSerial, kind: t.word('enums.certificateKind', d.certificateKind), days: d.offsetDays, deadline: t.day(d.deadline) }),
  LogVerified: (d, t) => ({
    variant: d.ok ? 'ok' : 'broken',
    verified: d.verified,
    position: d.broken?.position ?? '',
    stream: d.broken?.stream ?? '',
    via: t.word('events.words.verifiedVia', d.via),
    // The tools that run it are named by what they are, not as staff.
    by: d.via === 'console' ? t.person(d.ranBy) : d.ranBy,
  }),
  ParkedEventsReplayed: (d, t) => ({
    variant: d.parked === null ? 'unknown' : 'counted',
    reactor: t.word('reactors', d.reactor),
    parked: d.parked ?? '',
    by: t.person(d.replayedBy),
  }),
  IdempotencyKeyClaimed: (d, t) => ({ by: t.person(d.userId) }),
  IdempotentAnswerRecorded: (d) => ({ status: d.status }),
  IdempotencyKeyReleased: (d, t) => ({ reason: t.word('events.words.idempotencyRelease', d.reason) }),
};

const isEventType = (type: string): type is EventType => Object.prototype.hasOwnProperty.call(summaries, type);

const lowerFirst = (s: string) => (s ? s[0]!.toLowerCase() + s.slice(1) : s);

/** The tools of one language: its translate, and who is who (user id → name) when known. */
export function summaryTools(translate: Translate, person: (userId: string) => string): SummaryTools {
  return {
    euro: (cents) => formatEuro(cents),
    at: (instant) => formatRomeDateTime(instant),
    day: (value) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDay(value) : formatRomeDate(value)),
    word: (group, value) => lowerFirst(translate(`app.${group}.${value}`, { _: value })),
    person,
  };
}

/** The label of an event type in the chosen language; an unknown type as it is. */
export function eventLabel(type: string, translate: Translate): string {
  return translate(`app.events.labels.${type}`, { _: type });
}

/**
 * The summary of an event's data, without its label ("bonifico bancario, 26,84 €"); empty when the
 * type is unknown or the data is not the shape the summary reads (an older version, masked fields):
 * the raw data stays one click away.
 */
export function eventSummary(type: string, data: unknown, translate: Translate, tools: SummaryTools): string {
  if (!isEventType(type) || !data || typeof data !== 'object') return '';
  try {
    const { variant, ...params } = (summaries[type] as (d: unknown, t: SummaryTools) => Params)(data, tools);
    const key = variant ? `app.events.summaries.${type}.${variant}` : `app.events.summaries.${type}`;
    const text = translate(key, { ...params, _: '' });
    return text === key ? '' : text;
  } catch {
    return '';
  }
}

/** "Pagamento ricevuto: bonifico bancario, 26,84 €". */
export function describeEvent(type: string, data: unknown, translate: Translate, tools: SummaryTools): string {
  const summary = eventSummary(type, data, translate, tools);
  return summary ? `${eventLabel(type, translate)}: ${summary}` : eventLabel(type, translate);
}
