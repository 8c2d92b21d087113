// Orders: the quote the buyer sees, placing an order (guided or manual; paid from the prepaid
// account or waiting for a direct payment under a unique RF reference), cancelling an unpaid
// order, and expiring unpaid orders past their time.
import { queuePaymentNoticeEmail } from './paymentNoticeEmail';
import type { CommandContext } from '../../../events/eventCatalogue';
import type { DirectPaymentMethod, OrderEvent, OrderPayment } from '../../../domain/orders/events';
import { WrongExpectedRevisionError } from '../../../events/port';
import { DomainError, conflict, notFound } from '../../../domain/shared/errors';
import { deviceAggregate, streamOf as deviceStream } from '../../../domain/devices/decider';
import { policyForIssuer } from '../certificates/policies';
import {
  cancelOrder as decideCancellation,
  expireOrder as decideExpiry,
  orderAggregate,
  placeOrder as decidePlacement,
  quoteOrder as priceOrder,
  streamOf as orderStream,
  type CatalogueProduct,
  type DeviceCertificate,
  type OrderState,
  type PlaceOrder,
  type PlacedOrder,
  type Quote,
} from '../../../domain/orders/decider';
import { claimRfReference, rfClaimStreamOf } from '../../../domain/orders/rfClaim';
import { checkUnusedCoupons } from '../../../domain/orders/unusedCoupons';
import {
  creditAccount,
  debitForOrder,
  prepaidAggregate,
  streamOf as prepaidStream,
} from '../../../domain/prepaid/decider';
import { orderableProduct } from '../../../domain/catalogue/decider';
import { makeRfReference } from '../../../domain/shared/rfReference';
import { getCustomer } from '../customers/service';
import { lastPosition, randomOf, type SalesDeps } from '../deps';
import { appendEvents, handleCommand, loadAggregate } from '../../commands/handle';
import { saleIds } from '../ids';
import { getProduct, listProducts } from '../catalogue/service';

export type OrderPaymentInput = { mode: 'prepaid' } | { mode: 'direct'; method: DirectPaymentMethod };

export type OrderChoiceInput =
  | {
      choice: 'guided';
      /** The holder's codice fiscale, as typed. */
      holderCodiceFiscale: string;
      /** The device ticked in the list of findRenewableDevices. */
      deviceSerial: string;
      /** The desk saw the device's unused coupons (findRenewableDevices) and sells more all the same. */
      confirmUnusedCoupons?: boolean | undefined;
    }
  | {
      choice: 'manual';
      lines: readonly { productCode: string; quantity: number }[];
    };

export type QuoteOrderInput = { customerId: string } & OrderChoiceInput;

export type PlaceOrderInput = QuoteOrderInput & {
  /** Give one to make a retry safe (a repeat returns the order already placed); else a new id. */
  orderId?: string | undefined;
  payment: OrderPaymentInput;
};

export async function getOrder(deps: Pick<SalesDeps, 'store' | 'catalogue'>, orderId: string): Promise<PlacedOrder> {
  const { state } = await loadAggregate(deps, orderStream(orderId), orderAggregate);
  if (state.status === 'none') throw notFound('order', orderId);
  return state;
}

// ---------------------------------------------------------------------------------------------
// Resolving what the order names: customer, products, device
// ---------------------------------------------------------------------------------------------

type UnpaidPlaceOrder = (Omit<Extract<PlaceOrder, { choice: 'guided' }>, 'payment'> | Omit<Extract<PlaceOrder, { choice: 'manual' }>, 'payment'>);

