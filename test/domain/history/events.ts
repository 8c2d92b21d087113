// Recorded events for the time-travel tests: each with the instant the store recorded it, which
// is what "as of" cuts on (not the times in the data).
import type { HistoryEvent } from '../../../domain/history/recorded';

let position = 0;
export const recorded = (stream: string, at: string, type: string, data: unknown): HistoryEvent => ({ stream, position: ++position, type, data, at });

export const T = (hhmm: string) => `2026-03-02T${hhmm}:00.000Z`;

const line = { productCode: 'SIG+AUT', description: 'Sottoscrizione e Autenticazione', renews: 'both', quantity: 1, unitPriceCents: 2600, vatRateBp: 2200, taxableCents: 2600, vatCents: 572, totalCents: 3172 };
const totals = { taxableCents: 2600, vatCents: 572, totalCents: 3172 };
export const RF = 'RF18539007547034';

export const orderPlaced = (at: string) =>
  recorded('order-o-1', at, 'OrderPlaced', {
    orderId: 'o-1',
    customerId: 'c-1',
    choice: 'manual',
    holderCodiceFiscale: null,
    deviceSerial: null,
    lines: [line],
    vatSummary: [{ rateBp: 2200, ...totals }],
    totals,
    codesEmail: 'mario.rossi@example.it',
    payment: { mode: 'direct', method: 'bank_transfer', rfReference: RF, expiresAt: '2026-03-20T09:00:00.000Z' },
    placedAt: at,
  });

export const paymentReceived = (at: string, amount: number, applied: number, due: number, paymentId = 'p-1') =>
  recorded('order-o-1', at, 'OrderPaymentReceived', {
    orderId: 'o-1',
    customerId: 'c-1',
    paymentId,
    method: 'bank_transfer',
    amountCents: amount,
    appliedCents: applied,
    surplusCents: amount - applied,
    amountDueCents: due,
    // The bank's day: earlier than when the back office recorded it.
    receivedAt: '2026-03-01T09:00:00.000Z',
  });

export const orderPaid = (at: string) => recorded('order-o-1', at, 'OrderPaid', { orderId: 'o-1', amountCents: 3172, via: 'payments', paidAt: at });

export const orderFulfilled = (at: string) =>
  recorded('order-o-1', at, 'OrderFulfilled', { orderId: 'o-1', couponIds: ['k-1'], invoiceId: 'inv-1', invoiceYear: 2026, invoiceNumber: 7, fulfilledAt: at });

const seller = { name: 'Firma Facile S.r.l.', codiceFiscale: null, partitaIva: '01234560017', address: { street: 'Via Roma 1', postalCode: '00100', city: 'Roma', province: 'RM', country: 'IT' } };
const buyer = { name: 'Mario Rossi', codiceFiscale: 'RSSMRA80A01H501U', partitaIva: null, address: seller.address };

export const invoiceIssued = (at: string) =>
  recorded('invoice-inv-1', at, 'InvoiceIssued', {
    invoiceId: 'inv-1', year: 2026, number: 7, issuedOn: '2026-03-02', orderId: 'o-1', customerId: 'c-1', seller, buyer,
    lines: [line], vatSummary: [{ rateBp: 2200, ...totals }], totals, issuedAt: at,
  });

export const creditNoteIssued = (at: string, invoiceId = 'inv-1') =>
  recorded(`credit-note-cn-1`, at, 'CreditNoteIssued', {
    creditNoteId: 'cn-1', year: 2026, number: 1, issuedOn: '2026-03-02', invoiceId, invoiceYear: 2026, invoiceNumber: 7, orderId: 'o-1',
    couponIds: ['k-1'], seller, buyer, lines: [line], vatSummary: [{ rateBp: 2200, ...totals }], totals, refundTo: 'prepaid', issuedAt: at,
  });

export const sdiReceipt = (at: string, receipt: 'RC' | 'NS' | 'MC', receivedAt: string, errors: string[] = []) =>
  recorded('sdi-invoice-inv-1', at, 'SdiReceiptRecorded', {
    documentKind: 'invoice', documentId: 'inv-1', receipt, sdiIdentifier: '111', messageId: `m-${receipt}-${receivedAt}`, fileName: 'IT01234560017_00001.xml',
    receivedAt, deliveredAt: receipt === 'RC' ? receivedAt : null, errors: errors.map((code) => ({ code, description: 'x', suggestion: null })), note: null,
    receiptFileName: 'r.xml', sha256: 'a'.repeat(64), recordedBy: 'u-1', recordedAt: at,
  });

export const customerRegistered = (at: string) =>
  recorded('customer-c-1', at, 'CustomerRegistered', {
    customerId: 'c-1', kind: 'person', name: 'Mario', surname: 'Rossi', codiceFiscale: 'RSSMRA80A01H501U', registrationOfficer: false,
    email: 'mario.rossi@example.it', billingAddress: { street: 'Via Roma 1', postalCode: '00100', city: 'Roma', province: 'RM', country: 'IT' }, registeredAt: at,
  });

export const emailChanged = (at: string, from: string, to: string) =>
  recorded('customer-c-1', at, 'CustomerEmailChanged', { customerId: 'c-1', oldEmail: from, newEmail: to, changedAt: at });

export const sdiAddressChanged = (at: string, sdiCode: string | null, pecAddress: string | null) =>
  recorded('customer-c-1', at, 'CustomerSdiAddressChanged', { customerId: 'c-1', sdiCode, pecAddress, changedAt: at });

export const toppedUp = (at: string, credited: number, fee: number, balanceAfter: number) =>
  recorded('prepaid-c-1', at, 'PrepaidToppedUp', {
    customerId: 'c-1', topUpId: `t-${at}`, amountReceivedCents: credited + fee, feeCents: fee, creditedCents: credited, feeRateBp: 180,
    method: 'bank_transfer', reference: 'CRO1', receivedOn: '2026-03-02', balanceAfterCents: balanceAfter, recordedAt: at,
  });

export const debited = (at: string, amount: number, balanceAfter: number) =>
  recorded('prepaid-c-1', at, 'PrepaidDebited', { customerId: 'c-1', orderId: 'o-1', amountCents: amount, balanceAfterCents: balanceAfter, debitedAt: at });

export const adjustmentRequested = (at: string, amount: number) =>
  recorded('prepaid-c-1', at, 'PrepaidAdjustmentRequested', { customerId: 'c-1', adjustmentId: 'a-1', amountCents: amount, reason: 'rimborso in contanti', requestedBy: 'u-1', requestedAt: at });

export const adjustmentApproved = (at: string, amount: number, balanceAfter: number) =>
  recorded('prepaid-c-1', at, 'PrepaidAdjustmentApproved', {
    customerId: 'c-1', adjustmentId: 'a-1', amountCents: amount, reason: 'rimborso in contanti', requestedBy: 'u-1', approvedBy: 'u-2', balanceAfterCents: balanceAfter, approvedAt: at,
  });
