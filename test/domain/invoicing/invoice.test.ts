import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { invoiceEventShapes, type Buyer, type CreditNoteEvent, type InvoiceEvent, type InvoicingEvent, type Seller } from '../../../domain/invoicing/events';
import type { DocumentLine } from '../../../domain/orders/events';
import { creditNoteAggregate, issueCreditNote, streamOf as creditNoteStreamOf, type IssueCreditNote } from '../../../domain/invoicing/creditNote';
import {
  formatDocumentNumber,
  invoiceAggregate,
  invoiceYearOf,
  issueInvoice,
  romeDateOf,
  streamOf,
  type IssueInvoice,
} from '../../../domain/invoicing/decider';
import { fold, specFor } from '../gwt';

const catalogue = new EventCatalogue<InvoicingEvent>(invoiceEventShapes);
const spec = specFor(invoiceAggregate, { catalogue });
const cnSpec = specFor(creditNoteAggregate, { catalogue });

const AT = '2026-05-04T10:00:00.000Z';
const seller: Seller = {
  name: 'Firme Digitali S.r.l.',
  partitaIva: '01234560017',
  codiceFiscale: null,
  address: { street: 'Via Roma 1', postalCode: '20121', city: 'Milano', province: 'MI', country: 'IT' },
};
const buyer: Buyer = {
  name: 'Mario Rossi',
  codiceFiscale: 'rssmra85t10a562s',
  partitaIva: null,
  address: { street: 'Via Verdi 2', postalCode: '00100', city: 'Roma', province: 'RM', country: 'IT' },
};
const line = (productCode: string, description: string, unitPriceCents: number, quantity: number, renews: DocumentLine['renews'] = 'signing') => ({
  productCode,
  description,
  renews,
  unitPriceCents,
  quantity,
  vatRateBp: 2200,
});
const orderLines = [line('RIN-ENTRAMBI', 'Rinnovo Sottoscrizione e Autenticazione', 2600, 1, 'both'), line('RIN-FIRMA', 'Rinnovo Sottoscrizione', 1100, 3)];

const issue: IssueInvoice = { invoiceId: 'inv-1', year: 2026, number: 7, orderId: 'o-1', customerId: 'c-1', seller, buyer, lines: orderLines, at: AT };
const issued: InvoiceEvent = {
  type: 'InvoiceIssued',
  data: {
    invoiceId: 'inv-1',
    year: 2026,
    number: 7,
    issuedOn: '2026-05-04',
    orderId: 'o-1',
    customerId: 'c-1',
    seller,
    buyer: { ...buyer, codiceFiscale: 'RSSMRA85T10A562S' },
    lines: [
      { ...orderLines[0]!, taxableCents: 2600, vatCents: 572, totalCents: 3172 },
      { ...orderLines[1]!, taxableCents: 3300, vatCents: 726, totalCents: 4026 },
    ],
    vatSummary: [{ rateBp: 2200, taxableCents: 5900, vatCents: 1298, totalCents: 7198 }],
    totals: { taxableCents: 5900, vatCents: 1298, totalCents: 7198 },
    issuedAt: AT,
  },
};

describe('the Rome calendar day', () => {
  it('is the date of issue and the numbering year', () => {
    expect(romeDateOf('2026-12-31T22:59:59.000Z')).toBe('2026-12-31');
    expect(romeDateOf('2026-12-31T23:00:00.000Z')).toBe('2027-01-01'); // CET, UTC+1
    expect(romeDateOf('2026-06-30T22:30:00.000Z')).toBe('2026-07-01'); // CEST, UTC+2
    expect(invoiceYearOf('2026-12-31T23:30:00.000Z')).toBe(2027);
    expect(formatDocumentNumber(7, 2026)).toBe('7/2026');
  });
});