async function resolveOrder(deps: SalesDeps, input: QuoteOrderInput, orderId: string, at: string): Promise<UnpaidPlaceOrder> {
  const customer = await getCustomer(deps, input.customerId);
  const common = { orderId, customerId: customer.customerId, codesEmail: customer.email, at };
  if (input.choice === 'manual') {
    const lines = [];
    for (const [i, line] of (input.lines ?? []).entries()) {
      const code = line.productCode ?? '';
      try {
        lines.push({ product: orderableProduct(await getProduct(deps, code), code), quantity: line.quantity });
      } catch (error) {
        if (error instanceof DomainError) throw new DomainError(error.code, error.message, error.kind, `lines.${i}.productCode`);
        throw error;
      }
    }
    return { ...common, choice: 'manual', lines };
  }
  if (input.choice !== 'guided') throw new DomainError('choice_invalid', `choice: must be 'guided' or 'manual'`, 'invalid', 'choice');
  const { state: device } = await loadAggregate(deps, deviceStream(input.deviceSerial ?? ''), deviceAggregate);
  if (device.status !== 'registered') {
    throw new DomainError('device_not_found', `device ${input.deviceSerial} not found`, 'not_found', 'deviceSerial');
  }
  const certificates: DeviceCertificate[] = Object.values(device.certificates).map((c) => ({
    kind: c.kind,
    validUntil: c.validUntil,
    status: c.status,
  }));
  const products: CatalogueProduct[] = (await listProducts(deps)).map((p) => ({
    code: p.code,
    description: p.description,
    renews: p.renews,
    professionalRole: p.professionalRole,
    priceCents: p.priceCents,
    vatRateBp: p.vatRateBp,
    status: p.status,
  }));
  return {
    ...common,
    choice: 'guided',
    holderCodiceFiscale: input.holderCodiceFiscale,
    device: {
      serial: device.serial,
      holderCodiceFiscale: device.holderCodiceFiscale,
      deviceStatus: device.deviceStatus,
      certificates,
      window: await policyForIssuer(deps, device.issuer),
    },
    products,
  };
}

export interface QuoteResult extends Quote {
  /** The profile e-mail the codes will go to: a wrong one must be fixed before ordering. */
  codesEmail: string;
  prepaidBalanceCents: number;
}

/** What the buyer sees before paying: the lines, VAT per rate, totals, the e-mail for the codes. */
export async function quoteOrder(deps: SalesDeps, input: QuoteOrderInput): Promise<QuoteResult> {
  const resolved = await resolveOrder(deps, input, 'quote', deps.clock().toISOString());
  const dummy: PlaceOrder = { ...resolved, payment: { mode: 'prepaid', prepaidDebitId: 'quote', debitedAmountCents: 0 } } as PlaceOrder;
  const quote = priceOrder(dummy);
  const { state: prepaid } = await loadAggregate(deps, prepaidStream(input.customerId), prepaidAggregate);
  return { ...quote, codesEmail: resolved.codesEmail, prepaidBalanceCents: prepaid.balanceCents };
}

// ---------------------------------------------------------------------------------------------
// Placing
// ---------------------------------------------------------------------------------------------

export interface PlaceOrderResult {
  position: number;
  orderId: string;
  order: PlacedOrder;
  /** Direct payment: the reference to write in the payment reason, and when the order expires. */
  rfReference: string | null;
  expiresAt: string | null;
  /** Prepaid payment: the balance after the debit. */
  prepaidBalanceCents: number | null;
  /** False when the order had already been placed by an earlier attempt with the same orderId. */
  placed: boolean;
}

function resultOf(order: PlacedOrder, position: number, placed: boolean, prepaidBalanceCents: number | null): PlaceOrderResult {
  const direct = order.payment.mode === 'direct' ? order.payment : null;
  return {
    position,
    orderId: order.orderId,
    order,
    rfReference: direct?.rfReference ?? null,
    expiresAt: direct?.expiresAt ?? null,
    prepaidBalanceCents,
    placed,
  };
}

async function existingOrder(deps: SalesDeps, orderId: string): Promise<{ order: PlacedOrder; position: number } | null> {
  const recorded = await deps.store.readStream(orderStream(orderId));
  if (recorded.length === 0) return null;
  let state: OrderState = orderAggregate.initialState();
  for (const r of recorded) state = orderAggregate.evolve(state, deps.catalogue.decode(r) as unknown as OrderEvent);
  return state.status === 'none' ? null : { order: state, position: recorded[recorded.length - 1]!.position };
}

/** `count` random decimal digits (rejection sampling keeps them uniform). */
function randomDigits(deps: SalesDeps, count: number): string {
  const random = randomOf(deps);
  let out = '';
  while (out.length < count) {
    for (const byte of random(count * 2)) {
      if (byte < 250 && out.length < count) out += String(byte % 10);
    }
  }
  return out;
}

const RF_ATTEMPTS = 20;

