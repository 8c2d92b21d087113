// A small but complete business for the read-model tests, appended as real events: the deciders
// where they are pure and cheap to call (products, customers, devices, prepaid, orders, payments),
// the catalogue's encoding (schema-checked) for the rest of the story (fulfilment, invoices, credit
// notes, coupons, e-mails). `seedBusiness(store, i)` can run many times: the i-th copy uses ids,
// serials, RF references and document numbers of its own.
//
// The story of one copy (times from 2026-03-10; the test apps' clock says 2026-11-24T09:00Z):
//   Mario Rossi (person): tops up his prepaid account, orders RIN-ENTRAMBI paid from it (O1) →
//     fulfilled, invoice 1, one coupon redeemed on his card; a resend of the codes gives up.
//     He also orders RIN-CNS by card (O5), never paid: expired.
//   Laura Bianchi (Registration Officer): changes her e-mail; orders 3 RIN-FIRMA + 2 RIN-CNS by bank
//     transfer (O2) and pays part of it: awaiting payment, amount due.
//   Studio Verdi S.r.l. (firm): orders 2 RIN-FIRMA-COMM by postal slip (O3), pays in full → fulfilled,
//     invoice 2, two coupons, the e-mail fails once then goes; one coupon refunded → credit note 1,
//     the order partially refunded, the refund credited to its prepaid account.
//   Giuseppe Verdi (person): orders a timestamp pack by cheque (O4), cancelled by a supervisor.
//   A payment without any RF reference stays unmatched.
//   Devices: Mario's card expires in 10 days, Laura's token expired 12 hours ago (still renewable),
//   Giuseppe's card 5 days ago (past the deadline), the firm's token in 2028.
import { randomBytes } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import type { Actor, CommandContext } from '../../../events/eventCatalogue';
import { SYSTEM_ACTOR } from '../../../events/eventCatalogue';
import { catalogue, type DomainEvent } from '../../../events/index';
import type { Buyer, Seller } from '../../../domain/invoicing/events';
import type { DocumentLine } from '../../../domain/orders/events';
import type { EventStore } from '../../../events/port';
import { registerCustomer, initialState as customerInitial, type RegisterFirm, type RegisterPerson } from '../../../domain/customers/decider';
import { registerDevice, initialState as deviceInitial, type CertificateInput } from '../../../domain/devices/decider';
import {
  initialState as orderInitial,
  evolve as evolveOrder,
  placeOrder,
  priceLines,
  receivePayment,
  type CatalogueProduct,
  type OrderState,
} from '../../../domain/orders/decider';
import { recordPayment, initialState as paymentInitial } from '../../../domain/payments/decider';
import { debitForOrder, evolve as evolvePrepaid, initialState as prepaidInitial, topUp } from '../../../domain/prepaid/decider';
import { addProduct, initialState as productInitial } from '../../../domain/catalogue/decider';
import { generateCouponCode, normaliseCouponCode } from '../../../domain/shared/couponCode';
import { formatRf, makeRfReference } from '../../../domain/shared/rfReference';
import { startTestApp, TEST_NOW, type TestApp } from '../../support/app';

/**
 * The test app of test/support/app.ts (real SQLite store and read models in a temp directory, a
 * clock the test moves), with the sales reactors off: the story below writes the fulfilment events
 * itself, and a fulfilment reactor would fulfil the same orders a second time.
 */
export function startReadApp(): Promise<TestApp> {
  return startTestApp({ prefix: 'bo-read-', sales: { reactors: false } });
}

export const MARIO_CF = 'RSSMRA80A01H501U';
export const LAURA_CF = 'BNCLRA85T45F205L';
export const GIUSEPPE_CF = 'VRDGPP70C10L219Q';
export const FIRM_PIVA = '01234560017';

export const OPERATOR: Actor = { userId: 'op-1', role: 'operator' };
export const ACCOUNTANT: Actor = { userId: 'acc-1', role: 'accountant' };
export const SUPERVISOR: Actor = { userId: 'sup-1', role: 'supervisor' };

