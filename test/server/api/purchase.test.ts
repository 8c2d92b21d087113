// The purchase through the HTTP command API, end to end on the embedded store with the reactors
// and a real SMTP server: prepaid guided order → coupons, invoice, e-mail; direct orders paid by
// transfer (RF typed anyhow), in parts, too much, unmatched then matched by hand, by card at the
// desk; cancelling; refunding (supervisors only) with its credit note.
import type { AddressObject } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { formatRf } from '../../../domain/shared/rfReference';
import { defaultSalesSettings } from '../../../server/features/deps';
import { getInvoice, getOrder, prepaidBalance, saleIds } from '../../../server/features/services';
import { pdfText } from '../../support/pdf';
import {
  addGuideProducts,
  codesIn,
  eventually,
  expectStatus,
  manualOrder,
  MARIO_CF,
  registerCard,
  registerPerson,
  startApi,
  streamTypes,
  topUp,
  type ApiWorld,
} from './support';

let world: ApiWorld;
afterEach(async () => {
  await world?.close();
});

async function shop(credit: number): Promise<string> {
  await addGuideProducts(world);
  const customerId = await registerPerson(world);
  if (credit > 0) await topUp(world, customerId, credit);
  return customerId;
}

const direct = (method = 'bank_transfer') => ({ mode: 'direct', method });
const SELLER_CF = 'VRDGPP70B12F205A';

