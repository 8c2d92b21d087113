// The credit note (stream `credit-note-<creditNoteId>`): the refund of unused coupons of an
// invoiced order, at the invoice's unit prices and VAT rates. Numbered on its own gapless
// sequence per year (`credit-note-numbers-<year>`). Issued once, never changed.
import type { CreditNoteEvent } from './events';
import { DomainError, conflict, invalid } from '../shared/errors';
import { formatDocumentNumber, priceDocument, romeDateOf, type InvoiceState, type InvoicedLine } from './decider';

export const streamOf = (creditNoteId: string): string => `credit-note-${creditNoteId}`;

export type IssuedCreditNote = { status: 'issued' } & CreditNoteEvent['data'];
export type CreditNoteState = { status: 'none' } | IssuedCreditNote;

export const initialState = (): CreditNoteState => ({ status: 'none' });

export function evolve(_state: CreditNoteState, event: CreditNoteEvent): CreditNoteState {
  switch (event.type) {
    case 'CreditNoteIssued':
      return { status: 'issued', ...event.data };
  }
}

export const creditNoteAggregate = { initialState, evolve };

export interface IssueCreditNote {
  creditNoteId: string;
  /** Assigned on `credit-note-numbers-<year>`, for the Rome year of `at`. */
  year: number;
  number: number;
  /** The invoice being credited, as read from its stream. */
  invoice: InvoiceState;
  /** The refunded coupons and their lines, from planRefund. */
  couponIds: readonly string[];
  lines: readonly InvoicedLine[];
  refundTo: 'prepaid' | 'paid_out';
  at: string;
}

export function issueCreditNote(command: IssueCreditNote, state: CreditNoteState): CreditNoteEvent[] {
  const { invoice } = command;
  if (invoice.status !== 'issued') throw new DomainError('invoice_not_found', 'invoice not found', 'not_found');
  if (state.status === 'issued') {
    if (state.invoiceId === invoice.invoiceId && state.year === command.year && state.number === command.number) return [];
    throw conflict('credit_note_already_issued', `credit note ${formatDocumentNumber(state.number, state.year)} has already been issued`);
  }
  const issuedOn = romeDateOf(command.at);
  if (Number(issuedOn.slice(0, 4)) !== command.year) {
    throw conflict('credit_note_year_mismatch', `a credit note issued on ${issuedOn} is numbered in ${issuedOn.slice(0, 4)}, not ${command.year}`);
  }
  if (!Number.isInteger(command.number) || command.number < 1) throw invalid('number', 'must be a positive whole number');
  if (command.lines.length === 0 || command.couponIds.length === 0) throw invalid('lines', 'a credit note refunds at least one coupon');
  if (new Set(command.couponIds).size !== command.couponIds.length) throw invalid('couponIds', 'a coupon is named twice');
  const couponUnits = command.lines.reduce((n, l) => n + (l.renews === 'none' ? 0 : l.quantity), 0);
  if (couponUnits !== command.couponIds.length) {
    throw invalid('couponIds', `the lines refund ${couponUnits} coupons but ${command.couponIds.length} are named`);
  }
  for (const [i, line] of command.lines.entries()) {
    const invoiced = invoice.lines.find((l) => l.productCode === line.productCode);
    if (!invoiced) throw invalid(`lines.${i}`, `product ${line.productCode} is not on invoice ${formatDocumentNumber(invoice.number, invoice.year)}`, 'product_not_on_invoice');
    if (invoiced.unitPriceCents !== line.unitPriceCents || invoiced.vatRateBp !== line.vatRateBp) {
      throw invalid(`lines.${i}`, 'a credit note line takes the unit price and VAT rate of the invoice', 'line_not_as_invoiced');
    }
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > invoiced.quantity) {
      throw invalid(`lines.${i}.quantity`, `at most ${invoiced.quantity} as invoiced`, 'quantity_over_invoiced');
    }
  }
  const priced = priceDocument(command.lines);
  return [
    {
      type: 'CreditNoteIssued',
      data: {
        creditNoteId: command.creditNoteId,
        year: command.year,
        number: command.number,
        issuedOn,
        invoiceId: invoice.invoiceId,
        invoiceYear: invoice.year,
        invoiceNumber: invoice.number,
        orderId: invoice.orderId,
        couponIds: [...command.couponIds],
        seller: invoice.seller,
        buyer: invoice.buyer,
        ...priced,
        refundTo: command.refundTo,
        issuedAt: command.at,
      },
    },
  ];
}
