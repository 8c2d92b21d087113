// Time travel over HTTP on the real app: an order placed and paid by transfer is shown as of
// before the payment (awaiting it, the whole total due) and after (paid, then fulfilled with its
// invoice); the diff names what the payment changed. Instants are the store's own recording times
// (wall clock), so the test takes them from the wall clock between the steps.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../events';
import { addGuideProducts, expectStatus, manualOrder, registerPerson, startApi, topUp, type ApiWorld } from './support';

let world: ApiWorld;
afterEach(async () => {
  await world?.close();
});

/** An instant strictly between what was recorded before and what will be recorded after. */
async function instantNow(): Promise<string> {
  await new Promise((r) => setTimeout(r, 5));
  const at = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 5));
  return at;
}

const q = encodeURIComponent;

describe('time travel over HTTP', () => {
  it('an order as of before its payment, after it, and what the payment changed; its invoice, customer and prepaid account too', async () => {
    world = await startApi();
    await addGuideProducts(world);
    const beforeCustomer = await instantNow();
    const customerId = await registerPerson(world);
    await topUp(world, customerId, 5000);
    const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'direct', method: 'bank_transfer' })), 201).json();
    const beforePayment = await instantNow();
    expectStatus(await world.accountant.post('/api/payments', {
      method: 'bank_transfer',
      amountCents: 3172,
      receivedOn: '2026-11-25',
      payer: 'Mario Rossi',
      reason: `pagamento ${placed.rfReference}`,
      bankReference: 'CRO 42',
    }), 201);
    await world.idle();
    const afterAll = await instantNow();

    // As of before the payment: awaiting it, as the order's screen showed then.
    const then = expectStatus(await world.accountant.get(`/api/history/order/${placed.id}?asOf=${q(beforePayment)}`), 200).json();
    expect(then.asOf).toBe(beforePayment);
    expect(then.state).toMatchObject({ status: 'awaiting_payment', totalCents: 3172, amountPaidCents: 0, amountDueCents: 3172, payments: [], rfReference: placed.rfReference });
    expect(then.events).toEqual([{ type: 'OrderPlaced', at: expect.any(String), short: expect.stringContaining('bank_transfer'), data: expect.objectContaining({ totals: expect.objectContaining({ totalCents: 3172 }) }) }]);

    // The same instant with a Rome offset reads the same.
    const rome = new Date(Date.parse(beforePayment) + 3_600_000).toISOString().replace('Z', '+01:00');
    expect(expectStatus(await world.operator.get(`/api/history/order/${placed.id}?asOf=${q(rome)}`), 200).json().state.status).toBe('awaiting_payment');

    const now = expectStatus(await world.operator.get(`/api/history/order/${placed.id}?asOf=${q(afterAll)}`), 200).json();
    expect(now.state).toMatchObject({ status: 'fulfilled', amountPaidCents: 3172, amountDueCents: 0, invoiceNumber: expect.stringMatching(/^1\/\d{4}$/) });

    const diff = expectStatus(await world.supervisor.get(`/api/history/order/${placed.id}/diff?from=${q(beforePayment)}&to=${q(afterAll)}`), 200).json();
    expect(diff).toMatchObject({ from: beforePayment, to: afterAll });
    expect(diff.changes).toEqual(
      expect.arrayContaining([
        { path: 'status', before: 'awaiting_payment', after: 'fulfilled' },
        { path: 'amountPaidCents', before: 0, after: 3172 },
        { path: 'amountDueCents', before: 3172, after: 0 },
        expect.objectContaining({ path: 'payments[0]', before: null, after: expect.objectContaining({ method: 'bank_transfer', amountCents: 3172 }) }),
      ]),
    );
    expect(diff.events.map((e: { type: string }) => e.type)).toEqual(['OrderPaymentReceived', 'OrderPaid', 'OrderFulfilled']);

    // The invoice the fulfilment issued: awaiting the SdI, nothing credited.
    const invoiceId = now.state.invoiceId as string;
    const invoice = expectStatus(await world.accountant.get(`/api/history/invoice/${invoiceId}?asOf=${q(afterAll)}`), 200).json();
    expect(invoice.state).toMatchObject({ displayNumber: now.state.invoiceNumber, totalCents: 3172, netCents: 3172, sdiState: 'awaiting', creditNotes: [] });
    expectStatus(await world.accountant.get(`/api/history/invoice/${invoiceId}?asOf=${q(beforePayment)}`), 404);

    // The customer before and after an e-mail change.
    const beforeEmail = await instantNow();
    expectStatus(await world.operator.post(`/api/customers/${customerId}/email`, { email: 'mario@rossi.example.it' }), 200);
    const afterEmail = await instantNow();
    const customerDiff = expectStatus(await world.operator.get(`/api/history/customer/${customerId}/diff?from=${q(beforeEmail)}&to=${q(afterEmail)}`), 200).json();
    expect(customerDiff.changes).toEqual([{ path: 'email', before: 'mario.rossi@example.it', after: 'mario@rossi.example.it' }]);

    // The prepaid account: 50,00 € topped up before the order, nothing debited (a direct order).
    const prepaid = expectStatus(await world.operator.get(`/api/history/prepaid/${customerId}?asOf=${q(afterAll)}`), 200).json();
    expect(prepaid.state).toMatchObject({ balanceCents: 5000, toppedUpCents: 5000, movements: 1 });
    expect(expectStatus(await world.operator.get(`/api/history/prepaid/${customerId}?asOf=${q(beforeCustomer)}`), 404).json()).toMatchObject({ code: 'prepaid_not_found', message: expect.stringContaining('did not exist at') });
  });

  it('an invoice net of the credit note issued against it, and its SdI outcome; the prepaid account debited then credited back', async () => {
    world = await startApi();
    await addGuideProducts(world);
    const customerId = await registerPerson(world);
    await topUp(world, customerId, 5000);
    const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' })), 201).json();
    await world.idle();
    const fulfilled = await instantNow();
    const order = expectStatus(await world.accountant.get(`/api/history/order/${placed.id}?asOf=${q(fulfilled)}`), 200).json().state;
    expect(order).toMatchObject({ status: 'fulfilled', paymentMethod: 'prepaid', amountPaidCents: 3172 });
    const invoiceId = order.invoiceId as string;

    expectStatus(await world.supervisor.post(`/api/orders/${placed.id}/refund`, { refundTo: 'prepaid' }), 200);
    await world.idle();
    const refunded = await instantNow();

    // The SdI's rejection, as the receipts' upload (another feature) records it: one event on sdi-invoice-<id>.
    const ctx = { actor: { userId: 'u-accountant', role: 'accountant' as const }, at: world.clock.now().toISOString(), correlationId: randomUUID(), causationId: null };
    const receipt = {
      type: 'SdiReceiptRecorded' as const,
      data: {
        documentKind: 'invoice' as const, documentId: invoiceId, receipt: 'NS' as const, sdiIdentifier: '4242', messageId: 'msg-1', fileName: 'IT01234560017_00001.xml',
        receivedAt: world.clock.now().toISOString(), deliveredAt: null, errors: [{ code: '00311', description: 'CodiceDestinatario non valido', suggestion: null }], note: null,
        receiptFileName: 'IT01234560017_00001_NS_001.xml', sha256: 'b'.repeat(64), recordedBy: 'u-accountant', recordedAt: world.clock.now().toISOString(),
      },
    };
    await world.store.append(`sdi-invoice-${invoiceId}`, [catalogue.encode(receipt, ctx)], { expectedRevision: 'no_stream' });
    const rejected = await instantNow();

    const at = async (instant: string) => expectStatus(await world.accountant.get(`/api/history/invoice/${invoiceId}?asOf=${q(instant)}`), 200).json();
    expect((await at(fulfilled)).state).toMatchObject({ totalCents: 3172, creditNotes: [], creditedCents: 0, netCents: 3172, sdiState: 'awaiting' });
    expect((await at(refunded)).state).toMatchObject({ creditNotes: [{ displayNumber: expect.stringMatching(/^1\/\d{4}$/), totalCents: 3172, refundTo: 'prepaid' }], creditedCents: 3172, netCents: 0, sdiState: 'awaiting' });
    const last = await at(rejected);
    expect(last.state).toMatchObject({ sdiState: 'rejected', sdiErrors: ['00311'], sdiReceipts: 1 });
    expect(last.events.map((e: { type: string }) => e.type)).toEqual(['InvoiceIssued', 'CreditNoteIssued', 'SdiReceiptRecorded']);

    const orderDiff = expectStatus(await world.accountant.get(`/api/history/order/${placed.id}/diff?from=${q(fulfilled)}&to=${q(refunded)}`), 200).json();
    expect(orderDiff.changes).toEqual(expect.arrayContaining([{ path: 'status', before: 'fulfilled', after: 'refunded' }, { path: 'refundedCents', before: 0, after: 3172 }]));

    const prepaidDiff = expectStatus(await world.accountant.get(`/api/history/prepaid/${customerId}/diff?from=${q(fulfilled)}&to=${q(refunded)}`), 200).json();
    expect(prepaidDiff.changes).toEqual(expect.arrayContaining([{ path: 'balanceCents', before: 5000 - 3172, after: 5000 }, { path: 'creditedCents', before: 0, after: 3172 }]));
  });

  it('refuses bad input naming the field and the rule; an unknown record or one not there yet is a 404; only who reads the records may ask', async () => {
    world = await startApi();
    await addGuideProducts(world);
    const beforeCustomer = await instantNow();
    const customerId = await registerPerson(world);
    const now = await instantNow();

    const notADate = expectStatus(await world.operator.get(`/api/history/customer/${customerId}?asOf=yesterday`), 400).json();
    expect(notADate).toMatchObject({ code: 'input_invalid', errors: { asOf: expect.stringContaining('must be an ISO-8601 date-time with Z or an offset') } });
    const noZone = expectStatus(await world.operator.get(`/api/history/customer/${customerId}?asOf=2026-11-25T10:00:00`), 400).json();
    expect(noZone.errors).toHaveProperty('asOf');
    const missing = expectStatus(await world.operator.get(`/api/history/customer/${customerId}`), 400).json();
    expect(missing.message).toContain('asOf');
    const unknownKind = expectStatus(await world.operator.get(`/api/history/coupon/${customerId}?asOf=${q(now)}`), 400).json();
    expect(unknownKind.message).toMatch(/kind: must be one of order, customer, prepaid, invoice/);
    const backwards = expectStatus(await world.operator.get(`/api/history/customer/${customerId}/diff?from=${q(now)}&to=${q(beforeCustomer)}`), 400).json();
    expect(backwards).toMatchObject({ code: 'span_invalid', message: 'from: must not be after to', errors: { from: 'from: must not be after to' } });

    expect(expectStatus(await world.operator.get(`/api/history/order/00000000-0000-4000-8000-000000000000?asOf=${q(now)}`), 404).json()).toMatchObject({ code: 'order_not_found' });
    expect(expectStatus(await world.operator.get(`/api/history/customer/${customerId}?asOf=${q(beforeCustomer)}`), 404).json()).toMatchObject({
      code: 'customer_not_found',
      message: `customer ${customerId} did not exist at ${beforeCustomer}`,
    });

    expectStatus(await world.anonymous.get(`/api/history/customer/${customerId}?asOf=${q(now)}`), 401);
    expectStatus(await world.admin.get(`/api/history/customer/${customerId}?asOf=${q(now)}`), 403);
  });
});