describe('the purchase over HTTP', () => {
  it('prepaid, guided: customer, top-up, device, renewable devices by CF, order → two coupons, invoice 1, one e-mail with both codes, the invoice PDF', async () => {
    // A sole trader sells: the invoice shows the seller's own codice fiscale beside the partita IVA.
    world = await startApi({ settings: { seller: { ...defaultSalesSettings.seller, codiceFiscale: SELLER_CF } } });
    await addGuideProducts(world);

    const registered = expectStatus(await world.operator.post('/api/customers', {
      kind: 'person',
      name: 'Mario',
      surname: 'Rossi',
      codiceFiscale: MARIO_CF.toLowerCase(),
      email: 'Mario.Rossi@Example.it',
      billingAddress: { street: 'Via del Corso 10', postalCode: '00186', city: 'Roma', province: 'rm' },
    }), 201).json();
    expect(registered).toMatchObject({
      id: expect.any(String),
      position: expect.any(Number),
      customer: { kind: 'person', codiceFiscale: MARIO_CF, email: 'mario.rossi@example.it', billingAddress: { province: 'RM', country: 'IT' } },
    });
    const customerId = registered.id as string;

    const quote = expectStatus(await world.operator.get(`/api/customers/${customerId}/prepaid/top-up-quote?creditedCents=3300`), 200).json();
    expect(quote).toMatchObject({ creditedCents: 3300, feeCents: 59, toPayCents: 3359, feeRateBp: 180, minimumTopUpCents: 3300 });
    const topped = expectStatus(await world.operator.post(`/api/customers/${customerId}/prepaid/top-ups`, {
      amountReceivedCents: 3359,
      method: 'bank_transfer',
      reference: 'CRO 1234',
      receivedOn: '2026-11-23',
    }), 201).json();
    expect(topped).toMatchObject({ creditedCents: 3300, feeCents: 59, balanceCents: 3300 });

    const device = expectStatus(await registerCard(world, '1205100000', MARIO_CF, 20), 201).json();
    expect(device).toMatchObject({ id: '1205100000', device: { holderCodiceFiscale: MARIO_CF, deviceStatus: 'active' } });

    const renewable = expectStatus(await world.operator.get(`/api/holders/${MARIO_CF.toLowerCase()}/renewable-devices`), 200).json();
    expect(renewable.holderCodiceFiscale).toBe(MARIO_CF);
    expect(renewable.devices).toHaveLength(1);
    expect(renewable.devices[0]).toMatchObject({ serial: '1205100000', status: 'open', policyId: 'default', toRenew: ['signing', 'authentication'] });
    expect(renewable.needingReplacement).toEqual([]);

    const body = { customerId, guided: { holderCodiceFiscale: MARIO_CF, deviceSerial: '1205100000' }, payment: { mode: 'prepaid' } };
    const shown = expectStatus(await world.operator.post('/api/orders/quote', body), 200).json();
    expect(shown).toMatchObject({ totals: { taxableCents: 2200, vatCents: 484, totalCents: 2684 }, codesEmail: 'mario.rossi@example.it', prepaidBalanceCents: 3300 });
    const head = await world.store.headPosition();
    expect(head).toBeGreaterThan(0);

    const placed = expectStatus(await world.operator.post('/api/orders', body), 201).json();
    expect(placed).toMatchObject({
      id: expect.any(String),
      order: { status: 'paid', choice: 'guided', deviceSerial: '1205100000', totals: { totalCents: 2684 } },
      rfReference: null,
      prepaidBalanceCents: 3300 - 2684,
      placed: true,
    });
    expect(placed.position).toBeGreaterThan(head);

    const [mail] = await world.smtp.waitForMessages(1);
    await world.idle();
    const order = await getOrder(world.app.sales, placed.id);
    expect(order.fulfilment).toMatchObject({ invoiceYear: 2026, invoiceNumber: 1, invoiceId: saleIds.invoice(placed.id) });
    const couponIds = order.fulfilment!.couponIds;
    expect(couponIds).toHaveLength(2);
    const codes = await Promise.all(couponIds.map(async (id) => ((await world.store.readStream(`coupon-${id}`))[0]!.data as { code: string }).code));
    expect((mail!.to as AddressObject).value[0]!.address).toBe('mario.rossi@example.it');
    expect(mail!.from?.text).toContain('noreply@firmafacile.example.it');
    expect(codesIn(mail!.text ?? '').sort()).toEqual(codes.sort());
    expect(await prepaidBalance(world.app.sales, customerId)).toBe(616);

    const pdf = await world.accountant.get(`/api/invoices/${order.fulfilment!.invoiceId}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe('attachment; filename="fattura-1-2026.pdf"');
    // The customer's name, address and codice fiscale: no cache keeps a copy.
    expect(pdf.headers.get('cache-control')).toBe('no-store');
    const text = pdfText(pdf.body);
    expect(text).toContain('FATTURA N. 1/2026');
    expect(text).toContain('Mario Rossi');
    expect(text).toContain(MARIO_CF);
    expect(text).toContain(`Codice fiscale ${SELLER_CF}`);
    expect(text).toContain(`P. IVA ${defaultSalesSettings.seller.partitaIva}`);
    expect(text).toContain('Coupon Rinnovo Certificato Sottoscrizione');
    expect(text).toContain('26,84 €');
    expect(text).toContain('Pagamento: addebito sul conto prepagato');
    // The operator may download it too; an unknown invoice is a 404.
    expect((await world.operator.get(`/api/invoices/${order.fulfilment!.invoiceId}/pdf`)).status).toBe(200);
    expect(expectStatus(await world.operator.get(`/api/invoices/${saleIds.invoice('nothing')}/pdf`), 404).json()).toMatchObject({ code: 'invoice_not_found' });
  });

  it('direct: the order gives an RF reference; an accountant records the transfer with the RF in lower case with spaces → paid → fulfilled', async () => {
    world = await startApi();
    const customerId = await shop(0);
    const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, direct())), 201).json();
    expect(placed).toMatchObject({ order: { status: 'awaiting_payment', totals: { totalCents: 3172 } }, prepaidBalanceCents: null });
    expect(placed.rfReference).toMatch(/^RF\d{2}\d{12}$/);
    expect(placed.rfReferenceFormatted).toBe(formatRf(placed.rfReference));
    expect(Date.parse(placed.expiresAt)).toBe(world.clock.now().getTime() + 30 * 24 * 3_600_000);

    const reason = `pagamento ${formatRf(placed.rfReference).toLowerCase()} mario rossi`;
    expect(reason).toMatch(/rf\d\d \d{4} /);
    const payment = expectStatus(await world.accountant.post('/api/payments', {
      method: 'bank_transfer',
      amountCents: 3172,
      receivedOn: '2026-11-25',
      payer: 'Mario Rossi',
      reason,
      bankReference: 'cro 0306 9099 123',
    }), 201).json();
    expect(payment).toMatchObject({ matchStatus: 'reference_found', rfReference: placed.rfReference, bankReference: 'CRO03069099123', orderId: placed.id, unmatchedDetail: null });

    const [mail] = await world.smtp.waitForMessages(1);
    await world.idle();
    const order = await getOrder(world.app.sales, placed.id);
    expect(order).toMatchObject({ status: 'paid', receivedCents: 3172, fulfilment: { invoiceNumber: 1 } });
    expect(await streamTypes(world.store, `order-${placed.id}`)).toEqual(['OrderPlaced', 'OrderPaymentReceived', 'OrderPaid', 'OrderFulfilled']);
    expect(mail!.subject).toContain(formatRf(placed.rfReference));
    const text = pdfText((await world.accountant.get(`/api/invoices/${order.fulfilment!.invoiceId}/pdf`)).body);
    expect(text).toContain('31,72 €');
    expect(text).toContain(`bonifico bancario, riferimento ${formatRf(placed.rfReference)}`);
  });

  it('partial payments add up; an overpayment is credited to the prepaid account', async () => {
    world = await startApi();
    const customerId = await shop(0);
    const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, direct('postal_slip'))), 201).json();
    let slip = 0;
    const pay = async (amount: number) =>
      expectStatus(
        await world.accountant.post('/api/payments', {
          method: 'postal_slip',
          amountCents: amount,
          receivedOn: '2026-11-25',
          payer: 'Mario Rossi',
          reason: placed.rfReference,
          bankReference: `BOLLETTINO-${++slip}`,
        }),
        201,
      ).json();

    await pay(1500);
    await world.idle();
    expect(await getOrder(world.app.sales, placed.id)).toMatchObject({ status: 'awaiting_payment', receivedCents: 1500 });
    await pay(1000);
    await world.idle();
    expect(await getOrder(world.app.sales, placed.id)).toMatchObject({ status: 'awaiting_payment', receivedCents: 2500 });
    await pay(1000); // 672 due: 328 too much
    await world.smtp.waitForMessages(1);
    await world.idle();
    expect(await getOrder(world.app.sales, placed.id)).toMatchObject({ status: 'paid', receivedCents: 3172, fulfilment: { invoiceNumber: 1 } });
    expect(await prepaidBalance(world.app.sales, customerId)).toBe(328);
  });

  it('a payment without a reference is left unmatched; matched by hand it pays the order', async () => {
    world = await startApi();
    const customerId = await shop(0);
    const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, direct())), 201).json();
    const payment = expectStatus(await world.accountant.post('/api/payments', {
      method: 'bank_transfer',
      amountCents: 3172,
      receivedOn: '2026-11-25',
      payer: 'Rossi Mario',
      reason: 'rinnovo firma digitale',
      bankReference: 'TRN 0001',
    }), 201).json();
    expect(payment).toMatchObject({ matchStatus: 'no_reference', orderId: null, unmatchedDetail: 'no RF reference in the payment reason' });
    await world.idle();
    expect((await getOrder(world.app.sales, placed.id)).status).toBe('awaiting_payment');

    // Operators do not do the books.
    expect(expectStatus(await world.operator.post(`/api/payments/${payment.id}/match`, { orderId: placed.id }), 403).json().code).toBe('forbidden');
    const matched = expectStatus(await world.accountant.post(`/api/payments/${payment.id}/match`, { orderId: placed.id }), 200).json();
    expect(matched).toMatchObject({ id: payment.id, orderId: placed.id });
    await world.smtp.waitForMessages(1);
    await world.idle();
    expect(await getOrder(world.app.sales, placed.id)).toMatchObject({ status: 'paid', fulfilment: { invoiceNumber: 1 } });
    // Matched already: a second match is a conflict.
    expect(expectStatus(await world.accountant.post(`/api/payments/${payment.id}/match`, { orderId: placed.id }), 409).json().code).toBe('payment_already_matched');
  });

  it('a card payment at the desk pays the order at once', async () => {
    world = await startApi();
    const customerId = await shop(0);
    const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, direct('credit_card'))), 201).json();
    const paid = expectStatus(await world.operator.post(`/api/orders/${placed.id}/desk-payment`, { method: 'credit_card', amountCents: 3172 }), 200).json();
    expect(paid).toMatchObject({ id: placed.id, orderStatus: 'paid', amountDueCents: 0, surplusCents: 0, paymentId: expect.any(String) });
    expect((await getOrder(world.app.sales, placed.id)).status).toBe('paid');
    const payment = (await world.store.readStream(`payment-${paid.paymentId}`)).map((e) => [e.type, e.data]);
    expect(payment[0]).toEqual(['PaymentRecorded', expect.objectContaining({ method: 'credit_card', amountCents: 3172, payer: 'Mario Rossi', matchStatus: 'no_reference' })]);
    expect(payment[2]).toEqual(['PaymentMatched', expect.objectContaining({ orderId: placed.id, how: 'by_hand' })]);
    await world.smtp.waitForMessages(1);
    await world.idle();
    expect(await getOrder(world.app.sales, placed.id)).toMatchObject({ status: 'paid', receivedCents: 3172, fulfilment: { invoiceNumber: 1 } });
    expect(await streamTypes(world.store, `order-${placed.id}`)).toEqual(['OrderPlaced', 'OrderPaymentReceived', 'OrderPaid', 'OrderFulfilled']);

    // Paid: nothing more to take.
    const again = expectStatus(await world.operator.post(`/api/orders/${placed.id}/desk-payment`, { amountCents: 100 }), 422).json();
    expect(again).toMatchObject({ code: 'order_not_awaiting_payment', message: expect.stringMatching(/paid/) });
  });

  it('cash at the desk: part now, the rest later, the order paid when covered; the invoice says cash', async () => {
    world = await startApi();
    const customerId = await shop(0);
    const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, direct('cash'))), 201).json();
    const part = expectStatus(await world.operator.post(`/api/orders/${placed.id}/desk-payment`, { method: 'cash', amountCents: 2000 }), 200).json();
    expect(part).toMatchObject({ orderStatus: 'awaiting_payment', amountDueCents: 1172, surplusCents: 0 });
    const rest = expectStatus(await world.operator.post(`/api/orders/${placed.id}/desk-payment`, { method: 'cash', amountCents: 1172 }), 200).json();
    expect(rest).toMatchObject({ orderStatus: 'paid', amountDueCents: 0 });
    const recorded = (await world.store.readStream(`payment-${rest.paymentId}`))[0]!;
    expect(recorded.data).toMatchObject({ method: 'cash', amountCents: 1172, reason: `pagamento in contanti al banco, ordine ${placed.id}` });
    expect(expectStatus(await world.accountant.get(`/api/payments?filter=${encodeURIComponent(JSON.stringify({ method: 'cash' }))}`), 200).json()).toHaveLength(2);

    await world.smtp.waitForMessages(1);
    await world.idle();
    const order = await getOrder(world.app.sales, placed.id);
    expect(order).toMatchObject({ status: 'paid', receivedCents: 3172, fulfilment: { invoiceNumber: 1 } });
    const text = pdfText((await world.accountant.get(`/api/invoices/${order.fulfilment!.invoiceId}/pdf`)).body);
    expect(text).toContain('Pagamento: contanti');
    // Neither a cheque nor anything else is taken at the desk.
    const refused = expectStatus(await world.operator.post(`/api/orders/${placed.id}/desk-payment`, { method: 'cheque', amountCents: 100 }), 400).json();
    expect(refused.message).toMatch(/method/);
  });

  it('cancelling an unpaid order; a paid one cannot be cancelled', async () => {
    world = await startApi();
    const customerId = await shop(5000);
    const unpaid = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, direct())), 201).json();
    const cancelled = expectStatus(await world.operator.post(`/api/orders/${unpaid.id}/cancel`, { reason: 'il cliente ha cambiato idea' }), 200).json();
    expect(cancelled).toMatchObject({ id: unpaid.id, amountToCreditCents: 0 });
    expect((await getOrder(world.app.sales, unpaid.id)).status).toBe('cancelled');
    expect(expectStatus(await world.operator.post(`/api/orders/${unpaid.id}/desk-payment`, { amountCents: 3172 }), 422).json().code).toBe('order_not_awaiting_payment');

    const paid = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' })), 201).json();
    const refused = expectStatus(await world.supervisor.post(`/api/orders/${paid.id}/cancel`, { reason: 'errore' }), 422).json();
    expect(refused).toMatchObject({ code: 'order_already_paid', message: expect.stringMatching(/refund/) });
    expect(expectStatus(await world.operator.post(`/api/orders/${paid.id}/cancel`, { reason: '   ' }), 400).json().errors).toHaveProperty('reason');
  });

  it('refunds unused coupons (supervisors only: an operator gets 403) → credit note PDF, coupons cancelled, prepaid credited', async () => {
    world = await startApi();
    const customerId = await shop(5000);
    const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' }, 'RIN-FIRMA', 2)), 201).json();
    await world.smtp.waitForMessages(1);
    await world.idle();
    const order = await getOrder(world.app.sales, placed.id);
    const [first] = order.fulfilment!.couponIds as [string, string];
    world.clock.advance(30 * 60_000); // (within the session idle time)

    const forbidden = expectStatus(await world.operator.post(`/api/orders/${placed.id}/refund`, { refundTo: 'prepaid' }), 403).json();
    expect(forbidden).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/supervisor/) });
    const head = await world.store.headPosition();
    expect(head).toBeGreaterThan(0);

    const refund = expectStatus(await world.supervisor.post(`/api/orders/${placed.id}/refund`, { couponIds: [first], refundTo: 'prepaid' }), 200).json();
    expect(refund).toMatchObject({
      id: placed.id,
      creditNoteYear: 2026,
      creditNoteNumber: 1,
      couponIds: [first],
      excluded: [],
      totals: { taxableCents: 1100, vatCents: 242, totalCents: 1342 },
      refundTo: 'prepaid',
      prepaidBalanceCents: 5000 - 2684 + 1342,
    });
    expect(await streamTypes(world.store, `coupon-${first}`)).toEqual(['CouponIssued', 'CouponCancelled']);

    const pdf = expectStatus(await world.accountant.get(`/api/credit-notes/${refund.creditNoteId}/pdf`), 200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe('attachment; filename="nota-di-credito-1-2026.pdf"');
    expect(pdf.headers.get('cache-control')).toBe('no-store');
    const text = pdfText(pdf.body);
    expect(text).toContain('NOTA DI CREDITO N. 1/2026');
    expect(text).toContain('Rettifica della fattura n. 1/2026 del 24/11/2026');
    expect(text).toContain('13,42 €');
    expect(text).toContain('Rimborso accreditato sul conto prepagato');

    // The same coupon again: nothing left to refund.
    const again = await world.supervisor.post(`/api/orders/${placed.id}/refund`, { couponIds: [first], refundTo: 'prepaid' });
    expect(again.status).toBe(422);
    expect(again.json()).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    const invoice = await getInvoice(world.app.sales, order.fulfilment!.invoiceId);
    expect(invoice.number).toBe(1); // the invoice is never changed
  });

  it('sends the codes again on request, to the profile e-mail in force', async () => {
    world = await startApi();
    const customerId = await shop(5000);
    const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' })), 201).json();
    await world.smtp.waitForMessages(1);
    await world.idle();
    const changed = expectStatus(await world.operator.post(`/api/customers/${customerId}/email`, { email: 'mario@nuovo.example.it' }), 200).json();
    expect(changed).toMatchObject({ id: customerId, email: 'mario@nuovo.example.it', changed: true });
    const resent = expectStatus(await world.operator.post(`/api/orders/${placed.id}/resend-coupons`), 200).json();
    expect(resent).toMatchObject({ id: placed.id, emailId: expect.any(String), couponIds: expect.any(Array) });
    const messages = await world.smtp.waitForMessages(2);
    expect((messages[1]!.to as AddressObject).value[0]!.address).toBe('mario@nuovo.example.it');
    expect(codesIn(messages[1]!.text ?? '').sort()).toEqual(codesIn(messages[0]!.text ?? '').sort());
    await eventually(async () => (await streamTypes(world.store, `email-${resent.emailId}`)).includes('EmailSent'));
    // A sent e-mail is not retried: send the codes again instead.
    expect(expectStatus(await world.operator.post(`/api/emails/${resent.emailId}/retry`), 422).json().code).toBe('email_already_sent');
  });
});
