// The order aggregate (stream `order-<orderId>`): placement, payments, cancellation, expiry,
// fulfilment and refunds of unused coupons. Pure: time and ids come in the commands; what other
// aggregates know (the catalogue's prices, the device's certificates, the prepaid debit) is
// resolved by the command handler and passed in.
import { windowState, type WindowRule } from '../certificates/renewalWindow';
import { z } from 'zod';
import type {
  CertificateKind,
  LineRenews,
  DirectPaymentMethod,
  DocumentLine,
  OrderEvent,
  OrderPayment,
  Totals,
} from './events';
import { certificateKinds, directPaymentMethods } from './events';
import { DomainError, conflict, invalid, refuse } from '../shared/errors';
import { checkCodiceFiscale } from '../shared/codiceFiscale';
import { lineAmounts, vatSummary, type VatRateSummary } from '../shared/money';
import { checkRfReference } from '../shared/rfReference';
import { DAY_MS, isUtcDateTime } from '../shared/utcTime';

const emailAddress = z.email();

export const streamOf = (orderId: string): string => `order-${orderId}`;

/** Most coupons of one product in one manual order line. */
export const MAX_QUANTITY_PER_LINE = 1000;
/** A certificate can be renewed up to 24 hours after it expires; later a new card is needed. */

// ---------------------------------------------------------------------------------------------
// Inputs resolved by the command handler
// ---------------------------------------------------------------------------------------------

/**
 * A catalogue product as it is at placement time (the product aggregate's `Product`, or its
 * state, fits this shape).
 */
export interface CatalogueProduct {
  code: string;
  /** As printed on orders and invoices. */
  description: string;
  /** What a coupon of this product renews; 'none' for a product that is not a coupon (timestamps). */
  renews: LineRenews;
  /** Professional variant (e.g. 'Commercialisti'); null or absent for the general product. */
  professionalRole?: string | null;
  /** Price excluding VAT, cents. */
  priceCents: number;
  vatRateBp: number;
  /** The product state's status when a state is passed: only 'available' is on sale. */
  status?: 'available' | 'withdrawn';
}

/** One certificate on a device, as the device aggregate knows it. */
export interface DeviceCertificate {
  kind: CertificateKind;
  /** Expiry, ISO UTC (X.509 notAfter). */
  validUntil: string;
  /** A revoked certificate cannot be renewed either. */
  status?: 'active' | 'revoked';
  /** Professional role of the certificate, matched with the product's; null or absent for none. */
  professionalRole?: string | null;
}

export interface OrderLineRequest {
  product: CatalogueProduct;
  quantity: number;
}

export type PaymentChoice =
  /** The handler has already debited the prepaid account by `debitedAmountCents` (the quote's total). */
  | { mode: 'prepaid'; prepaidDebitId: string; debitedAmountCents: number }
  /** A unique RF reference already claimed (stream `rf-<reference>`); the order waits `expiresAfterDays`. */
  | { mode: 'direct'; method: DirectPaymentMethod; rfReference: string; expiresAfterDays: number };

interface PlaceOrderCommon {
  orderId: string;
  customerId: string;
  /** The customer's profile e-mail, shown in the summary. */
  codesEmail: string;
  payment: PaymentChoice;
  at: string;
}

export interface PlaceGuidedOrder extends PlaceOrderCommon {
  choice: 'guided';
  holderCodiceFiscale: string;
  device: {
    serial: string;
    /** The holder the device belongs to, when known: must be the one named. */
    holderCodiceFiscale?: string;
    /** The token's status, when known: no coupons for a device lost, suspended or terminated. */
    deviceStatus?: 'active' | 'lost' | 'suspended' | 'terminated';
    certificates: DeviceCertificate[];
    /** The renewal window of the device's issuer policy (policyFor). */
    window: WindowRule;
  };
  /** The catalogue at placement time. */
  products: CatalogueProduct[];
}

export interface PlaceManualOrder extends PlaceOrderCommon {
  choice: 'manual';
  lines: OrderLineRequest[];
}

export type PlaceOrder = PlaceGuidedOrder | PlaceManualOrder;

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export type OrderStatus = 'awaiting_payment' | 'paid' | 'cancelled' | 'expired';

