// Every resource of the read API (GET /api/<name>, GET /api/<name>/:id), as ra-data-simple-rest reads
// them: the view a projection maintains (projections/readModels/), its fields (snake_case SQL →
// camelCase JSON), which ones sort and filter (each backed by an index of the read model), what `q`
// searches, and who may read it (the route table, server/security/routeTable.ts, says the same).
//
// Money is in cents (`…Cents`), VAT rates in basis points (`…Bp`, 2200 = 22 %), times ISO-8601 UTC,
// days `YYYY-MM-DD`.
import { renewalBounds } from '../../domain/certificates/renewalWindow';
import { roles as allRoles, type Role } from '../../events/eventCatalogue';
import { catalogue } from '../../events/index';
import { deviceKinds } from '../../domain/devices/events';
import { couponRenewals, directPaymentMethods } from '../../domain/orders/events';
import { paymentMatchStatuses, unmatchedReasons } from '../../domain/payments/events';
import { creditReasons, topUpMethods } from '../../domain/prepaid/events';
import { productKinds, productRenewals } from '../../domain/catalogue/events';
import { COUPON_STATES } from '../../projections/readModels/coupons';
import { EMAIL_STATES } from '../../projections/readModels/emails';
import { ORDER_STATUSES } from '../../projections/readModels/orders';
import { PAYMENT_STATES } from '../../projections/readModels/payments';
import { ADJUSTMENT_STATES } from '../../projections/readModels/prepaidAdjustments';
import { normaliseText } from '../../projections/readModels/shared';
import { usernameKey } from '../../domain/staff/decider';
import { normaliseBankReference } from '../../domain/shared/bankReference';
import { normaliseCodiceFiscale } from '../../domain/shared/codiceFiscale';
import { normaliseCouponCode } from '../../domain/shared/couponCode';
import { normaliseDeviceSerial } from '../../domain/shared/deviceSerial';
import { normalisePartitaIva } from '../../domain/shared/partitaIva';
import { normaliseRfReference } from '../../domain/shared/rfReference';
import { roleGroups } from '../security/routeTable';
import type { CustomFilter, FieldSpec, ResourceSpec } from './listQuery';

/** Who sees coupon codes in full: the desk, which hands them to customers. Others get the hint. */
export const COUPON_CODE_ROLES: readonly Role[] = ['operator', 'supervisor'];


// Identifiers are filtered as the commands store them, through the same normaliser per identifier
// (domain/shared/): what a person types finds what the desk entered.
const codiceFiscale = normaliseCodiceFiscale;
const partitaIva = normalisePartitaIva;
const rfReference = normaliseRfReference;
const deviceSerial = normaliseDeviceSerial;
/** Product codes keep their dashes (RIN-FIRMA): only case and spaces do not count. */
const upper = (value: string) => value.replace(/\s+/g, '').toUpperCase();
const lower = (value: string) => value.trim().toLowerCase();

// Field shorthands.
const id: FieldSpec = { type: 'text', sql: 'id', sort: true };
const text = (more: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'text', ...more });
const int = (more: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'int', ...more });
const bool = (more: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'bool', ...more });
const time = (more: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'time', ...more });
const date = (more: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'date', ...more });
const json = (more: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'json', ...more });
const oneOf = (values: readonly string[], more: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'text', values, filter: true, ...more });
/** An indexed time: sortable, with _gte / _lte. */
const when = (more: Partial<FieldSpec> = {}): FieldSpec => time({ sort: true, range: true, ...more });
const money = (more: Partial<FieldSpec> = {}): FieldSpec => int(more);

const textId = { sql: 'id', type: 'text' } as const;


const wholeNumber = (min: number, max: number) => (value: unknown) => {
  const n = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
};
const booleanValue = (value: unknown) => (typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : undefined);

/** Devices still renewable (not past the 24-hour grace) that expire within `days` from `now` (ISO). */
export function expiringDevicesWhere(days: number, now: string): { sql: string; params: string[] } {
  const { renewableFrom, expiringUntil } = renewalBounds(now, days);
  return { sql: 'expires_at >= ? AND expires_at <= ?', params: [renewableFrom, expiringUntil] };
}

