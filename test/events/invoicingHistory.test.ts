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
/** The seller as versions 1 and 2 stored it, and as it reads today (named as the buyer). */
const sellerV1 = { name: 'Firma Facile S.r.l.', vatNumber: '01234560017', taxCode: '12367820011', address };
const sellerToday = { name: 'Firma Facile S.r.l.', codiceFiscale: '12367820011', partitaIva: '01234560017', address };

const invoice = { invoiceId: 'i-1', year: 2026, number: 1, issuedOn: '2026-11-25', orderId: 'o-1', customerId: 'c-1', buyer, issuedAt: AT };
const creditNote = {
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

describe('invoicing: older versions read as today', () => {
  it('InvoiceIssued v1: amounts without …Cents, seller vatNumber/taxCode', () => {
    const today = { ...invoice, seller: sellerToday, ...amountsToday };
    expect(read('InvoiceIssued', { ...invoice, seller: sellerV1, ...amountsV1 })).toEqual({ data: today, version: 3 });
    expect(roundTrip('InvoiceIssued', today)).toEqual(today);
  });

  it('InvoiceIssued v2: amounts in …Cents already, seller vatNumber/taxCode', () => {
    expect(read('InvoiceIssued', { ...invoice, seller: sellerV1, ...amountsToday }, { version: 2 })).toEqual({
      data: { ...invoice, seller: sellerToday, ...amountsToday },
      version: 3,
    });
  });

  it('CreditNoteIssued v1 and v2, a seller without its own codice fiscale', () => {
    const seller = { ...sellerV1, taxCode: null };
    const today = { ...creditNote, seller: { ...sellerToday, codiceFiscale: null }, ...amountsToday };
    expect(read('CreditNoteIssued', { ...creditNote, seller, ...amountsV1 })).toEqual({ data: today, version: 3 });
    expect(read('CreditNoteIssued', { ...creditNote, seller, ...amountsToday }, { version: 2 })).toEqual({ data: today, version: 3 });
    expect(roundTrip('CreditNoteIssued', today)).toEqual(today);
  });

  it('the numbering guards are as they were stored', () => {
    const assigned = { year: 2026, number: 1, invoiceId: 'i-1', orderId: 'o-1', assignedAt: AT };
    expect(read('InvoiceNumberAssigned', assigned)).toEqual({ data: assigned, version: 1 });
  });
});