/** A new RF reference claimed for the order on `rf-<reference>` ('no_stream'): never one of another order. */
async function claimNewRfReference(deps: SalesDeps, orderId: string, at: string, ctx: CommandContext): Promise<{ rfReference: string; position: number }> {
  for (let attempt = 0; attempt < RF_ATTEMPTS; attempt++) {
    const rfReference = makeRfReference(randomDigits(deps, 12));
    const events = claimRfReference({ rfReference, orderId, at }, { status: 'free' });
    try {
      const position = await appendEvents(deps, rfClaimStreamOf(rfReference), events, 'no_stream', ctx);
      return { rfReference, position };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
  throw conflict('rf_reference_unavailable', 'could not find a free RF reference; try again');
}

/**
 * Places an order.
 *  - prepaid: quotes the order, debits the account (refused `balance_insufficient`, 422, with the
 *    balance and the amount), then places it (placed + paid). If placing fails after the debit, the
 *    money is credited back (reason 'correction') before the error is passed on.
 *  - direct: claims a new unique RF reference, then places the order, which expires after the
 *    configured days.
 * With an orderId already placed (a retry), answers that order without writing anything.
 */
export async function placeOrder(deps: SalesDeps, input: PlaceOrderInput, ctx: CommandContext): Promise<PlaceOrderResult> {
  const orderId = input.orderId ?? deps.ids.uuid();
  const already = await existingOrder(deps, orderId);
  if (already) {
    if (already.order.customerId !== input.customerId) throw conflict('order_exists', `order ${orderId} already exists`);
    // A repeat after a crash between placing and queueing its notice queues it now (once).
    const noticed = already.order.payment.mode === 'direct' ? await queuePaymentNoticeEmail(deps, already.order, ctx) : 0;
    return resultOf(already.order, lastPosition(already.position, noticed), false, null);
  }
  const at = deps.clock().toISOString();
  const resolved = await resolveOrder(deps, input, orderId, at);
  if (resolved.choice === 'guided' && input.choice === 'guided') {
    // The device's own refusals first (past the deadline: a replacement card, not coupons).
    priceOrder({ ...resolved, payment: { mode: 'prepaid', prepaidDebitId: 'check', debitedAmountCents: 0 } } as PlaceOrder);
    const serial = resolved.device.serial;
    const unused = deps.unusedCoupons?.([serial], at).get(serial) ?? [];
    checkUnusedCoupons(serial, resolved.device.certificates.map((c) => c.kind), unused, input.confirmUnusedCoupons === true);
  }
  const payment = input.payment ?? { mode: undefined };

  if (payment.mode === 'prepaid') {
    const prepaidDebitId = saleIds.prepaidDebit(orderId);
    const quote = priceOrder({ ...resolved, payment: { mode: 'prepaid', prepaidDebitId, debitedAmountCents: 0 } } as PlaceOrder);
    const total = quote.totals.totalCents;
    const command = { ...resolved, payment: { mode: 'prepaid', prepaidDebitId, debitedAmountCents: total } } as PlaceOrder;
    // Validates everything the order decides before any money moves.
    decidePlacement(command, orderAggregate.initialState());
    const debit = await debitOnce(deps, input.customerId, orderId, total, ctx);
    try {
      const placed = await handleCommand(deps, orderStream(orderId), orderAggregate, (state) => decidePlacement(command, state), ctx);
      const order = placed.state as PlacedOrder; // folded by handleCommand already
      return resultOf(order, lastPosition(debit.position, placed.position), true, debit.balanceCents);
    } catch (error) {
      const now = await existingOrder(deps, orderId);
      if (now && now.order.payment.mode === 'prepaid' && now.order.payment.prepaidDebitId === prepaidDebitId) {
        // The same order was placed by a concurrent attempt with this debit.
        return resultOf(now.order, now.position, false, null);
      }
      await handleCommand(deps, prepaidStream(input.customerId), prepaidAggregate, (state) =>
        creditAccount(
          {
            customerId: input.customerId,
            creditId: saleIds.debitReversal(orderId),
            reason: 'correction',
            orderId,
            amountCents: total,
            note: `order ${orderId} could not be placed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500),
            at: deps.clock().toISOString(),
          },
          state,
        ),
      ctx);
      throw error;
    }
  }

  if (payment.mode !== 'direct') {
    throw new DomainError('payment_mode_invalid', `payment.mode: must be 'prepaid' or 'direct'`, 'invalid', 'payment.mode');
  }
  const expiresAfterDays = deps.settings.unpaidOrderExpiryDays;
  // Validates everything (with a placeholder reference) before a reference is claimed.
  decidePlacement(
    { ...resolved, payment: { mode: 'direct', method: payment.method, rfReference: makeRfReference('0'), expiresAfterDays } } as PlaceOrder,
    orderAggregate.initialState(),
  );
  const claim = await claimNewRfReference(deps, orderId, at, ctx);
  const command = { ...resolved, payment: { mode: 'direct', method: payment.method, rfReference: claim.rfReference, expiresAfterDays } } as PlaceOrder;
  const placed = await handleCommand(deps, orderStream(orderId), orderAggregate, (state) => decidePlacement(command, state), ctx);
  const order = placed.state as PlacedOrder; // folded by handleCommand already
  // The summary promises the customer the payment data by e-mail: the notice, with its QR code.
  const noticed = await queuePaymentNoticeEmail(deps, order, ctx);
  return resultOf(order, lastPosition(claim.position, placed.position, noticed), true, null);
}

/**
 * Debits the order's total once. An earlier attempt with the same orderId may have debited already
 * (then nothing more is debited), or been reversed (then the id cannot be used again).
 */
async function debitOnce(
  deps: SalesDeps,
  customerId: string,
  orderId: string,
  amountCents: number,
  ctx: CommandContext,
): Promise<{ position: number; balanceCents: number }> {
  const { state: account } = await loadAggregate(deps, prepaidStream(customerId), prepaidAggregate);
  const reversalId = saleIds.debitReversal(orderId);
  if (account.creditIds.has(reversalId)) {
    throw conflict('order_attempt_reversed', `order ${orderId} could not be placed and its debit was credited back: place a new order`);
  }
  const earlier = account.debitedOrders.get(orderId);
  if (earlier !== undefined && earlier !== amountCents) {
    await handleCommand(deps, prepaidStream(customerId), prepaidAggregate, (state) =>
      creditAccount(
        {
          customerId,
          creditId: reversalId,
          reason: 'correction',
          orderId,
          amountCents: earlier,
          note: `order ${orderId}: the total changed before it was placed`,
          at: deps.clock().toISOString(),
        },
        state,
      ),
    ctx);
    throw conflict('order_total_changed', `the total of order ${orderId} changed since it was first tried; its debit was credited back: place a new order`);
  }
  let balanceCents = 0;
  const result = await handleCommand(deps, prepaidStream(customerId), prepaidAggregate, (state) => {
    const events = debitForOrder({ customerId, orderId, amountCents, at: deps.clock().toISOString() }, state);
    balanceCents = events.reduce(prepaidAggregate.evolve, state).balanceCents;
    return events;
  }, ctx);
  return { position: result.position, balanceCents };
}

// ---------------------------------------------------------------------------------------------
// Cancelling and expiring
// ---------------------------------------------------------------------------------------------

export interface CancelOrderResult {
  position: number;
  orderId: string;
  /** Partial payments already received: credited to the prepaid account by the payment reactor. */
  amountToCreditCents: number;
}

/** Cancels an order still waiting for payment (a paid order is refunded instead: refundCoupons). */
export async function cancelOrder(deps: SalesDeps, input: { orderId: string; reason: string }, ctx: CommandContext): Promise<CancelOrderResult> {
  let amountToCreditCents = 0;
  const result = await handleCommand(deps, orderStream(input.orderId), orderAggregate, (state) => {
    if (state.status === 'none') throw notFound('order', input.orderId);
    const events = decideCancellation({ reason: input.reason ?? '', at: deps.clock().toISOString() }, state);
    const cancelled = events.find((e) => e.type === 'OrderCancelled');
    amountToCreditCents = cancelled?.type === 'OrderCancelled' ? cancelled.data.amountToCreditCents : 0;
    return events;
  }, ctx);
  return { position: result.position, orderId: input.orderId, amountToCreditCents };
}

export interface ExpireOrdersResult {
  position: number;
  expired: { orderId: string; amountToCreditCents: number }[];
}

/** Unpaid direct orders, from the log (for a caller that does not follow it). */
async function openDirectOrders(deps: SalesDeps): Promise<string[]> {
  const open = new Set<string>();
  for await (const r of deps.store.readAll()) {
    if (!r.stream.startsWith('order-')) continue;
    const data = r.data as { orderId: string; payment?: OrderPayment };
    if (r.type === 'OrderPlaced' && data.payment?.mode === 'direct') open.add(data.orderId);
    else if (r.type === 'OrderPaid' || r.type === 'OrderCancelled' || r.type === 'OrderExpired') open.delete(data.orderId);
  }
  return [...open];
}

/**
 * Expires every unpaid direct order past its expiresAt: those named, or all of them (read from
 * the log) when none are named. An order paid or cancelled meanwhile is left alone.
 */
export async function expireOrders(deps: SalesDeps, input: { orderIds?: string[] | undefined }, ctx: CommandContext): Promise<ExpireOrdersResult> {
  const candidates = input.orderIds ?? (await openDirectOrders(deps));
  const result: ExpireOrdersResult = { position: 0, expired: [] };
  for (const orderId of candidates) {
    const { state } = await loadAggregate(deps, orderStream(orderId), orderAggregate);
    const now = deps.clock();
    if (state.status !== 'awaiting_payment' || state.payment.mode !== 'direct') continue;
    if (now.getTime() < Date.parse(state.payment.expiresAt)) continue;
    try {
      const done = await handleCommand(deps, orderStream(orderId), orderAggregate, (s) => decideExpiry({ at: now.toISOString() }, s), ctx);
      const expired = done.events.find((e) => e.type === 'OrderExpired');
      if (expired?.type === 'OrderExpired') {
        result.expired.push({ orderId, amountToCreditCents: expired.data.amountToCreditCents });
        result.position = Math.max(result.position, done.position);
      }
    } catch (error) {
      // Paid (or otherwise changed) between the read and the decision: nothing to expire.
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// An order for a fee (not a catalogue product): the pay-after renewal's
// ---------------------------------------------------------------------------------------------

export interface PlaceFeeOrderInput {
  /** Derived from what the fee is for, so that placing it again lands on the same order. */
  orderId: string;
  customerId: string;
  /** The fee as one line: a product that is no coupon (renews 'none'), at the fee's price and VAT rate. */
  fee: { code: string; description: string; priceCents: number; vatRateBp: number };
  method: DirectPaymentMethod;
  /** An order for something already done does not lapse like a quote: give it a long time. */
  expiresAfterDays: number;
}

/**
 * Places a direct order for a fee under a new RF reference (paid later by transfer; invoiced by
 * the fulfilment when paid, like any order). An order already placed under that id is answered as
 * it is.
 */
export async function placeFeeOrder(deps: SalesDeps, input: PlaceFeeOrderInput, ctx: CommandContext): Promise<PlaceOrderResult> {
  const already = await existingOrder(deps, input.orderId);
  if (already) {
    if (already.order.customerId !== input.customerId) throw conflict('order_exists', `order ${input.orderId} already exists`);
    return resultOf(already.order, already.position, false, null);
  }
  const customer = await getCustomer(deps, input.customerId);
  const at = deps.clock().toISOString();
  const product: CatalogueProduct = { ...input.fee, renews: 'none', professionalRole: null, status: 'available' };
  const common = { orderId: input.orderId, customerId: customer.customerId, codesEmail: customer.email, at, choice: 'manual' as const, lines: [{ product, quantity: 1 }] };
  const direct = (rfReference: string): PlaceOrder => ({ ...common, payment: { mode: 'direct', method: input.method, rfReference, expiresAfterDays: input.expiresAfterDays } });
  decidePlacement(direct(makeRfReference('0')), orderAggregate.initialState());
  const claim = await claimNewRfReference(deps, input.orderId, at, ctx);
  try {
    const placed = await handleCommand(deps, orderStream(input.orderId), orderAggregate, (state) => decidePlacement(direct(claim.rfReference), state), ctx);
    const order = placed.state as PlacedOrder; // folded by handleCommand already
    return resultOf(order, lastPosition(claim.position, placed.position), true, null);
  } catch (error) {
    // Placed meanwhile by another attempt (with its own reference): that order stands.
    const now = await existingOrder(deps, input.orderId);
    if (now && error instanceof DomainError && error.code === 'order_exists') return resultOf(now.order, now.position, false, null);
    throw error;
  }
}
