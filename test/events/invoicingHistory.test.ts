// The invoicing stored history (events/invoicing.ts): documents written by older code read as today's.
import { describe, expect, it } from 'vitest';
import { read, roundTrip } from './storedHistory';

const AT = '2026-11-25T09:00:00.000Z';
const address = { street: 'Via Roma 1', postalCode: '00100', city: 'Roma', province: 'RM', country: 'IT' };
const buyer = { name: 'Mario Rossi', codiceFiscale: 'RSSMRA80A01H501U', partitaIva: null, address };
const line = { productCode: 'RIN-FIRMA-CNS', description: 'Rinnovo', renews: 'both', quantity: 1, unitPriceCents: 2600, vatRateBp: 2200 };
const amountsV1 = {
  lines: [{ ...line, taxable: 2600, vat: 572, total: 3172 }],
  vatSummary: [{ rateBp: 2200, taxable: 2600, vat: 572, total: 3172 }],
  totals: { taxable: 2600, vat: 572, total: 3172 },
};
const amountsToday = {
  lines: [{ ...line, taxableCents: 2600, vatCents: 572, totalCents: 3172 }],
  vatSummary: [{ rateBp: 2200, taxableCents: 2600, vatCents: 572, totalCents: 3172 }],
  totals: { taxableCents: 2600, vatCents: 572, totalCents: 3172 },
};

describe('invoicing: version 1 (amounts without …Cents) reads as today', () => {
  it('InvoiceIssued', () => {
    const common = { invoiceId: 'i-1', year: 2026, number: 1, issuedOn: '2026-11-25', orderId: 'o-1', customerId: 'c-1', buyer, issuedAt: AT };
    const seller = { name: 'Firma Facile S.r.l.', vatNumber: '01234560017', taxCode: '12367820011', address };
    const { data, version } = read('InvoiceIssued', { ...common, seller, ...amountsV1 });
    expect(version).toBeGreaterThanOrEqual(2);
    expect(data).toMatchObject({ ...common, ...amountsToday });
    expect(roundTrip('InvoiceIssued', data)).toEqual(data);
  });

  it('CreditNoteIssued', () => {
    const common = {
      creditNoteId: 'cn-1',
      year: 2026,
      number: 1,
      issuedOn: '2026-11-25',
      invoiceId: 'i-1',
      invoiceYear: 2026,
      invoiceNumber: 1,
      orderId: 'o-1',
      couponIds: ['k-1'],
      buyer,
      refundTo: 'prepaid',
      issuedAt: AT,
    };
    const seller = { name: 'Firma Facile S.r.l.', vatNumber: '01234560017', taxCode: null, address };
    const { data, version } = read('CreditNoteIssued', { ...common, seller, ...amountsV1 });
    expect(version).toBeGreaterThanOrEqual(2);
    expect(data).toMatchObject({ ...common, ...amountsToday });
  });

  it('the numbering guards are as they were stored', () => {
    const assigned = { year: 2026, number: 1, invoiceId: 'i-1', orderId: 'o-1', assignedAt: AT };
    expect(read('InvoiceNumberAssigned', assigned)).toEqual({ data: assigned, version: 1 });
  });
});