export interface PlacedOrder {
  status: OrderStatus;
  orderId: string;
  customerId: string;
  choice: 'guided' | 'manual';
  holderCodiceFiscale: string | null;
  deviceSerial: string | null;
  lines: DocumentLine[];
  vatSummary: VatRateSummary[];
  totals: Totals;
  codesEmail: string;
  payment: OrderPayment;
  placedAt: string;
  /** Sum of what payments applied to the total, cents. */
  receivedCents: number;
  paymentIds: string[];
  paidAt: string | null;
  fulfilment: {
    couponIds: string[];
    invoiceId: string;
    invoiceYear: number;
    invoiceNumber: number;
    fulfilledAt: string;
  } | null;
  refunds: { creditNoteId: string; couponIds: string[]; amountCents: number; refundTo: 'prepaid' | 'paid_out' }[];
}

export type OrderState = { status: 'none' } | PlacedOrder;

export const initialState = (): OrderState => ({ status: 'none' });

export function evolve(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced': {
      const d = event.data;
      return {
        status: 'awaiting_payment',
        orderId: d.orderId,
        customerId: d.customerId,
        choice: d.choice,
        holderCodiceFiscale: d.holderCodiceFiscale,
        deviceSerial: d.deviceSerial,
        lines: d.lines,
        vatSummary: d.vatSummary,
        totals: d.totals,
        codesEmail: d.codesEmail,
        payment: d.payment,
        placedAt: d.placedAt,
        receivedCents: 0,
        paymentIds: [],
        paidAt: null,
        fulfilment: null,
        refunds: [],
      };
    }
    case 'OrderPaymentReceived':
      if (state.status === 'none') return state;
      return {
        ...state,
        receivedCents: state.receivedCents + event.data.appliedCents,
        paymentIds: [...state.paymentIds, event.data.paymentId],
      };
    case 'OrderPaid':
      if (state.status === 'none') return state;
      return { ...state, status: 'paid', paidAt: event.data.paidAt };
    case 'OrderCancelled':
      if (state.status === 'none') return state;
      return { ...state, status: 'cancelled' };
    case 'OrderExpired':
      if (state.status === 'none') return state;
      return { ...state, status: 'expired' };
    case 'OrderFulfilled': {
      if (state.status === 'none') return state;
      const { couponIds, invoiceId, invoiceYear, invoiceNumber, fulfilledAt } = event.data;
      return { ...state, fulfilment: { couponIds, invoiceId, invoiceYear, invoiceNumber, fulfilledAt } };
    }
    case 'OrderCouponsRefunded': {
      if (state.status === 'none') return state;
      const { creditNoteId, couponIds, amountCents, refundTo } = event.data;
      return { ...state, refunds: [...state.refunds, { creditNoteId, couponIds, amountCents, refundTo }] };
    }
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