const deviceFilters: Record<string, CustomFilter> = {
  expiringWithinDays: {
    rule: 'a whole number of days from 0 to 3650',
    parse: wholeNumber(0, 3650),
    where: (days: number, ctx) => expiringDevicesWhere(days, ctx.now),
  },
  /** More than 24 hours past the earliest expiry: only a replacement card helps. */
  pastDeadline: {
    rule: 'true or false',
    parse: booleanValue,
    where: (past: boolean, ctx) => ({ sql: past ? 'expires_at < ?' : 'expires_at >= ?', params: [renewalBounds(ctx.now).renewableFrom] }),
  },
};

export const resources: ResourceSpec[] = [
  {
    name: 'customers',
    singular: 'customer',
    view: 'customers',
    projection: 'customers',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Customers (persons, Registration Officers, firms) with their prepaid balance',
    access: roleGroups.readAll,
    defaultSort: ['fullName', 'ASC'],
    search: { describe: 'name, surname, codice fiscale, partita IVA, e-mail', terms: 'customers_terms' },
    fields: {
      id,
      kind: oneOf(['person', 'firm']),
      name: text(),
      surname: text(),
      fullName: text({ sort: ['sort_name'] }),
      codiceFiscale: text({ filter: true, sort: true, normalise: codiceFiscale }),
      partitaIva: text({ filter: true, normalise: partitaIva }),
      email: text({ filter: true, sort: true, normalise: lower }),
      registrationOfficer: bool({ filter: true }),
      city: text({ filter: true, sort: true }),
      province: text(),
      billingAddress: json(),
      prepaidBalanceCents: money({ sort: true, range: true }),
      prepaidUpdatedAt: time(),
      registeredAt: when(),
    },
  },
  {
    name: 'prepaid-movements',
    singular: 'prepaid movement',
    view: 'prepaid_movements',
    projection: 'prepaid-movements',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Movements of the prepaid accounts: top-ups (+), debits for orders (−), credits (+), approved manual adjustments (+)',
    access: roleGroups.readAll,
    defaultSort: ['at', 'DESC'],
    fields: {
      id,
      customerId: text({ filter: true }),
      kind: oneOf(['top_up', 'debit', 'credit', 'adjustment']),
      amountCents: money({ sort: true, range: true }),
      amountReceivedCents: money(),
      feeCents: money(),
      method: text({ values: topUpMethods }),
      reference: text(),
      receivedOn: date(),
      reason: text({ values: creditReasons }),
      note: text(),
      orderId: text({ filter: true }),
      adjustmentId: text(),
      requestedBy: text(),
      approvedBy: text(),
      balanceAfterCents: money(),
      at: when(),
    },
  },
  {
    name: 'prepaid-adjustments',
    singular: 'prepaid adjustment',
    view: 'prepaid_adjustments',
    projection: 'prepaid-adjustments',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Manual adjustments of the prepaid accounts: requested by staff, approved or rejected by another supervisor',
    access: roleGroups.readAll,
    defaultSort: ['requestedAt', 'DESC'],
    fields: {
      id,
      customerId: text({ filter: true }),
      amountCents: money({ sort: true, range: true }),
      reason: text(),
      status: oneOf(ADJUSTMENT_STATES),
      requestedBy: text(),
      requestedAt: when(),
      decidedBy: text(),
      decidedAt: time(),
      rejectionReason: text(),
      balanceAfterCents: money(),
    },
  },
  {
    name: 'devices',
    singular: 'device',
    view: 'devices',
    projection: 'devices',
    id: { ...textId, normalise: deviceSerial },
    tieBreaker: 'seq',
    summary: 'Signature devices with their certificates and the days to the earliest expiry',
    access: roleGroups.readAll,
    defaultSort: ['expiresAt', 'ASC'],
    search: {
      describe: 'serial number, holder codice fiscale (prefix)',
      columns: [
        { sql: 'id', normalise: deviceSerial },
        { sql: 'holder_codice_fiscale', normalise: codiceFiscale },
      ],
    },
    filters: deviceFilters,
    fields: {
      id,
      serial: text({ sql: 'id' }),
      kind: oneOf(deviceKinds),
      issuer: text({ filter: true }),
      issuedOn: date({ sort: true, range: true }),
      holderCodiceFiscale: text({ filter: true, normalise: codiceFiscale }),
      signingSerialNumber: text(),
      signingValidFrom: time(),
      signingValidUntil: time(),
      authenticationSerialNumber: text(),
      authenticationValidFrom: time(),
      authenticationValidUntil: time(),
      certificateCount: int(),
      expiresAt: when(),
      /** Whole days from now to the earliest expiry (negative once expired), computed at query time. */
      daysToExpiry: int({ sql: 'CAST(floor(julianday(expires_at) - julianday(@now)) AS INTEGER)', sort: ['expires_at'] }),
      /** More than 24 hours after the earliest expiry: a replacement card is needed. */
      pastDeadline: bool({ sql: '(expires_at < @renewableFrom)' }),
      registeredAt: when(),
    },
  },
  {
    name: 'products',
    singular: 'product',
    view: 'products',
    projection: 'products',
    id: textId,
    tieBreaker: 'seq',
    summary: 'The catalogue: coupon products and timestamp packs, prices in cents excluding VAT',
    access: roleGroups.readAll,
    defaultSort: ['id', 'ASC'],
    search: { describe: 'code, description, professional role', terms: 'products_terms' },
    fields: {
      id,
      code: text({ sql: 'id' }),
      description: text({ sort: ['sort_description'] }),
      kind: oneOf(productKinds),
      renews: oneOf(productRenewals),
      professionalRole: text(),
      timestampPackSize: int(),
      priceCents: money({ sort: true, range: true }),
      vatRateBp: int(),
      priceWithVatCents: money(),
      withdrawn: bool({ filter: true }),
      withdrawnAt: time(),
      withdrawReason: text(),
      addedAt: when(),
      priceChangedAt: time(),
    },
  },
  {
    name: 'orders',
    singular: 'order',
    view: 'orders',
    projection: 'orders',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Orders: status, customer, payment mode, RF reference, totals, amount paid and due, invoice',
    access: roleGroups.readAll,
    defaultSort: ['placedAt', 'DESC'],
    search: { describe: 'customer name, RF reference, invoice number (42/2026), holder codice fiscale, device serial', terms: 'orders_terms' },
    fields: {
      id,
      customerId: text({ filter: true }),
      customerName: text({ sort: ['customer_sort'] }),
      status: oneOf(ORDER_STATUSES),
      choice: oneOf(['guided', 'manual']),
      holderCodiceFiscale: text({ filter: true, normalise: codiceFiscale }),
      deviceSerial: text({ filter: true, normalise: deviceSerial }),
      paymentMode: oneOf(['prepaid', 'direct']),
      paymentMethod: oneOf(['prepaid', ...directPaymentMethods]),
      rfReference: text({ filter: true, normalise: rfReference }),
      paymentExpiresAt: time(),
      codesEmail: text(),
      lineCount: int(),
      couponCount: int(),
      lines: json(),
      vatSummary: json(),
      taxableCents: money(),
      vatCents: money(),
      totalCents: money({ sort: true, range: true }),
      amountPaidCents: money(),
      amountDueCents: money({ sort: true, range: true }),
      surplusCents: money(),
      refundedCents: money(),
      placedAt: when(),
      paidAt: when(),
      fulfilledAt: time(),
      cancelledAt: time(),
      cancelReason: text(),
      expiredAt: time(),
      invoiceId: text(),
      invoiceYear: int({ filter: true }),
      invoiceNumber: int({ filter: true }),
      invoiceDisplayNumber: text({ sort: ['invoice_year', 'invoice_number'] }),
    },
  },
  {
    name: 'payments',
    singular: 'payment',
    view: 'payments',
    projection: 'payments',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Payments received (transfer, slip, card, cheque) and whether they are matched to an order',
    access: roleGroups.readAll,
    defaultSort: ['receivedOn', 'DESC'],
    search: { describe: "payer, the bank's reference, RF reference, words of the payment reason", terms: 'payments_terms' },
    fields: {
      id,
      method: oneOf(directPaymentMethods),
      amountCents: money({ sort: true, range: true }),
      receivedOn: date({ sort: true, range: true }),
      payer: text({ sort: ['payer_sort'] }),
      reason: text(),
      /** The bank's own reference (CRO/TRN, statement line id); null before it was asked for, and at the desk. */
      bankReference: text({ filter: true, normalise: normaliseBankReference }),
      recordedBy: text(),
      rfReference: text({ filter: true, normalise: rfReference }),
      rfCandidate: text(),
      matchStatus: oneOf(paymentMatchStatuses),
      state: oneOf(PAYMENT_STATES),
      matched: bool({ filter: true }),
      orderId: text({ filter: true }),
      matchedHow: text({ values: ['reference', 'by_hand'] }),
      matchedBy: text(),
      matchedAt: time(),
      unmatchedReason: oneOf(unmatchedReasons),
      unmatchedDetail: text(),
      appliedCents: money(),
      surplusCents: money(),
      recordedAt: when(),
    },
  },
  {
    name: 'invoices',
    singular: 'invoice',
    view: 'invoices',
    projection: 'invoices',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Invoices: progressive number per year, issue day, order, buyer, totals, credit notes against them',
    access: roleGroups.readAll,
    defaultSort: ['displayNumber', 'DESC'],
    search: { describe: 'number as printed (42/2026), buyer name, codice fiscale, partita IVA', terms: 'invoices_terms' },
    fields: {
      id,
      year: int({ filter: true }),
      number: int({ filter: true, range: true }),
      displayNumber: text({ sort: ['year', 'number'] }),
      issuedOn: date({ sort: true, range: true }),
      issuedAt: time(),
      orderId: text({ filter: true }),
      customerId: text({ filter: true }),
      buyerName: text({ sort: ['buyer_sort'] }),
      buyerCodiceFiscale: text(),
      buyerPartitaIva: text(),
      buyer: json(),
      seller: json(),
      lines: json(),
      vatSummary: json(),
      taxableCents: money(),
      vatCents: money(),
      totalCents: money({ sort: true, range: true }),
      creditedCents: money(),
      creditNoteCount: int(),
    },
  },
  {
    name: 'credit-notes',
    singular: 'credit note',
    view: 'credit_notes',
    projection: 'invoices',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Credit notes: progressive number per year, the invoice they correct, refunded coupons, totals',
    access: roleGroups.readAll,
    defaultSort: ['displayNumber', 'DESC'],
    search: { describe: 'number as printed (3/2026), buyer name, codice fiscale, partita IVA', terms: 'credit_notes_terms' },
    fields: {
      id,
      year: int({ filter: true }),
      number: int({ filter: true, range: true }),
      displayNumber: text({ sort: ['year', 'number'] }),
      issuedOn: date({ sort: true, range: true }),
      issuedAt: time(),
      invoiceId: text({ filter: true }),
      invoiceYear: int(),
      invoiceNumber: int(),
      invoiceDisplayNumber: text(),
      orderId: text({ filter: true }),
      customerId: text({ filter: true }),
      couponIds: json(),
      couponCount: int(),
      buyerName: text({ sort: ['buyer_sort'] }),
      buyerCodiceFiscale: text(),
      buyerPartitaIva: text(),
      buyer: json(),
      seller: json(),
      lines: json(),
      vatSummary: json(),
      taxableCents: money(),
      vatCents: money(),
      totalCents: money({ sort: true, range: true }),
      refundTo: oneOf(['prepaid', 'paid_out']),
    },
  },
  {
    name: 'coupons',
    singular: 'coupon',
    view: 'coupons',
    projection: 'coupons',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Coupons: state, product, order, redemption; the code in full for the desk, its hint for the others',
    access: roleGroups.readAll,
    defaultSort: ['issuedAt', 'DESC'],
    search: {
      describe: 'the code (operators and supervisors), the last group of the code, device serial, product code',
      terms: 'coupons_terms',
      columns: [{ sql: 'code_key', normalise: normaliseCouponCode, roles: COUPON_CODE_ROLES }],
    },
    fields: {
      id,
      code: text({ sql: 'code', roles: COUPON_CODE_ROLES, otherwise: 'code_hint', filter: 'code_key', normalise: normaliseCouponCode }),
      codeHint: text({ sql: 'code_hint' }),
      state: oneOf(COUPON_STATES),
      productCode: text({ filter: true, normalise: upper }),
      renews: oneOf(couponRenewals),
      orderId: text({ filter: true }),
      customerId: text({ filter: true }),
      issuedAt: when(),
      validUntil: when(),
      redeemedAt: when(),
      deviceSerial: text({ filter: true, normalise: deviceSerial }),
      certificateKind: text({ values: couponRenewals }),
      cancelledAt: time(),
      cancelReason: text(),
      expiredAt: time(),
    },
  },
  {
    name: 'emails',
    singular: 'email',
    view: 'emails',
    projection: 'emails',
    id: textId,
    tieBreaker: 'seq',
    summary: 'The e-mail outbox: queued, sent, retrying, failed',
    access: roleGroups.readAll,
    defaultSort: ['queuedAt', 'DESC'],
    search: { describe: 'recipient address (prefix)', columns: [{ sql: 'to_address', normalise: lower }] },
    fields: {
      id,
      purpose: text(),
      reason: oneOf(['fulfilment', 'resend']),
      customerId: text({ filter: true }),
      orderId: text({ filter: true }),
      couponIds: json(),
      couponCount: int(),
      state: oneOf(EMAIL_STATES),
      attempts: int(),
      lastError: text(),
      retryAt: time(),
      to: text({ sql: 'to_address', filter: true, sort: true, normalise: lower }),
      messageId: text(),
      possiblyDuplicate: bool({ sql: 'possibly_duplicate', filter: true }),
      queuedAt: when(),
      sentAt: when(),
      failedAt: time(),
      updatedAt: when(),
    },
  },
  {
    name: 'staff-users',
    singular: 'staff user',
    view: 'staff_users',
    projection: 'staff-users',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Staff users (never a password hash)',
    access: roleGroups.admin,
    defaultSort: ['username', 'ASC'],
    search: {
      describe: 'username, display name (prefix)',
      columns: [
        { sql: 'username_key', normalise: usernameKey },
        { sql: 'display_key', normalise: normaliseText },
      ],
    },
    filters: {
      role: {
        rule: `one of ${allRoles.join(', ')}`,
        parse: (value) => (typeof value === 'string' && (allRoles as readonly string[]).includes(value) ? value : undefined),
        where: (role: string) => ({ sql: 'id IN (SELECT user_id FROM staff_user_roles WHERE role = ?)', params: [role] }),
      },
    },
    fields: {
      id,
      username: text({ sort: ['username_key'], filter: 'username_key', normalise: usernameKey }),
      displayName: text({ sort: ['display_key'] }),
      roles: json(),
      disabled: bool({ filter: true, sort: true }),
    },
  },
  {
    name: 'audit-events',
    singular: 'audit event',
    view: 'audit_events',
    projection: 'audit-events',
    id: { sql: 'position', type: 'int' },
    tieBreaker: 'position',
    summary: 'The audit trail: every event with stream, type, time, actor and data (coupon codes and password hashes masked)',
    access: roleGroups.audit,
    defaultSort: ['id', 'DESC'],
    fields: {
      id: int({ sql: 'position', sort: true }),
      position: int({ range: true }),
      eventId: text({ filter: true }),
      stream: text({ filter: true }),
      revision: int(),
      type: oneOf(catalogue.types()),
      at: when(),
      recordedAt: time(),
      actorId: text({ filter: true }),
      actorRole: oneOf([...allRoles, 'system']),
      correlationId: text({ filter: true }),
      causationId: text(),
      idempotencyKey: text(),
      schemaVersion: int(),
      data: json(),
    },
  },
];

export const resourceByName: ReadonlyMap<string, ResourceSpec> = new Map(resources.map((r) => [r.name, r]));
