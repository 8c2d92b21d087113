// The PDFs of invoices and credit notes, rendered from the issued event (the document never
// changes, so neither does its PDF). Made when first downloaded, never at fulfilment: the order
// is fulfilled once the invoice's data is in the log. The PDF is dated at the document's issue,
// so every rendering gives the same bytes; the latest ones are kept to spare a second rendering.
import type { Address, Buyer, Seller } from '../../../domain/invoicing/events';
import type { DocumentLine } from '../../../domain/orders/events';
import { renderFiscalDocumentPdf, type FiscalDocument, type PartyOnDocument } from './invoicePdf';
import { notFound } from '../../../domain/shared/errors';
import { creditNoteAggregate, streamOf as creditNoteStream, type IssuedCreditNote } from '../../../domain/invoicing/creditNote';
import { invoiceAggregate, streamOf as invoiceStream, type IssuedInvoice } from '../../../domain/invoicing/decider';
import { orderAggregate, streamOf as orderStream } from '../../../domain/orders/decider';
import { formatRf } from '../../../domain/shared/rfReference';
import { type SalesDeps } from '../deps';
import { loadAggregate } from '../../commands/handle';
import { keepRecent } from '../../keptRecent';

export function addressLines(a: Address): string[] {
  const place = `${a.postalCode} ${a.city}${a.province && a.province !== 'EE' ? ` (${a.province})` : ''}`;
  return [a.street, place, ...(a.country !== 'IT' ? [a.country] : [])];
}

function sellerOnDocument(seller: Seller, email: string): PartyOnDocument {
  return {
    name: seller.name,
    partitaIva: seller.partitaIva,
    codiceFiscale: seller.codiceFiscale ?? undefined,
    addressLines: addressLines(seller.address),
    email,
  };
}

function buyerOnDocument(buyer: Buyer): PartyOnDocument {
  return {
    name: buyer.name,
    partitaIva: buyer.partitaIva ?? undefined,
    codiceFiscale: buyer.codiceFiscale ?? undefined,
    addressLines: addressLines(buyer.address),
  };
}

const linesOnDocument = (lines: DocumentLine[]): FiscalDocument['lines'] =>
  lines.map((l) => ({
    description: l.description,
    quantity: l.quantity,
    unitPriceCents: l.unitPriceCents,
    vatRateBp: l.vatRateBp,
    taxableCents: l.taxableCents,
    vatCents: l.vatCents,
    totalCents: l.totalCents,
  }));

export interface RenderedDocument<D> {
  pdf: Buffer;
  /** e.g. `fattura-1-2026.pdf`. */
  filename: string;
  document: D;
}

export async function getInvoice(deps: Pick<SalesDeps, 'store' | 'catalogue'>, invoiceId: string): Promise<IssuedInvoice> {
  const { state } = await loadAggregate(deps, invoiceStream(invoiceId), invoiceAggregate);
  if (state.status !== 'issued') throw notFound('invoice', invoiceId);
  return state;
}

export async function getCreditNote(deps: Pick<SalesDeps, 'store' | 'catalogue'>, creditNoteId: string): Promise<IssuedCreditNote> {
  const { state } = await loadAggregate(deps, creditNoteStream(creditNoteId), creditNoteAggregate);
  if (state.status !== 'issued') throw notFound('credit_note', creditNoteId);
  return state;
}

/** PDFs rendered, per store, by document id (the PDFS_KEPT last served): their bytes never change. */
const PDFS_KEPT = 256;
const renderedPdfs = new WeakMap<object, Map<string, Promise<Buffer>>>();

async function keptPdf(store: object, documentId: string, render: () => Promise<Buffer>): Promise<Buffer> {
  let kept = renderedPdfs.get(store);
  if (!kept) renderedPdfs.set(store, (kept = new Map()));
  // The rendering is kept, not only its bytes, so that downloads arriving while it runs share it.
  // A PDF served again becomes the most recent, so the ones people keep downloading stay.
  const pdf = kept.get(documentId) ?? render();
  keepRecent(kept, documentId, pdf, PDFS_KEPT);
  try {
    return await pdf;
  } catch (error) {
    // A rendering that failed is not kept: the next download tries again.
    if (kept.get(documentId) === pdf) kept.delete(documentId);
    throw error;
  }
}

export async function invoicePdf(deps: SalesDeps, input: { invoiceId: string }): Promise<RenderedDocument<IssuedInvoice>> {
  const invoice = await getInvoice(deps, input.invoiceId);
  const pdf = await keptPdf(deps.store, `invoice:${invoice.invoiceId}`, () => renderInvoicePdf(deps, invoice));
  return { pdf, filename: `fattura-${invoice.number}-${invoice.year}.pdf`, document: invoice };
}

async function renderInvoicePdf(deps: SalesDeps, invoice: IssuedInvoice): Promise<Buffer> {
  const notes = [`Ordine ${invoice.orderId}`];
  const { state: order } = await loadAggregate(deps, orderStream(invoice.orderId), orderAggregate);
  if (order.status !== 'none') {
    notes.push(
      order.payment.mode === 'prepaid'
        ? 'Pagamento: addebito sul conto prepagato'
        : `Pagamento: ${paymentMethodInItalian[order.payment.method]}, riferimento ${formatRf(order.payment.rfReference)}`,
    );
  }
  return renderFiscalDocumentPdf({
    kind: 'invoice',
    year: invoice.year,
    number: invoice.number,
    issuedOn: invoice.issuedOn,
    issuedAt: invoice.issuedAt,
    seller: sellerOnDocument(invoice.seller, deps.settings.seller.email),
    buyer: buyerOnDocument(invoice.buyer),
    lines: linesOnDocument(invoice.lines),
    vatSummary: invoice.vatSummary.map((v) => ({ rateBp: v.rateBp, taxableCents: v.taxableCents, vatCents: v.vatCents })),
    totals: invoice.totals,
    notes,
  });
}

export async function creditNotePdf(deps: SalesDeps, input: { creditNoteId: string }): Promise<RenderedDocument<IssuedCreditNote>> {
  const note = await getCreditNote(deps, input.creditNoteId);
  const invoice = await getInvoice(deps, note.invoiceId);
  const pdf = await keptPdf(deps.store, `credit-note:${note.creditNoteId}`, () => renderFiscalDocumentPdf({
    kind: 'credit_note',
    year: note.year,
    number: note.number,
    issuedOn: note.issuedOn,
    issuedAt: note.issuedAt,
    seller: sellerOnDocument(note.seller, deps.settings.seller.email),
    buyer: buyerOnDocument(note.buyer),
    lines: linesOnDocument(note.lines),
    vatSummary: note.vatSummary.map((v) => ({ rateBp: v.rateBp, taxableCents: v.taxableCents, vatCents: v.vatCents })),
    totals: note.totals,
    correctsInvoice: { year: invoice.year, number: invoice.number, issuedOn: invoice.issuedOn },
    notes: [
      `Ordine ${note.orderId}: rimborso di ${note.couponIds.length} coupon non utilizzat${note.couponIds.length === 1 ? 'o' : 'i'}`,
      note.refundTo === 'prepaid' ? 'Rimborso accreditato sul conto prepagato' : 'Rimborso da pagare al cliente',
    ],
  }));
  return { pdf, filename: `nota-di-credito-${note.number}-${note.year}.pdf`, document: note };
}

const paymentMethodInItalian = {
  credit_card: 'carta di credito',
  bank_transfer: 'bonifico bancario',
  postal_slip: 'bollettino postale',
  cheque: 'assegno',
  cash: 'contanti',
} as const;