const START = Date.parse('2026-03-10T09:00:00.000Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** The test apps' clock (test/support/app.ts). */
export const NOW = Date.parse(TEST_NOW);

const SELLER: Seller = {
  name: 'Firme Digitali S.r.l.',
  partitaIva: '09876543210',
  codiceFiscale: null,
  address: { street: 'Via Roma 1', postalCode: '20121', city: 'Milano', province: 'MI', country: 'IT' },
};

export interface SeededCatalogue {
  products: Record<'signing' | 'authentication' | 'both' | 'signingRole' | 'timestamps', CatalogueProduct>;
  head: number;
}

/** Appends events to a stream with their metadata; returns the global position of the last one. */
export async function append(store: EventStore, stream: string, events: DomainEvent[], actor: Actor, at: string | number, causationId: string | null = null) {
  const context: CommandContext = {
    actor,
    at: new Date(at).toISOString(),
    correlationId: randomUUID(),
    causationId,
  };
  const { position } = await store.append(
    stream,
    events.map((e) => catalogue.encode(e, context)),
    { expectedRevision: 'any' },
  );
  return position;
}

/** The catalogue of the guides: signing, authentication, both (whose price changes), a professional variant, timestamps (withdrawn). */
export async function seedCatalogue(store: EventStore): Promise<SeededCatalogue> {
  const add = async (command: Omit<Parameters<typeof addProduct>[0], 'at'>) => {
    const events = addProduct({ ...command, at: new Date(START - 30 * DAY).toISOString() }, productInitial());
    await append(store, `product-${command.code}`, events, SUPERVISOR, START - 30 * DAY);
    const d = events[0]!.data;
    return { code: d.code, description: d.description, renews: d.renews, professionalRole: d.professionalRole, priceCents: d.priceCents, vatRateBp: d.vatRateBp };
  };
  const signing = await add({ code: 'RIN-FIRMA', description: 'Rinnovo Sottoscrizione', kind: 'coupon', renews: 'signing', priceCents: 1100 });
  const authentication = await add({ code: 'RIN-CNS', description: 'Rinnovo Autenticazione CNS', kind: 'coupon', renews: 'authentication', priceCents: 1100 });
  const both = await add({ code: 'RIN-ENTRAMBI', description: 'Rinnovo Sottoscrizione e Autenticazione', kind: 'coupon', renews: 'both', priceCents: 2600 });
  const signingRole = await add({
    code: 'RIN-FIRMA-COMM',
    description: 'Sottoscrizione con Ruolo Commercialisti',
    kind: 'coupon',
    renews: 'signing',
    professionalRole: 'Commercialisti',
    priceCents: 1100,
  });
  const timestamps = await add({ code: 'MT-100', description: 'Marche temporali (100)', kind: 'timestamps', renews: 'none', timestampPackSize: 100, priceCents: 1500 });
  await append(store, 'product-RIN-ENTRAMBI', [
    { type: 'ProductPriceChanged', data: { code: 'RIN-ENTRAMBI', oldPriceCents: 2600, newPriceCents: 3000, effectiveAt: new Date(START - 20 * DAY).toISOString() } },
  ], SUPERVISOR, START - 20 * DAY);
  const head = await append(store, 'product-MT-100', [
    { type: 'ProductWithdrawn', data: { code: 'MT-100', reason: 'fuori listino', withdrawnAt: new Date(START + 200 * DAY).toISOString() } },
  ], SUPERVISOR, START + 200 * DAY);
  return { products: { signing, authentication, both: { ...both, priceCents: 3000 }, signingRole, timestamps }, head };
}

export interface SeededBusiness {
  customers: { mario: string; laura: string; firm: string; giuseppe: string };
  orders: { o1: string; o2: string; o3: string; o4: string; o5: string };
  rf: { o2: string; o3: string; o4: string; o5: string };
  payments: { partial: string; full: string; unmatched: string };
  invoices: { o1: { id: string; number: number }; o3: { id: string; number: number } };
  creditNote: { id: string; number: number };
  coupons: { o1: { id: string; code: string }; o3a: { id: string; code: string }; o3b: { id: string; code: string } };
  devices: { mario: string; laura: string; giuseppe: string; firm: string };
  emails: { o1: string; o3: string; resend: string };
  /** Balances after the story, cents. */
  balances: { mario: number; firm: number };
  head: number;
}

const address = (city: string) => ({ street: 'Via Garibaldi 10', postalCode: '20121', city, province: 'MI', country: 'IT' });
const buyerOf = (name: string, cf: string | null, piva: string | null, city: string): Buyer => ({
  name,
  codiceFiscale: cf,
  partitaIva: piva,
  address: address(city),
});

/** The i-th copy of the story; `catalogue` from seedCatalogue. */
export async function seedBusiness(store: EventStore, i: number, seeded: SeededCatalogue): Promise<SeededBusiness> {
  const { products } = seeded;
  const t0 = START + i * 60_000;
  const at = (days: number, hours = 0) => t0 + days * DAY + hours * HOUR;
  const iso = (ms: number) => new Date(ms).toISOString();
  const id = (name: string) => `${name}-${i}`;
  const system = SYSTEM_ACTOR;

  // --- customers -------------------------------------------------------------------------------
  const customers = { mario: id('cus-mario'), laura: id('cus-laura'), firm: id('cus-firm'), giuseppe: id('cus-giuseppe') };
  const register = async (command: Omit<RegisterPerson, 'at'> | Omit<RegisterFirm, 'at'>, when: number) => {
    const events = registerCustomer({ ...command, at: new Date(when).toISOString() } as RegisterPerson | RegisterFirm, customerInitial());
    await append(store, `customer-${command.customerId}`, events, OPERATOR, when);
  };
  await register({ customerId: customers.mario, kind: 'person', name: 'Mario', surname: 'Rossi', codiceFiscale: MARIO_CF, email: `mario.rossi${i}@example.it`, billingAddress: address('Milano') }, at(0));
  await register(
    { customerId: customers.laura, kind: 'person', name: 'Laura', surname: 'Bianchi', codiceFiscale: LAURA_CF, registrationOfficer: true, email: `laura${i}@example.it`, billingAddress: address('Torino') },
    at(0, 1),
  );
  await register({ customerId: customers.firm, kind: 'firm', name: 'Studio Verdi S.r.l.', partitaIva: FIRM_PIVA, email: `amministrazione${i}@studioverdi.it`, billingAddress: address('Bergamo') }, at(0, 2));
  await register({ customerId: customers.giuseppe, kind: 'person', name: 'Giuseppe', surname: 'Verdi', codiceFiscale: GIUSEPPE_CF, email: `giuseppe${i}@example.it`, billingAddress: address('Roma') }, at(0, 3));
  await append(store, `customer-${customers.laura}`, [
    { type: 'CustomerEmailChanged', data: { customerId: customers.laura, oldEmail: `laura${i}@example.it`, newEmail: `laura.bianchi${i}@studio.it`, changedAt: iso(at(1)) } },
  ], OPERATOR, at(1));

  // --- devices ---------------------------------------------------------------------------------
  const serial = (k: number) => String(1205100000 + i * 10 + k);
  const devices = { mario: serial(0), laura: serial(1), giuseppe: serial(2), firm: serial(3) };
  const device = async (serialNumber: string, holder: string, kind: 'smart_card' | 'usb_token', signingUntil: number, authUntil: number | null) => {
    const certificates: CertificateInput[] = [{ kind: 'signing', serialNumber: `S${serialNumber}`, validFrom: iso(signingUntil - 3 * 365 * DAY), validUntil: iso(signingUntil) }];
    if (authUntil !== null) certificates.push({ kind: 'authentication', serialNumber: `A${serialNumber}`, validFrom: iso(authUntil - 3 * 365 * DAY), validUntil: iso(authUntil) });
    const events = registerDevice({ serial: serialNumber, kind, issuer: 'CCIAA Milano', issuedOn: '2023-12-01', holderCodiceFiscale: holder, certificates, at: new Date(at(0, 4)).toISOString() }, deviceInitial());
    await append(store, `device-${serialNumber}`, events, OPERATOR, at(0, 4));
    await append(store, `holder-devices-${holder}`, [{ type: 'HolderDeviceListed', data: { codiceFiscale: holder, serial: serialNumber, listedAt: iso(at(0, 4)) } }], OPERATOR, at(0, 4));
  };
  await device(devices.mario, MARIO_CF, 'smart_card', NOW + 10 * DAY, NOW + 40 * DAY);
  await device(devices.laura, LAURA_CF, 'usb_token', NOW - 12 * HOUR, null);
  await device(devices.giuseppe, GIUSEPPE_CF, 'smart_card', NOW - 5 * DAY, NOW + 100 * DAY);
  await device(devices.firm, MARIO_CF, 'usb_token', Date.parse('2028-06-30T12:00:00.000Z'), Date.parse('2028-06-30T12:00:00.000Z'));

  // --- Mario's prepaid account and O1 ----------------------------------------------------------
  let prepaid = prepaidInitial();
  const topUpEvents = topUp({ customerId: customers.mario, topUpId: id('topup'), amountReceivedCents: 10_180, method: 'bank_transfer', reference: `CRO${i}77`, receivedOn: iso(at(2)).slice(0, 10), at: new Date(at(2)).toISOString() }, prepaid);
  for (const e of topUpEvents) prepaid = evolvePrepaid(prepaid, e);
  await append(store, `prepaid-${customers.mario}`, topUpEvents, ACCOUNTANT, at(2));

  const orders = { o1: id('ord-1'), o2: id('ord-2'), o3: id('ord-3'), o4: id('ord-4'), o5: id('ord-5') };
  const orderStates: Record<string, OrderState> = {};
  const place = async (orderId: string, customerId: string, email: string, lines: { product: CatalogueProduct; quantity: number }[], payment: Parameters<typeof placeOrder>[0]['payment'], when: number) => {
    const events = placeOrder({ choice: 'manual', orderId, customerId, codesEmail: email, payment, at: iso(when), lines }, orderInitial());
    orderStates[orderId] = events.reduce(evolveOrder, orderInitial());
    await append(store, `order-${orderId}`, events, OPERATOR, when);
    return events;
  };
  const o1Lines = [{ product: products.both, quantity: 1 }];
  const o1Total = priceLines(o1Lines).totals.totalCents;
  const debit = debitForOrder({ customerId: customers.mario, orderId: orders.o1, amountCents: o1Total, at: new Date(at(3)).toISOString() }, prepaid);
  for (const e of debit) prepaid = evolvePrepaid(prepaid, e);
  await append(store, `prepaid-${customers.mario}`, debit, OPERATOR, at(3));
  await place(orders.o1, customers.mario, `mario.rossi${i}@example.it`, o1Lines, { mode: 'prepaid', prepaidDebitId: id('debit'), debitedAmountCents: o1Total }, at(3));

  // --- fulfilment helper -------------------------------------------------------------------------
  const fulfil = async (orderId: string, customerId: string, buyer: Buyer, invoiceNumber: number, when: number) => {
    const order = orderStates[orderId]!;
    if (order.status === 'none') throw new Error('no order');
    const invoiceId = randomUUID();
    const causation = randomUUID();
    await append(store, 'invoice-numbers-2026', [
      { type: 'InvoiceNumberAssigned', data: { year: 2026, number: invoiceNumber, invoiceId, orderId, assignedAt: iso(when) } },
    ], system, when, causation);
    await append(store, `invoice-${invoiceId}`, [
      {
        type: 'InvoiceIssued',
        data: {
          invoiceId,
          year: 2026,
          number: invoiceNumber,
          issuedOn: iso(when).slice(0, 10),
          orderId,
          customerId,
          seller: SELLER,
          buyer,
          lines: order.lines,
          vatSummary: order.vatSummary,
          totals: order.totals,
          issuedAt: iso(when),
        },
      },
    ], system, when, causation);
    const coupons: { id: string; code: string }[] = [];
    for (const line of order.lines) {
      if (line.renews === 'none') continue;
      for (let q = 0; q < line.quantity; q++) {
        const couponId = randomUUID();
        const code = generateCouponCode(randomBytes);
        await append(store, `coupon-code-${normaliseCouponCode(code)}`, [
          { type: 'CouponCodeClaimed', data: { code: normaliseCouponCode(code), couponId, claimedAt: iso(when) } },
        ], system, when, causation);
        await append(store, `coupon-${couponId}`, [
          {
            type: 'CouponIssued',
            data: { couponId, code, orderId, customerId, productCode: line.productCode, renews: line.renews, issuedAt: iso(when), validUntil: iso(when + 365 * DAY) },
          },
        ], system, when, causation);
        coupons.push({ id: couponId, code });
      }
    }
    await append(store, `order-${orderId}`, [
      { type: 'OrderFulfilled', data: { orderId, couponIds: coupons.map((c) => c.id), invoiceId, invoiceYear: 2026, invoiceNumber, fulfilledAt: iso(when) } },
    ], system, when, causation);
    const emailId = randomUUID();
    await append(store, `email-${emailId}`, [
      { type: 'EmailQueued', data: { emailId, purpose: 'coupon_codes', customerId, orderId, couponIds: coupons.map((c) => c.id), reason: 'fulfilment', queuedAt: iso(when) } },
    ], system, when, causation);
    return { invoiceId, coupons, emailId };
  };

  const o1 = await fulfil(orders.o1, customers.mario, buyerOf('Mario Rossi', MARIO_CF, null, 'Milano'), i * 2 + 1, at(3, 1));
  await append(store, `email-${o1.emailId}`, [
    { type: 'EmailSent', data: { emailId: o1.emailId, to: `mario.rossi${i}@example.it`, messageId: `<m1-${i}@test>`, attempt: 1, sentAt: iso(at(3, 2)) } },
  ], system, at(3, 2));
  await append(store, `coupon-${o1.coupons[0]!.id}`, [
    { type: 'CouponRedeemed', data: { couponId: o1.coupons[0]!.id, deviceSerial: devices.mario, certificateKind: 'both', redeemedAt: iso(at(10)) } },
  ], OPERATOR, at(10));
  const resend = randomUUID();
  await append(store, `email-${resend}`, [
    { type: 'EmailQueued', data: { emailId: resend, purpose: 'coupon_codes', customerId: customers.mario, orderId: orders.o1, couponIds: [o1.coupons[0]!.id], reason: 'resend', queuedAt: iso(at(11)) } },
  ], OPERATOR, at(11));
  await append(store, `email-${resend}`, [
    { type: 'EmailAttemptFailed', data: { emailId: resend, attempt: 1, error: '421 try later', failedAt: iso(at(11)), retryAt: iso(at(11, 1)) } },
  ], system, at(11));
  await append(store, `email-${resend}`, [
    { type: 'EmailGaveUp', data: { emailId: resend, attempts: 5, error: '550 mailbox unavailable', gaveUpAt: iso(at(12)) } },
  ], system, at(12));

  // --- O2: Laura, bank transfer, paid in part ----------------------------------------------------
  const rf = { o2: makeRfReference(`ORD${i}X2`), o3: makeRfReference(`ORD${i}X3`), o4: makeRfReference(`ORD${i}X4`), o5: makeRfReference(`ORD${i}X5`) };
  const claim = (ref: string, orderId: string, when: number) =>
    append(store, `rf-${ref}`, [{ type: 'RfReferenceClaimed', data: { rfReference: ref, orderId, claimedAt: iso(when) } }], OPERATOR, when);
  await claim(rf.o2, orders.o2, at(4));
  await place(orders.o2, customers.laura, `laura.bianchi${i}@studio.it`, [{ product: products.signing, quantity: 3 }, { product: products.authentication, quantity: 2 }],
    { mode: 'direct', method: 'bank_transfer', rfReference: rf.o2, expiresAfterDays: 400 }, at(4));
  const payments = { partial: id('pay-partial'), full: id('pay-full'), unmatched: id('pay-unmatched') };
  const pay = async (paymentId: string, orderId: string | null, ref: string | null, amount: number, method: 'bank_transfer' | 'postal_slip', payer: string, when: number) => {
    const events = recordPayment(
      {
        paymentId,
        method,
        amountCents: amount,
        receivedOn: iso(when).slice(0, 10),
        payer,
        reason: ref ? `Saldo ordine ${formatRf(ref)}` : 'bonifico senza riferimento',
        bankReference: `TRN${paymentId.replace(/-/g, '').slice(0, 32)}`,
        recordedBy: ACCOUNTANT.userId,
        ordersByReference: ref && orderId ? { [ref]: orderId } : {},
        at: iso(when),
      },
      paymentInitial(),
    );
    await append(store, `payment-${paymentId}`, events, ACCOUNTANT, when);
    if (orderId) {
      const received = receivePayment({ paymentId, method, amountCents: amount, at: iso(when) }, orderStates[orderId]!);
      orderStates[orderId] = received.reduce(evolveOrder, orderStates[orderId]!);
      await append(store, `order-${orderId}`, received, ACCOUNTANT, when);
    }
  };
  await pay(payments.partial, orders.o2, rf.o2, 3000, 'bank_transfer', 'Laura Bianchi', at(6));

  // --- O3: the firm, postal slip, fulfilled, one coupon refunded ---------------------------------
  await claim(rf.o3, orders.o3, at(5));
  await place(orders.o3, customers.firm, `amministrazione${i}@studioverdi.it`, [{ product: products.signingRole, quantity: 2 }],
    { mode: 'direct', method: 'postal_slip', rfReference: rf.o3, expiresAfterDays: 30 }, at(5));
  const o3Order = orderStates[orders.o3]!;
  if (o3Order.status === 'none') throw new Error('no order');
  await pay(payments.full, orders.o3, rf.o3, o3Order.totals.totalCents, 'postal_slip', 'STUDIO VERDI SRL', at(7));
  const firmBuyer = buyerOf('Studio Verdi S.r.l.', null, FIRM_PIVA, 'Bergamo');
  const o3 = await fulfil(orders.o3, customers.firm, firmBuyer, i * 2 + 2, at(7, 1));
  await append(store, `email-${o3.emailId}`, [
    { type: 'EmailAttemptFailed', data: { emailId: o3.emailId, attempt: 1, error: '451 greylisted', failedAt: iso(at(7, 1)), retryAt: iso(at(7, 2)) } },
  ], system, at(7, 1));
  await append(store, `email-${o3.emailId}`, [
    { type: 'EmailSent', data: { emailId: o3.emailId, to: `amministrazione${i}@studioverdi.it`, messageId: `<m3-${i}@test>`, attempt: 2, sentAt: iso(at(7, 2)) } },
  ], system, at(7, 2));
  // The refund of the second coupon (a supervisor's decision).
  const refunded = o3.coupons[1]!;
  const line = o3Order.lines[0]!;
  const creditLine: DocumentLine = { ...line, quantity: 1, taxableCents: line.unitPriceCents, vatCents: line.vatCents / 2, totalCents: line.unitPriceCents + line.vatCents / 2 };
  const creditNoteId = randomUUID();
  const creditNumber = i + 1;
  const refundAt = at(20);
  const causation = randomUUID();
  await append(store, `coupon-${refunded.id}`, [{ type: 'CouponCancelled', data: { couponId: refunded.id, reason: 'rimborso', cancelledAt: iso(refundAt) } }], SUPERVISOR, refundAt, causation);
  await append(store, 'credit-note-numbers-2026', [
    { type: 'CreditNoteNumberAssigned', data: { year: 2026, number: creditNumber, creditNoteId, invoiceId: o3.invoiceId, assignedAt: iso(refundAt) } },
  ], SUPERVISOR, refundAt, causation);
  await append(store, `credit-note-${creditNoteId}`, [
    {
      type: 'CreditNoteIssued',
      data: {
        creditNoteId,
        year: 2026,
        number: creditNumber,
        issuedOn: iso(refundAt).slice(0, 10),
        invoiceId: o3.invoiceId,
        invoiceYear: 2026,
        invoiceNumber: i * 2 + 2,
        orderId: orders.o3,
        couponIds: [refunded.id],
        seller: SELLER,
        buyer: firmBuyer,
        lines: [creditLine],
        vatSummary: [{ rateBp: line.vatRateBp, taxableCents: creditLine.taxableCents, vatCents: creditLine.vatCents, totalCents: creditLine.totalCents }],
        totals: { taxableCents: creditLine.taxableCents, vatCents: creditLine.vatCents, totalCents: creditLine.totalCents },
        refundTo: 'prepaid',
        issuedAt: iso(refundAt),
      },
    },
  ], SUPERVISOR, refundAt, causation);
  await append(store, `order-${orders.o3}`, [
    {
      type: 'OrderCouponsRefunded',
      data: { orderId: orders.o3, couponIds: [refunded.id], creditNoteId, creditNoteYear: 2026, creditNoteNumber: creditNumber, amountCents: creditLine.totalCents, refundTo: 'prepaid', refundedAt: iso(refundAt) },
    },
  ], SUPERVISOR, refundAt, causation);
  await append(store, `prepaid-${customers.firm}`, [
    {
      type: 'PrepaidCredited',
      data: { customerId: customers.firm, creditId: creditNoteId, reason: 'refund', orderId: orders.o3, amountCents: creditLine.totalCents, note: null, balanceAfterCents: creditLine.totalCents, creditedAt: iso(refundAt) },
    },
  ], SUPERVISOR, refundAt, causation);

  // --- O4 cancelled, O5 expired, an unmatched payment ----------------------------------------------
  await claim(rf.o4, orders.o4, at(8));
  await place(orders.o4, customers.giuseppe, `giuseppe${i}@example.it`, [{ product: products.timestamps, quantity: 1 }],
    { mode: 'direct', method: 'cheque', rfReference: rf.o4, expiresAfterDays: 30 }, at(8));
  await append(store, `order-${orders.o4}`, [
    { type: 'OrderCancelled', data: { orderId: orders.o4, reason: 'richiesta del cliente', amountToCreditCents: 0, cancelledAt: iso(at(9)) } },
  ], SUPERVISOR, at(9));
  await claim(rf.o5, orders.o5, at(8, 1));
  await place(orders.o5, customers.mario, `mario.rossi${i}@example.it`, [{ product: products.authentication, quantity: 1 }],
    { mode: 'direct', method: 'credit_card', rfReference: rf.o5, expiresAfterDays: 7 }, at(8, 1));
  await append(store, `order-${orders.o5}`, [{ type: 'OrderExpired', data: { orderId: orders.o5, amountToCreditCents: 0, expiredAt: iso(at(15, 1)) } }], system, at(15, 1));
  const head = await pay(payments.unmatched, null, null, 4200, 'bank_transfer', 'Ignoto Pagatore', at(16)).then(() => store.headPosition());

  return {
    customers,
    orders,
    rf,
    payments,
    invoices: { o1: { id: o1.invoiceId, number: i * 2 + 1 }, o3: { id: o3.invoiceId, number: i * 2 + 2 } },
    creditNote: { id: creditNoteId, number: creditNumber },
    coupons: { o1: o1.coupons[0]!, o3a: o3.coupons[0]!, o3b: o3.coupons[1]! },
    devices,
    emails: { o1: o1.emailId, o3: o3.emailId, resend },
    balances: { mario: prepaid.balanceCents, firm: creditLine.totalCents },
    head,
  };
}

/** Seeds the catalogue and `copies` copies of the story; resolves with the first copy and the head. */
export async function seedAll(store: EventStore, copies = 1): Promise<{ first: SeededBusiness; all: SeededBusiness[]; head: number }> {
  const seeded = await seedCatalogue(store);
  const all: SeededBusiness[] = [];
  for (let i = 0; i < copies; i++) all.push(await seedBusiness(store, i, seeded));
  return { first: all[0]!, all, head: await store.headPosition() };
}

// --- an HTTP client for ra-data-simple-rest in Node ------------------------------------------------

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : `HTTP ${status}`);
  }
}

/**
 * What ra-data-simple-rest calls (`fetchUtils.fetchJson`'s contract: `{status, headers, body, json}`,
 * rejecting on an HTTP error), on Node's fetch, sending the session cookie it was given.
 */
export function cookieHttpClient(cookie: string) {
  return async (url: string, options: RequestInit & { user?: unknown } = {}) => {
    const { user: _user, ...init } = options;
    const headers = new Headers(init.headers);
    headers.set('cookie', cookie);
    headers.set('accept', 'application/json');
    const response = await fetch(url, { ...init, headers });
    const body = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = body;
    }
    if (response.status < 200 || response.status >= 300) throw new HttpError(response.status, json);
    return { status: response.status, headers: response.headers, body, json };
  };
}
