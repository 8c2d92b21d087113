// The invoice (stream `invoice-<invoiceId>`): issued once, with a number assigned beforehand on
// the year's numbering guard (see numbering.ts); never changed or deleted afterwards — there is
// no event that would. Corrections are credit notes (creditNote.ts).
import { formatDocumentNumber } from '../shared/documentNumber';
import type { Address, Buyer, InvoiceEvent, Seller } from './events';
import type { DocumentLine, Totals } from '../orders/events';
import { conflict, invalid } from '../shared/errors';
import { checkCodiceFiscale } from '../shared/codiceFiscale';
import { lineAmounts, vatSummary, type VatRateSummary } from '../shared/money';
import { checkPartitaIva } from '../shared/partitaIva';
import { romeDayOf } from '../shared/romeCalendar';
import { isUtcDateTime } from '../shared/utcTime';

export const streamOf = (invoiceId: string): string => `invoice-${invoiceId}`;

/** The calendar day in Europe/Rome of an instant, `YYYY-MM-DD`. */
export function romeDateOf(at: string): string {
  if (!isUtcDateTime(at)) throw invalid('at', 'must be an ISO-8601 UTC date-time');
  return romeDayOf(at);
}

/** The year an invoice issued at `at` is numbered in (the Rome calendar year). */
export const invoiceYearOf = (at: string): number => Number(romeDateOf(at).slice(0, 4));

/** `17/2026`, as printed. */
export { formatDocumentNumber };

export type InvoicedLine = Pick<DocumentLine, 'productCode' | 'description' | 'renews' | 'quantity' | 'unitPriceCents' | 'vatRateBp'>;

export interface PricedDocument {
  lines: DocumentLine[];
  vatSummary: VatRateSummary[];
  totals: Totals;
}

/** Recomputes the amounts of the lines (per line, VAT half up) and the summary per rate. */
export function priceDocument(lines: readonly InvoicedLine[]): PricedDocument {
  const priced: DocumentLine[] = lines.map((l) => {
    const input = { unitPriceCents: l.unitPriceCents, quantity: l.quantity, vatRateBp: l.vatRateBp };
    return { productCode: l.productCode, description: l.description, renews: l.renews, ...input, ...lineAmounts(input) };
  });
  const summary = vatSummary(priced);
  return {
    lines: priced,
    vatSummary: summary.byRate,
    totals: { taxableCents: summary.taxableCents, vatCents: summary.vatCents, totalCents: summary.totalCents },
  };
}

function checkAddress(field: string, a: Address): void {
  for (const key of ['street', 'postalCode', 'city'] as const) {
    if (a[key].trim() === '') throw invalid(`${field}.${key}`, 'is required', 'address_incomplete');
  }
  if (!/^[A-Z]{2}$/.test(a.country)) throw invalid(`${field}.country`, 'must be a two-letter country code', 'address_incomplete');
}

/** Validates and normalises the buyer: a name, an address, and a valid codice fiscale or partita IVA. */
export function checkBuyer(buyer: Buyer): Buyer {
  if (buyer.name.trim() === '') throw invalid('buyer.name', 'is required');
  checkAddress('buyer.address', buyer.address);
  let codiceFiscale: string | null = null;
  let partitaIva: string | null = null;
  if (buyer.codiceFiscale !== null) {
    const cf = checkCodiceFiscale(buyer.codiceFiscale, { allowNumeric: true });
    if (!cf.ok) throw invalid('buyer.codiceFiscale', cf.message, 'codice_fiscale_invalid');
    codiceFiscale = cf.value;
  }
  if (buyer.partitaIva !== null) {
    const piva = checkPartitaIva(buyer.partitaIva);
    if (!piva.ok) throw invalid('buyer.partitaIva', piva.message, 'partita_iva_invalid');
    partitaIva = piva.value;
  }
  if (codiceFiscale === null && partitaIva === null) {
    throw invalid('buyer', 'an invoice needs the buyer\'s codice fiscale or partita IVA', 'buyer_fiscal_identifier_required');
  }
  return { ...buyer, name: buyer.name.trim(), codiceFiscale, partitaIva };
}

export function checkSeller(seller: Seller): void {
  if (seller.name.trim() === '' || seller.partitaIva.trim() === '') throw invalid('seller', 'the seller configuration is incomplete', 'seller_incomplete');
  checkAddress('seller.address', seller.address);
}

export type IssuedInvoice = { status: 'issued' } & InvoiceEvent['data'];
export type InvoiceState = { status: 'none' } | IssuedInvoice;

export const initialState = (): InvoiceState => ({ status: 'none' });

export function evolve(_state: InvoiceState, event: InvoiceEvent): InvoiceState {
  switch (event.type) {
    case 'InvoiceIssued':
      return { status: 'issued', ...event.data };
  }
}

export const invoiceAggregate = { initialState, evolve };

export interface IssueInvoice {
  invoiceId: string;
  /** Assigned on `invoice-numbers-<year>`, for the Rome year of `at`. */
  year: number;
  number: number;
  orderId: string;
  customerId: string;
  seller: Seller;
  buyer: Buyer;
  /** The order's lines, at the price they were placed at. */
  lines: readonly InvoicedLine[];
  at: string;
}

export function issueInvoice(command: IssueInvoice, state: InvoiceState): InvoiceEvent[] {
  if (state.status === 'issued') {
    if (state.orderId === command.orderId && state.year === command.year && state.number === command.number) return [];
    throw conflict('invoice_already_issued', `invoice ${formatDocumentNumber(state.number, state.year)} has already been issued and cannot change`);
  }
  const issuedOn = romeDateOf(command.at);
  if (Number(issuedOn.slice(0, 4)) !== command.year) {
    throw conflict('invoice_year_mismatch', `an invoice issued on ${issuedOn} is numbered in ${issuedOn.slice(0, 4)}, not ${command.year}`);
  }
  if (!Number.isInteger(command.number) || command.number < 1) throw invalid('number', 'must be a positive whole number');
  if (command.lines.length === 0) throw invalid('lines', 'an invoice needs at least one line');
  checkSeller(command.seller);
  const buyer = checkBuyer(command.buyer);
  const priced = priceDocument(command.lines);
  return [
    {
      type: 'InvoiceIssued',
      data: {
        invoiceId: command.invoiceId,
        year: command.year,
        number: command.number,
        issuedOn,
        orderId: command.orderId,
        customerId: command.customerId,
        seller: command.seller,
        buyer,
        ...priced,
        issuedAt: command.at,
      },
    },
  ];
}