describe('issuing an invoice', () => {
  it('stream invoice-<id>', () => expect(streamOf('inv-1')).toBe('invoice-inv-1'));

  it('with its number, Rome date, seller, buyer, lines as placed, VAT summary and totals (the guide\'s €26.00 + 22 % = €31.72 line)', () => {
    spec.given([]).when((s) => issueInvoice(issue, s)).then([issued]);
  });

  it('the day and year are Rome\'s: a number of another year is refused', () => {
    spec.given([]).when((s) => issueInvoice({ ...issue, at: '2026-12-31T23:30:00.000Z' }, s)).then({ error: 'invoice_year_mismatch', kind: 'conflict' });
    const [e] = spec.given([]).when((s) => issueInvoice({ ...issue, year: 2027, number: 1, at: '2026-12-31T23:30:00.000Z' }, s)).events();
    expect(e).toMatchObject({ data: { year: 2027, number: 1, issuedOn: '2027-01-01' } });
  });

  it('never changes once issued: the same issue again does nothing, any other is refused', () => {
    spec.given([issued]).when((s) => issueInvoice(issue, s)).thenNothing();
    spec.given([issued]).when((s) => issueInvoice({ ...issue, number: 8 }, s)).then({ error: 'invoice_already_issued', kind: 'conflict' });
    spec.given([issued]).when((s) => issueInvoice({ ...issue, orderId: 'o-2' }, s)).then({ error: 'invoice_already_issued' });
  });

  it('needs the buyer\'s codice fiscale or partita IVA, valid', () => {
    spec.given([]).when((s) => issueInvoice({ ...issue, buyer: { ...buyer, codiceFiscale: null } }, s)).then({ error: 'buyer_fiscal_identifier_required', kind: 'invalid' });
    spec.given([]).when((s) => issueInvoice({ ...issue, buyer: { ...buyer, codiceFiscale: 'RSSMRA85T10A562X' } }, s)).then({ error: 'codice_fiscale_invalid' });
    spec.given([]).when((s) => issueInvoice({ ...issue, buyer: { ...buyer, codiceFiscale: null, partitaIva: '01234560018' } }, s)).then({ error: 'partita_iva_invalid' });
    const [firm] = spec.given([]).when((s) => issueInvoice({ ...issue, buyer: { ...buyer, name: 'Studio Rossi', codiceFiscale: null, partitaIva: 'IT 01234560017' } }, s)).events();
    expect(firm).toMatchObject({ data: { buyer: { partitaIva: '01234560017', codiceFiscale: null } } });
  });

  it('needs lines and a complete seller', () => {
    spec.given([]).when((s) => issueInvoice({ ...issue, lines: [] }, s)).then({ error: 'input_invalid', field: 'lines' });
    spec.given([]).when((s) => issueInvoice({ ...issue, seller: { ...seller, partitaIva: '' } }, s)).then({ error: 'seller_incomplete' });
  });
});

describe('issuing a credit note', () => {
  const invoice = fold(invoiceAggregate, [issued]);
  const later = '2026-06-01T08:00:00.000Z';
  const credit: IssueCreditNote = {
    creditNoteId: 'cn-1',
    year: 2026,
    number: 1,
    invoice,
    couponIds: ['k-2', 'k-3'],
    lines: [line('RIN-FIRMA', 'Rinnovo Sottoscrizione', 1100, 2)],
    refundTo: 'prepaid',
    at: later,
  };
  const creditIssued: CreditNoteEvent = {
    type: 'CreditNoteIssued',
    data: {
      creditNoteId: 'cn-1',
      year: 2026,
      number: 1,
      issuedOn: '2026-06-01',
      invoiceId: 'inv-1',
      invoiceYear: 2026,
      invoiceNumber: 7,
      orderId: 'o-1',
      couponIds: ['k-2', 'k-3'],
      seller,
      buyer: { ...buyer, codiceFiscale: 'RSSMRA85T10A562S' },
      lines: [{ ...line('RIN-FIRMA', 'Rinnovo Sottoscrizione', 1100, 2), taxableCents: 2200, vatCents: 484, totalCents: 2684 }],
      vatSummary: [{ rateBp: 2200, taxableCents: 2200, vatCents: 484, totalCents: 2684 }],
      totals: { taxableCents: 2200, vatCents: 484, totalCents: 2684 },
      refundTo: 'prepaid',
      issuedAt: later,
    },
  };

  it('stream credit-note-<id>', () => expect(creditNoteStreamOf('cn-1')).toBe('credit-note-cn-1'));

  it('credits the refunded coupons at the invoice\'s unit price and VAT rate, referring to the invoice', () => {
    cnSpec.given([]).when((s) => issueCreditNote(credit, s)).then([creditIssued]);
  });

  it('once: the same again does nothing, another is refused', () => {
    cnSpec.given([creditIssued]).when((s) => issueCreditNote(credit, s)).thenNothing();
    cnSpec.given([creditIssued]).when((s) => issueCreditNote({ ...credit, number: 2 }, s)).then({ error: 'credit_note_already_issued', kind: 'conflict' });
  });

  it('refuses lines not as invoiced, more than invoiced, and coupons that do not add up', () => {
    cnSpec.given([]).when((s) => issueCreditNote({ ...credit, lines: [line('RIN-CNS', 'x', 1100, 2, 'authentication')] }, s)).then({ error: 'product_not_on_invoice' });
    cnSpec.given([]).when((s) => issueCreditNote({ ...credit, lines: [line('RIN-FIRMA', 'x', 1000, 2)] }, s)).then({ error: 'line_not_as_invoiced' });
    cnSpec
      .given([])
      .when((s) => issueCreditNote({ ...credit, couponIds: ['k-1', 'k-2', 'k-3', 'k-4'], lines: [line('RIN-FIRMA', 'x', 1100, 4)] }, s))
      .then({ error: 'quantity_over_invoiced' });
    cnSpec.given([]).when((s) => issueCreditNote({ ...credit, couponIds: ['k-2'] }, s)).then({ error: 'input_invalid', field: 'couponIds' });
  });

  it('refuses a missing invoice and a number of another year', () => {
    cnSpec.given([]).when((s) => issueCreditNote({ ...credit, invoice: { status: 'none' } }, s)).then({ error: 'invoice_not_found', kind: 'not_found' });
    cnSpec.given([]).when((s) => issueCreditNote({ ...credit, year: 2027 }, s)).then({ error: 'credit_note_year_mismatch' });
  });
});
