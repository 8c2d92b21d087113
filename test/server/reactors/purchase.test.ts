import type { AddressObject, ParsedMail } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { handleCommand } from '../../../server/commands/handle';
import { isImmutable } from 'immutable';
import type { Decider } from '../../../domain/shared/decider';
import { loadAggregate } from '../../../server/commands/handle';
import { couponAggregate, redeemCoupon } from '../../../domain/coupons/decider';
import { customerAggregate } from '../../../domain/customers/decider';
import { invoiceAggregate } from '../../../domain/invoicing/decider';
import { invoiceNumbering } from '../../../domain/invoicing/numbering';
import { orderAggregate } from '../../../domain/orders/decider';
import { paymentAggregate } from '../../../domain/payments/decider';
import { prepaidAggregate } from '../../../domain/prepaid/decider';
import { formatRf } from '../../../domain/shared/rfReference';
import {
  cancelOrder,
  changeCustomerEmail,
  creditNotePdf,
  getCreditNote,
  getInvoice,
  getOrder,
  invoicePdf,
  matchPaymentByHand,
  placeOrder,
  prepaidAccount,
  prepaidBalance,
  recordPayment,
  refundCoupons,
  saleIds,
} from '../../../server/features/services';
import { pdfText } from '../../support/pdf';
import { notPaymentNotice } from '../../support/smtp';
import {
  accountant,
  codesIn,
  DAY,
  eventsOfType,
  eventually,
  MARIO_CF,
  makeWorld,
  operator,
  sameFile,
  registerCard,
  shopWithMario,
  supervisor,
  typesIn,
  withReactors,
  type Running,
  type World,
} from '../features/fixtures';

/** A state as plain data: persistent collections (the prepaid account's) as arrays of entries. */
const plain = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_key, v: unknown) => (isImmutable(v) ? [...(v as Iterable<unknown>)] : v instanceof Map || v instanceof Set ? [...v] : v)));

const recipient = (mail: ParsedMail) => (mail.to as AddressObject).value[0]!.address;

const manual = (customerId: string, productCode = 'RIN-FIRMA-CNS', quantity = 1) =>
  ({ customerId, choice: 'manual', lines: [{ productCode, quantity }] }) as const;

async function couponCodes(world: World, couponIds: string[]): Promise<string[]> {
  const codes: string[] = [];
  for (const id of couponIds) codes.push(((await world.store.readStream(`coupon-${id}`))[0]!.data as { code: string }).code);
  return codes;
}