export const orderAggregate = { initialState, evolve };

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function timeOf(field: string, iso: string): number {
  const ms = isUtcDateTime(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(field, 'must be an ISO-8601 UTC date-time');
  return ms;
}

function requirePlaced(state: OrderState): PlacedOrder {
  if (state.status === 'none') throw new DomainError('order_not_found', 'order not found', 'not_found');
  return state;
}

function requireCents(field: string, cents: number): void {
  if (!Number.isSafeInteger(cents) || cents <= 0) throw invalid(field, 'must be a positive whole number of cents');
}

/** Coupons an order gives: one per unit of every coupon line. */
export function couponCountOf(lines: readonly Pick<DocumentLine, 'renews' | 'quantity'>[]): number {
  return lines.reduce((n, l) => n + (l.renews === 'none' ? 0 : l.quantity), 0);
}

/** What the order still waits for, in cents. */
export function amountDueOf(order: PlacedOrder): number {
  return order.status === 'awaiting_payment' ? order.totals.totalCents - order.receivedCents : 0;
}


const onSale = (p: CatalogueProduct): boolean => p.status === undefined || p.status === 'available';

/**
 * The guided proposal: both certificates must be renewed, so one line (quantity 1) per certificate
 * kind present on the device, with the product on sale that renews exactly that kind for the
 * certificate's role (the standard product when the certificate has no role); among several, the
 * cheapest, then the lowest code.
 */
export function proposeGuidedLines(
  certificates: readonly DeviceCertificate[],
  products: readonly CatalogueProduct[],
): OrderLineRequest[] {
  if (certificates.length === 0) throw refuse('device_without_certificates', 'the device has no certificates to renew');
  const lines: OrderLineRequest[] = [];
  for (const kind of certificateKinds) {
    const certificate = certificates.find((c) => c.kind === kind);
    if (!certificate) continue;
    const role = certificate.professionalRole ?? null;
    const candidates = products
      .filter((p) => onSale(p) && p.renews === kind && (p.professionalRole ?? null) === role)
      .sort((a, b) => a.priceCents - b.priceCents || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const product = candidates[0];
    if (!product) {
      throw refuse(
        'certificate_without_product',
        `no coupon on sale renews the ${kind} certificate${role ? ` with role ${role}` : ''}`,
      );
    }
    lines.push({ product, quantity: 1 });
  }
  return lines;
}

export interface Quote {
  lines: DocumentLine[];
  vatSummary: VatRateSummary[];
  totals: Totals;
}

/** Prices lines at the product's current price and VAT rate: per line taxable, VAT half up, total; summary per rate. */
export function priceLines(requests: readonly OrderLineRequest[]): Quote {
  const lines: DocumentLine[] = requests.map(({ product, quantity }) => {
    const input = { unitPriceCents: product.priceCents, quantity, vatRateBp: product.vatRateBp };
    return {
      productCode: product.code,
      description: product.description,
      renews: product.renews,
      ...input,
      ...lineAmounts(input),
    };
  });
  const summary = vatSummary(lines);
  return {
    lines,
    vatSummary: summary.byRate,
    totals: { taxableCents: summary.taxableCents, vatCents: summary.vatCents, totalCents: summary.totalCents },
  };
}

function validateManualLines(lines: readonly OrderLineRequest[]): void {
  if (lines.length === 0) throw invalid('lines', 'choose at least one product', 'lines_missing');
  const seen = new Set<string>();
  lines.forEach(({ product, quantity }, i) => {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY_PER_LINE) {
      throw invalid(`lines.${i}.quantity`, `must be a whole number from 1 to ${MAX_QUANTITY_PER_LINE}`, 'quantity_invalid');
    }
    if (seen.has(product.code)) {
      throw invalid(`lines.${i}.product`, `product ${product.code} appears twice; set its quantity instead`, 'product_duplicate');
    }
    seen.add(product.code);
    if (!onSale(product)) {
      throw refuse('product_not_on_sale', `product ${product.code} is no longer on sale`, `lines.${i}.product`);
    }
    if (!Number.isSafeInteger(product.priceCents) || product.priceCents < 0) {
      throw invalid(`lines.${i}.product`, 'the product has no valid price');
    }
  });
}

/**
 * What the buyer sees before paying (and what the handler debits from the prepaid account):
 * validates the choice and prices its lines. Refuses a guided choice for a device whose renewal
 * window (under its issuer's policy) is closed: past the deadline, or a certificate revoked.
 */
export function quoteOrder(command: PlaceOrder): Quote {
  if (command.choice === 'manual') {
    validateManualLines(command.lines);
    return priceLines(command.lines);
  }
  const { device } = command;
  // The quote is the first step to see the holder's codice fiscale: a wrong one is refused on its
  // field here, and a right one is compared in its canonical form, never as it was typed.
  const cf = checkCodiceFiscale(command.holderCodiceFiscale);
  if (!cf.ok) throw invalid('holderCodiceFiscale', cf.message, 'codice_fiscale_invalid');
  if (device.holderCodiceFiscale !== undefined && device.holderCodiceFiscale !== cf.value) {
    throw refuse('device_not_of_holder', `device ${device.serial} does not belong to this holder`, 'deviceSerial');
  }
  sellableDevice(device);
  if (device.certificates.some((c) => windowState(c, command.at, device.window) === 'closed')) {
    throw refuse('replacement_card_needed', 'replacement card needed', 'deviceSerial');
  }
  return priceLines(proposeGuidedLines(device.certificates, command.products));
}

/** Italian words for the statuses in the refusal people read at the desk. */
const deviceStatusWords = { lost: 'reported lost (smarrito)', suspended: 'suspended (sospeso)', terminated: 'terminated (cessato)' } as const;

/** No coupons are sold for a device lost, suspended or terminated, nor for a revoked certificate. */
function sellableDevice(device: PlaceGuidedOrder['device']): void {
  if (device.deviceStatus !== undefined && device.deviceStatus !== 'active') {
    throw refuse('device_not_active', `device ${device.serial} is ${deviceStatusWords[device.deviceStatus]}: no coupons are sold for it`, 'deviceSerial');
  }
  const revoked = device.certificates.filter((c) => c.status === 'revoked').map((c) => c.kind);
  if (revoked.length > 0) {
    throw refuse(
      'certificate_revoked',
      `device ${device.serial}: the ${revoked.join(' and ')} certificate is revoked and cannot be renewed; a replacement card is needed`,
      'deviceSerial',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

export function placeOrder(command: PlaceOrder, state: OrderState): OrderEvent[] {
  if (state.status !== 'none') throw conflict('order_exists', `order ${command.orderId} already exists`);
  timeOf('at', command.at);
  if (!emailAddress.safeParse(command.codesEmail).success) {
    throw invalid('codesEmail', 'the profile e-mail is not valid; fix it before ordering', 'email_invalid');
  }
  let holderCodiceFiscale: string | null = null;
  if (command.choice === 'guided') {
    const cf = checkCodiceFiscale(command.holderCodiceFiscale);
    if (!cf.ok) throw invalid('holderCodiceFiscale', cf.message, 'codice_fiscale_invalid');
    holderCodiceFiscale = cf.value;
    command = { ...command, holderCodiceFiscale: cf.value };
  }
  const quote = quoteOrder(command);

  let payment: OrderPayment;
  const { payment: choice } = command;
  if (choice.mode === 'prepaid') {
    if (choice.debitedAmountCents !== quote.totals.totalCents) {
      throw conflict('prepaid_debit_mismatch', `the prepaid debit (${choice.debitedAmountCents}) is not the order total (${quote.totals.totalCents})`);
    }
    payment = { mode: 'prepaid', prepaidDebitId: choice.prepaidDebitId };
  } else {
    if (!(directPaymentMethods as readonly string[]).includes(choice.method)) {
      throw invalid('payment.method', `must be one of ${directPaymentMethods.join(', ')}`);
    }
    const rf = checkRfReference(choice.rfReference);
    if (!rf.ok) throw invalid('payment.rfReference', rf.message, 'rf_reference_invalid');
    if (!Number.isInteger(choice.expiresAfterDays) || choice.expiresAfterDays < 1) {
      throw invalid('payment.expiresAfterDays', 'must be a whole number of days, at least 1');
    }
    const expiresAt = new Date(timeOf('at', command.at) + choice.expiresAfterDays * DAY_MS).toISOString();
    payment = { mode: 'direct', method: choice.method, rfReference: rf.value, expiresAt };
  }

  const events: OrderEvent[] = [
    {
      type: 'OrderPlaced',
      data: {
        orderId: command.orderId,
        customerId: command.customerId,
        choice: command.choice,
        holderCodiceFiscale,
        deviceSerial: command.choice === 'guided' ? command.device.serial : null,
        lines: quote.lines,
        vatSummary: quote.vatSummary,
        totals: quote.totals,
        codesEmail: command.codesEmail,
        payment,
        placedAt: command.at,
      },
    },
  ];
  if (payment.mode === 'prepaid') {
    events.push({ type: 'OrderPaid', data: { orderId: command.orderId, amountCents: quote.totals.totalCents, via: 'prepaid', paidAt: command.at } });
  }
  return events;
}

export interface ReceivePayment {
  paymentId: string;
  method: DirectPaymentMethod;
  amountCents: number;
  at: string;
}

/**
 * Money towards the order. Payments add up; the one that completes the total also pays the order.
 * What exceeds the amount due, or any payment to an order that is paid, cancelled or expired, is
 * reported as `surplusCents` (the handler credits it to the customer's prepaid account). The same
 * payment received twice is ignored.
 */
export function receivePayment(command: ReceivePayment, state: OrderState): OrderEvent[] {
  const order = requirePlaced(state);
  requireCents('amountCents', command.amountCents);
  timeOf('at', command.at);
  if (order.paymentIds.includes(command.paymentId)) return [];
  const due = amountDueOf(order);
  const applied = Math.min(command.amountCents, due);
  const events: OrderEvent[] = [
    {
      type: 'OrderPaymentReceived',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        paymentId: command.paymentId,
        method: command.method,
        amountCents: command.amountCents,
        appliedCents: applied,
        surplusCents: command.amountCents - applied,
        amountDueCents: due - applied,
        receivedAt: command.at,
      },
    },
  ];
  if (order.status === 'awaiting_payment' && due - applied === 0) {
    events.push({ type: 'OrderPaid', data: { orderId: order.orderId, amountCents: order.totals.totalCents, via: 'payments', paidAt: command.at } });
  }
  return events;
}

export interface CancelOrder {
  reason: string;
  at: string;
}

/** Cancels an order still waiting for payment; what was already received is to be credited. */
export function cancelOrder(command: CancelOrder, state: OrderState): OrderEvent[] {
  const order = requirePlaced(state);
  const reason = command.reason.trim();
  if (reason === '') throw invalid('reason', 'say why the order is cancelled', 'reason_required');
  timeOf('at', command.at);
  switch (order.status) {
    case 'cancelled':
      return [];
    case 'paid':
      throw refuse('order_already_paid', 'a paid order cannot be cancelled: refund its unused coupons instead');
    case 'expired':
      throw refuse('order_expired', 'the order has already expired');
    case 'awaiting_payment':
      return [
        { type: 'OrderCancelled', data: { orderId: order.orderId, reason, amountToCreditCents: order.receivedCents, cancelledAt: command.at } },
      ];
  }
}

export interface ExpireOrder {
  at: string;
}

/** An unpaid direct order expires at its `expiresAt`; what was already received is to be credited. */
export function expireOrder(command: ExpireOrder, state: OrderState): OrderEvent[] {
  const order = requirePlaced(state);
  const now = timeOf('at', command.at);
  switch (order.status) {
    case 'cancelled':
    case 'expired':
      return [];
    case 'paid':
      throw refuse('order_already_paid', 'a paid order does not expire');
    case 'awaiting_payment': {
      if (order.payment.mode !== 'direct') throw refuse('order_not_expirable', 'only orders waiting for a direct payment expire');
      if (now < Date.parse(order.payment.expiresAt)) {
        throw refuse('order_not_expired_yet', `the order expires at ${order.payment.expiresAt}`);
      }
      return [{ type: 'OrderExpired', data: { orderId: order.orderId, amountToCreditCents: order.receivedCents, expiredAt: command.at } }];
    }
  }
}

export interface MarkFulfilled {
  couponIds: string[];
  invoiceId: string;
  invoiceYear: number;
  invoiceNumber: number;
  at: string;
}

/** Records the coupons issued and the invoice: once, only for a paid order (a repeat does nothing). */
export function markFulfilled(command: MarkFulfilled, state: OrderState): OrderEvent[] {
  const order = requirePlaced(state);
  if (order.fulfilment !== null) return [];
  if (order.status !== 'paid') throw refuse('order_not_paid', 'only a paid order can be fulfilled');
  timeOf('at', command.at);
  const expected = couponCountOf(order.lines);
  if (command.couponIds.length !== expected || new Set(command.couponIds).size !== expected) {
    throw invalid('couponIds', `the order gives ${expected} distinct coupons (got ${command.couponIds.length})`, 'coupon_count_mismatch');
  }
  if (!Number.isInteger(command.invoiceNumber) || command.invoiceNumber < 1) throw invalid('invoiceNumber', 'must be a positive whole number');
  return [
    {
      type: 'OrderFulfilled',
      data: {
        orderId: order.orderId,
        couponIds: [...command.couponIds],
        invoiceId: command.invoiceId,
        invoiceYear: command.invoiceYear,
        invoiceNumber: command.invoiceNumber,
        fulfilledAt: command.at,
      },
    },
  ];
}

export interface RefundCoupons {
  couponIds: string[];
  creditNoteId: string;
  creditNoteYear: number;
  creditNoteNumber: number;
  /** The credit note's total. */
  amountCents: number;
  refundTo: 'prepaid' | 'paid_out';
  at: string;
}

/** Records on the order a refund of some of its coupons (planned with planRefund, credit note issued). */
export function refundCoupons(command: RefundCoupons, state: OrderState): OrderEvent[] {
  const order = requirePlaced(state);
  if (order.refunds.some((r) => r.creditNoteId === command.creditNoteId)) return [];
  if (order.fulfilment === null) throw refuse('order_not_fulfilled', 'only coupons of a fulfilled order can be refunded');
  requireCents('amountCents', command.amountCents);
  timeOf('at', command.at);
  if (command.couponIds.length === 0) throw invalid('couponIds', 'name at least one coupon');
  const refunded = new Set(order.refunds.flatMap((r) => r.couponIds));
  const seen = new Set<string>();
  for (const id of command.couponIds) {
    if (!order.fulfilment.couponIds.includes(id)) throw invalid('couponIds', `coupon ${id} is not of this order`, 'coupon_not_in_order');
    if (refunded.has(id) || seen.has(id)) throw conflict('coupon_already_refunded', `coupon ${id} has already been refunded`);
    seen.add(id);
  }
  return [
    {
      type: 'OrderCouponsRefunded',
      data: {
        orderId: order.orderId,
        couponIds: [...command.couponIds],
        creditNoteId: command.creditNoteId,
        creditNoteYear: command.creditNoteYear,
        creditNoteNumber: command.creditNoteNumber,
        amountCents: command.amountCents,
        refundTo: command.refundTo,
        refundedAt: command.at,
      },
    },
  ];
}