describe('sales with the reactors running (real store, real SMTP)', () => {
  let world: World;
  let running: Running;
  afterEach(async () => {
    await running?.close();
    await world?.close();
  });

  it('a full prepaid purchase: guided order on a two-certificate card → two coupons, invoice 1/2026, one e-mail with both codes', async () => {
    world = makeWorld();
    running = await withReactors(world);
    const customerId = await shopWithMario(world, 3300); // 33,59 € receivedCents: 33,00 € credited + 0,59 € fee
    await registerCard(world, '1205100000', MARIO_CF, 20);
    const placed = await placeOrder(
      world.deps,
      { customerId, choice: 'guided', holderCodiceFiscale: MARIO_CF, deviceSerial: '1205100000', payment: { mode: 'prepaid' } },
      operator,
    );
    expect(placed.prepaidBalanceCents).toBe(3300 - 2684);

    const [mail] = await running.smtp.waitForMessages(1);
    await running.reactors.idle();
    const order = await getOrder(world.deps, placed.orderId);
    expect(order.fulfilment).toMatchObject({ invoiceYear: 2026, invoiceNumber: 1, invoiceId: saleIds.invoice(placed.orderId) });
    const couponIds = order.fulfilment!.couponIds;
    expect(couponIds).toHaveLength(2);
    const coupons = await Promise.all(couponIds.map(async (id) => (await world.store.readStream(`coupon-${id}`))[0]!.data));
    expect(coupons.map((c) => (c as { renews: string }).renews)).toEqual(['signing', 'authentication']);
    expect(coupons[0]).toMatchObject({ orderId: placed.orderId, customerId, validUntil: '2027-03-10T09:00:00.000Z' });

    const invoice = await getInvoice(world.deps, order.fulfilment!.invoiceId);
    expect(invoice).toMatchObject({
      year: 2026,
      number: 1,
      issuedOn: '2026-03-10',
      buyer: { name: 'Mario Rossi', codiceFiscale: MARIO_CF, partitaIva: null },
      seller: { name: world.deps.settings.seller.name, partitaIva: world.deps.settings.seller.partitaIva },
      totals: { taxableCents: 2200, vatCents: 484, totalCents: 2684 },
      vatSummary: [{ rateBp: 2200, taxableCents: 2200, vatCents: 484, totalCents: 2684 }],
    });
    expect(invoice.lines.map((l) => [l.description, l.quantity, l.unitPriceCents, l.vatCents, l.totalCents])).toEqual([
      ['Coupon Rinnovo Certificato Sottoscrizione', 1, 1100, 242, 1342],
      ['Coupon Rinnovo Certificato Autenticazione', 1, 1100, 242, 1342],
    ]);

    expect(recipient(mail!)).toBe('mario.rossi@example.it');
    expect(mail!.subject).toMatch(/I suoi 2 codici coupon/);
    expect(codesIn(mail!.text ?? '').sort()).toEqual((await couponCodes(world, couponIds)).sort());
    expect(mail!.text).toContain('Coupon Rinnovo Certificato Sottoscrizione');
    expect(mail!.text).toContain(world.deps.settings.renewalUrl);
    await eventually(async () => (await typesIn(world.store, `email-${saleIds.fulfilmentEmail(placed.orderId)}`)).includes('EmailSent'));
    await new Promise((r) => setTimeout(r, 100));
    expect(running.smtp.messages).toHaveLength(1);
    expect(await prepaidBalance(world.deps, customerId)).toBe(616);

    const pdf = await invoicePdf(world.deps, { invoiceId: invoice.invoiceId });
    expect(pdf.filename).toBe('fattura-1-2026.pdf');
    const text = pdfText(pdf.pdf);
    expect(text).toContain('FATTURA N. 1/2026');
    expect(text).toContain('Mario Rossi');
    expect(text).toContain('26,84 €');
    expect(text).toContain('Pagamento: addebito sul conto prepagato');
    // Made at the first download, not at fulfilment; every download gives the same file.
    expect((await invoicePdf(world.deps, { invoiceId: invoice.invoiceId })).pdf.equals(pdf.pdf)).toBe(true);
  });

  it('a direct order paid by bank transfer with the RF in lower case and spaces → paid → fulfilled', async () => {
    world = makeWorld();
    running = await withReactors(world);
    const customerId = await shopWithMario(world, 0);
    const placed = await placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'direct', method: 'bank_transfer' } }, operator);
    const rf = placed.rfReference!;
    const reason = `pagamento ${formatRf(rf).toLowerCase()} mario rossi`;
    const payment = await recordPayment(world.deps, { method: 'bank_transfer', amountCents: 3172, receivedOn: '2026-03-12', payer: 'Mario Rossi', reason, bankReference: 'CRO1' }, accountant);
    expect(payment.orderId).toBe(placed.orderId);
    const [mail] = await running.smtp.waitForMessages(1, undefined, notPaymentNotice);
    await running.reactors.idle();
    const order = await getOrder(world.deps, placed.orderId);
    expect(order).toMatchObject({ status: 'paid', receivedCents: 3172, fulfilment: { invoiceNumber: 1 } });
    expect(await typesIn(world.store, `order-${placed.orderId}`)).toEqual(['OrderPlaced', 'OrderPaymentReceived', 'OrderPaid', 'OrderFulfilled']);
    expect(mail!.subject).toContain(formatRf(rf));
    expect(codesIn(mail!.text ?? '')).toEqual(await couponCodes(world, order.fulfilment!.couponIds));
    // Two downloads at once, before any was rendered: one rendering, both given its file.
    const [first, second] = await Promise.all([0, 1].map(() => invoicePdf(world.deps, { invoiceId: order.fulfilment!.invoiceId })));
    expect(second!.pdf).toBe(first!.pdf);
    const text = pdfText(first!.pdf);
    expect(text).toContain('31,72 €');
    expect(text).toContain(`bonifico bancario, riferimento ${formatRf(rf)}`);
  });

  it('partial payments add up; an overpayment is credited to the prepaid account', async () => {
    world = makeWorld();
    running = await withReactors(world);
    const customerId = await shopWithMario(world, 0);
    const placed = await placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'direct', method: 'postal_slip' } }, operator);
    let slip = 0;
    const pay = (amount: number) =>
      recordPayment(
        world.deps,
        { method: 'postal_slip', amountCents: amount, receivedOn: '2026-03-12', payer: 'Mario Rossi', reason: placed.rfReference!, bankReference: `BOLLETTINO-${++slip}` },
        accountant,
      );

    await pay(1500);
    await running.reactors.idle();
    expect(await getOrder(world.deps, placed.orderId)).toMatchObject({ status: 'awaiting_payment', receivedCents: 1500 });
    await pay(1000);
    await running.reactors.idle();
    expect(await getOrder(world.deps, placed.orderId)).toMatchObject({ status: 'awaiting_payment', receivedCents: 2500 });
    const last = await pay(1000); // 672 due: 328 too much
    await running.smtp.waitForMessages(1, undefined, notPaymentNotice);
    await running.reactors.idle();
    expect(await getOrder(world.deps, placed.orderId)).toMatchObject({ status: 'paid', receivedCents: 3172, fulfilment: { invoiceNumber: 1 } });
    const credits = await eventsOfType(world.store, 'PrepaidCredited');
    expect(credits.map((c) => c.data)).toEqual([
      expect.objectContaining({ reason: 'overpayment', amountCents: 328, orderId: placed.orderId, creditId: saleIds.overpaymentCredit(last.paymentId), balanceAfterCents: 328 }),
    ]);
    expect(await prepaidBalance(world.deps, customerId)).toBe(328);
  });

  it('an unmatched payment matched by hand pays the order', async () => {
    world = makeWorld();
    running = await withReactors(world);
    const customerId = await shopWithMario(world, 0);
    const placed = await placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'direct', method: 'bank_transfer' } }, operator);
    const payment = await recordPayment(
      world.deps,
      { method: 'bank_transfer', amountCents: 3172, receivedOn: '2026-03-12', payer: 'Rossi Mario', reason: 'rinnovo firma digitale', bankReference: 'CRO2' },
      accountant,
    );
    expect(payment.orderId).toBeNull();
    await running.reactors.idle();
    expect((await getOrder(world.deps, placed.orderId)).status).toBe('awaiting_payment');
    await matchPaymentByHand(world.deps, { paymentId: payment.paymentId, orderId: placed.orderId }, accountant);
    await running.smtp.waitForMessages(1, undefined, notPaymentNotice);
    await running.reactors.idle();
    expect(await getOrder(world.deps, placed.orderId)).toMatchObject({ status: 'paid', fulfilment: { invoiceNumber: 1 } });
  });

  it('the codes go to the profile e-mail in force when sent, not the one shown at ordering', async () => {
    world = makeWorld();
    running = await withReactors(world);
    const customerId = await shopWithMario(world, 0);
    const placed = await placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'direct', method: 'bank_transfer' } }, operator);
    expect(placed.order.codesEmail).toBe('mario.rossi@example.it');
    await changeCustomerEmail(world.deps, { customerId, email: 'mario@nuovo-indirizzo.it' }, operator);
    await recordPayment(world.deps, { method: 'bank_transfer', amountCents: 3172, receivedOn: '2026-03-12', payer: 'Mario Rossi', reason: placed.rfReference!, bankReference: 'CRO3' }, accountant);
    const [mail] = await running.smtp.waitForMessages(1, undefined, notPaymentNotice);
    expect(recipient(mail!)).toBe('mario@nuovo-indirizzo.it');
    // The payment notice went at placement to the address then in force; the codes, to the new one.
    await eventually(async () => (await eventsOfType(world.store, 'EmailSent')).length === 2);
    expect((await eventsOfType(world.store, 'EmailSent')).map((e) => (e.data as { to: string }).to).sort()).toEqual(['mario.rossi@example.it', 'mario@nuovo-indirizzo.it']);
  });

  it("the states commands kept after their own appends are what a fresh read of the log folds", async () => {
    world = makeWorld();
    running = await withReactors(world);
    const customerId = await shopWithMario(world, 5000);
    await registerCard(world, '1205100000');
    const prepaid = await placeOrder(
      world.deps,
      { customerId, choice: 'guided', holderCodiceFiscale: MARIO_CF, deviceSerial: '1205100000', payment: { mode: 'prepaid' } },
      operator,
    );
    const direct = await placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'direct', method: 'bank_transfer' } }, operator);
    await recordPayment(world.deps, { method: 'bank_transfer', amountCents: 4000, receivedOn: '2026-03-12', payer: 'Mario Rossi', reason: direct.rfReference!, bankReference: 'CRO4' }, accountant);
    await running.smtp.waitForMessages(2);
    await running.reactors.idle();
    await refundCoupons(world.deps, { orderId: prepaid.orderId, refundTo: 'prepaid', refundId: 'r-1' }, supervisor);

    const aggregates: Array<[prefix: string, aggregate: Decider<unknown, never>]> = [
      ['customer-', customerAggregate],
      ['prepaid-', prepaidAggregate],
      ['order-', orderAggregate],
      ['coupon-', couponAggregate],
      ['invoice-numbers-', invoiceNumbering],
      ['invoice-', invoiceAggregate],
      ['payment-', paymentAggregate],
    ] as never;
    const streams = new Set<string>();
    for await (const event of world.store.readAll()) streams.add(event.stream);
    const elsewhere = sameFile(world);
    const compared: string[] = [];
    try {
      for (const stream of streams) {
        const match = aggregates.find(([prefix]) => stream.startsWith(prefix) && !stream.startsWith('coupon-code-') && !stream.startsWith('customer-cf-'));
        if (!match) continue;
        const kept = await loadAggregate({ store: world.store, catalogue: world.deps.catalogue } as never, stream, match[1]);
        const cold = await loadAggregate({ store: elsewhere.store, catalogue: world.deps.catalogue } as never, stream, match[1]);
        expect(plain(kept), stream).toEqual(plain(cold));
        compared.push(match[0]);
      }
    } finally {
      await elsewhere.store.close();
    }
    // Every kind of stream the purchase wrote through the command path was compared.
    expect(new Set(compared)).toEqual(new Set(aggregates.map(([prefix]) => prefix)));
  });

  it('refunds unused coupons: credit note 1, coupons cancelled, prepaid credited; the same request again changes nothing', async () => {
    world = makeWorld();
    running = await withReactors(world);
    const customerId = await shopWithMario(world, 5000);
    await registerCard(world, '1205100000');
    const placed = await placeOrder(
      world.deps,
      { customerId, choice: 'guided', holderCodiceFiscale: MARIO_CF, deviceSerial: '1205100000', payment: { mode: 'prepaid' } },
      operator,
    );
    await running.smtp.waitForMessages(1);
    await running.reactors.idle();
    const [used, unused] = (await getOrder(world.deps, placed.orderId)).fulfilment!.couponIds as [string, string];
    await handleCommand(world.deps, `coupon-${used}`, couponAggregate, (s) => redeemCoupon({ deviceSerial: '1205100000', certificateKind: 'signing', at: world.clock.now.toISOString() }, s), operator);
    world.clock.advance(DAY);

    const refund = await refundCoupons(world.deps, { orderId: placed.orderId, refundTo: 'prepaid', refundId: 'r-1' }, supervisor);
    expect(refund).toMatchObject({
      creditNoteYear: 2026,
      creditNoteNumber: 1,
      couponIds: [unused],
      excluded: [{ couponId: used, status: 'redeemed' }],
      totals: { taxableCents: 1100, vatCents: 242, totalCents: 1342 },
      refundTo: 'prepaid',
      prepaidBalanceCents: 5000 - 2684 + 1342,
    });
    expect(await typesIn(world.store, `coupon-${unused}`)).toEqual(['CouponIssued', 'CouponCancelled']);
    expect(await typesIn(world.store, `coupon-${used}`)).toEqual(['CouponIssued', 'CouponRedeemed']);
    const note = await getCreditNote(world.deps, refund.creditNoteId);
    expect(note).toMatchObject({ invoiceNumber: 1, invoiceYear: 2026, issuedOn: '2026-03-11', lines: [expect.objectContaining({ productCode: 'RIN-CNS', totalCents: 1342 })] });
    expect((await getOrder(world.deps, placed.orderId)).refunds).toEqual([{ creditNoteId: refund.creditNoteId, couponIds: [unused], amountCents: 1342, refundTo: 'prepaid' }]);

    const head = await world.store.headPosition();
    const again = await refundCoupons(world.deps, { orderId: placed.orderId, refundTo: 'prepaid', refundId: 'r-1' }, supervisor);
    expect(again).toMatchObject({ creditNoteId: refund.creditNoteId, creditNoteNumber: 1, position: 0 });
    expect(await world.store.headPosition()).toBe(head);
    expect(await prepaidBalance(world.deps, customerId)).toBe(3658);
    await expect(refundCoupons(world.deps, { orderId: placed.orderId, refundTo: 'prepaid', refundId: 'r-2' }, supervisor)).rejects.toMatchObject({
      code: 'coupons_none_unused',
    });

    const text = pdfText((await creditNotePdf(world.deps, { creditNoteId: refund.creditNoteId })).pdf);
    expect(text).toContain('NOTA DI CREDITO N. 1/2026');
    expect(text).toContain('Rettifica della fattura n. 1/2026 del 10/03/2026');
    expect(text).toContain('13,42 €');
  });

  it('completes a refund interrupted after the coupons were cancelled, when the same request is repeated', async () => {
    world = makeWorld();
    running = await withReactors(world);
    const customerId = await shopWithMario(world, 5000);
    const placed = await placeOrder(world.deps, { ...manual(customerId, 'RIN-FIRMA', 2), payment: { mode: 'prepaid' } }, operator);
    await running.smtp.waitForMessages(1);
    await running.reactors.idle();
    // The first attempt stops after cancelling the coupons (the credit-note numbering fails).
    const broken = {
      ...world.deps,
      store: new Proxy(world.store, {
        get(target, prop, receiver) {
          if (prop === 'append') {
            return (stream: string, ...rest: [never, never]) =>
              stream.startsWith('credit-note-numbers-') ? Promise.reject(new Error('crash')) : target.append(stream, ...rest);
          }
          return Reflect.get(target, prop, receiver);
        },
      }),
    };
    await expect(refundCoupons(broken, { orderId: placed.orderId, refundTo: 'paid_out', refundId: 'r-1' }, supervisor)).rejects.toThrow('crash');
    expect(await eventsOfType(world.store, 'CouponCancelled')).toHaveLength(2);
    const done = await refundCoupons(world.deps, { orderId: placed.orderId, refundTo: 'paid_out', refundId: 'r-1' }, supervisor);
    expect(done).toMatchObject({ creditNoteNumber: 1, totals: { totalCents: 2684 }, prepaidBalanceCents: null });
    expect(done.couponIds).toHaveLength(2);
    expect(await eventsOfType(world.store, 'CouponCancelled')).toHaveLength(2);
    expect(await eventsOfType(world.store, 'CreditNoteIssued')).toHaveLength(1);
    expect(await prepaidBalance(world.deps, customerId)).toBe(5000 - 2684);
  });

  it('cancelling and expiring unpaid orders credit the partial payments to the prepaid account', async () => {
    world = makeWorld();
    running = await withReactors(world);
    const customerId = await shopWithMario(world, 0);
    const toCancel = await placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'direct', method: 'bank_transfer' } }, operator);
    const toExpire = await placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'direct', method: 'bank_transfer' } }, operator);
    for (const [order, amount] of [[toCancel, 1000], [toExpire, 500]] as const) {
      await recordPayment(
        world.deps,
        { method: 'bank_transfer', amountCents: amount, receivedOn: '2026-03-12', payer: 'Mario Rossi', reason: order.rfReference!, bankReference: `CRO-${amount}` },
        accountant,
      );
    }
    await running.reactors.idle();
    expect(await cancelOrder(world.deps, { orderId: toCancel.orderId, reason: 'changed his mind' }, supervisor)).toMatchObject({ amountToCreditCents: 1000 });
    await running.reactors.idle();
    expect(await prepaidBalance(world.deps, customerId)).toBe(1000);

    world.clock.advance(31 * DAY); // the expiry timer runs every 20 ms in these tests
    await eventually(async () => (await getOrder(world.deps, toExpire.orderId)).status === 'expired');
    await running.reactors.idle();
    const account = await prepaidAccount(world.deps, customerId);
    expect(account.balanceCents).toBe(1500);
    expect(new Set(account.creditIds)).toEqual(new Set([saleIds.closedOrderCredit(toCancel.orderId), saleIds.closedOrderCredit(toExpire.orderId)]));
    // No codes: only the payment notices sent when the orders were placed.
    expect(running.smtp.messages.filter(notPaymentNotice)).toHaveLength(0);
  });
});
