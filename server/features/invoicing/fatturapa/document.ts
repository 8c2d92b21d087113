// What goes into the FatturaPA file of an invoice (TD01) or a credit note (TD04): the issued
// document as it was issued (seller, buyer, lines, VAT summary, totals never change), plus what
// the SdI needs to deliver it, read now: the customer's recipient code or PEC address, the seller's
// RegimeFiscale from configuration, the order's payment.
import type { IssuedCreditNote } from '../../../../domain/invoicing/creditNote';
import type { IssuedInvoice } from '../../../../domain/invoicing/decider';
import type { CustomerState } from '../../../../domain/customers/decider';
import type { OrderPayment } from '../../../../domain/orders/events';
import { formatDocumentNumber } from '../../../../domain/shared/documentNumber';
import type { SellerSettings } from '../../deps';
import type { FatturaPaDocument, ModalitaPagamento, PartyName } from './fatturaXml';
import { fatturaPaFileName, progressivoOf, type FiscalDocumentKind } from './fileName';

/** The code for "no recipient code": the SdI then delivers to the PEC address, or to the buyer's tax drawer. */
export const NO_RECIPIENT_CODE = '0000000';

type Customer = Extract<CustomerState, { status: 'registered' }>;

/**
 * CodiceDestinatario: a firm's recipient code; otherwise 0000000, with the PEC address when one
 * is known (a consumer without one finds the invoice in their tax drawer).
 */
export function recipientOf(customer: Customer | null): FatturaPaDocument['recipient'] {
  if (customer?.sdiCode) return { codiceDestinatario: customer.sdiCode, pecDestinatario: null };
  return { codiceDestinatario: NO_RECIPIENT_CODE, pecDestinatario: customer?.pecAddress ?? null };
}

/**
 * How the invoice was paid. A direct payment by its method, with the RF reference as CodicePagamento
 * where the payer quotes it (transfer, postal slip). A prepaid order was paid by debiting money the
 * seller had already received on the customer's prepaid account: MP22, "trattenuta su somme già
 * riscosse", is that (MP08/MP05 would claim a card or transfer payment of this invoice that never
 * happened; the top-up's own method belongs to the top-up).
 */
export function paymentOf(payment: OrderPayment | null, amountCents: number): FatturaPaDocument['payment'] {
  if (payment === null) return null;
  if (payment.mode === 'prepaid') return { modalita: 'MP22', amountCents, codicePagamento: null };
  const modalita: Record<typeof payment.method, ModalitaPagamento> = {
    bank_transfer: 'MP05',
    postal_slip: 'MP18',
    credit_card: 'MP08',
    cheque: 'MP02',
    cash: 'MP01',
  };
  const quotesReference = payment.method === 'bank_transfer' || payment.method === 'postal_slip';
  return { modalita: modalita[payment.method], amountCents, codicePagamento: quotesReference ? payment.rfReference : null };
}

interface Context {
  seller: Pick<SellerSettings, 'regimeFiscale' | 'email'>;
  /** The customer as registered now (null when not found: then by the document's buyer alone). */
  customer: Customer | null;
}

function common(kind: FiscalDocumentKind, doc: IssuedInvoice | IssuedCreditNote, context: Context) {
  const progressivo = progressivoOf(kind, doc.year, doc.number);
  const person = context.customer?.kind === 'person' && context.customer.surname !== null;
  const name: PartyName = person ? { nome: context.customer!.name, cognome: context.customer!.surname! } : { denominazione: doc.buyer.name };
  const fields = {
    progressivoInvio: progressivo,
    transmitter: { idCodice: doc.seller.codiceFiscale ?? doc.seller.partitaIva },
    recipient: recipientOf(context.customer),
    seller: {
      partitaIva: doc.seller.partitaIva,
      codiceFiscale: doc.seller.codiceFiscale,
      name: doc.seller.name,
      regimeFiscale: context.seller.regimeFiscale,
      address: doc.seller.address,
      email: context.seller.email,
    },
    buyer: { partitaIva: doc.buyer.partitaIva, codiceFiscale: doc.buyer.codiceFiscale, name, address: doc.buyer.address },
    date: doc.issuedOn,
    number: formatDocumentNumber(doc.number, doc.year),
    totalCents: doc.totals.totalCents,
    lines: doc.lines.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      unitPriceCents: l.unitPriceCents,
      taxableCents: l.taxableCents,
      vatRateBp: l.vatRateBp,
    })),
    vatSummary: doc.vatSummary.map((v) => ({ rateBp: v.rateBp, taxableCents: v.taxableCents, vatCents: v.vatCents })),
  };
  return { fields, fileName: fatturaPaFileName(doc.seller.partitaIva, progressivo) };
}

export function invoiceDocument(invoice: IssuedInvoice, context: Context & { payment: OrderPayment | null }): { document: FatturaPaDocument; fileName: string } {
  const { fields, fileName } = common('invoice', invoice, context);
  return {
    document: { ...fields, tipoDocumento: 'TD01', linkedInvoice: null, payment: paymentOf(context.payment, invoice.totals.totalCents) },
    fileName,
  };
}

/**
 * A credit note: TD04 with DatiFattureCollegate naming the invoice it corrects. No DatiPagamento:
 * the refund goes to the customer (prepaid credit or paid out), it is not a payment of this document.
 */
export function creditNoteDocument(note: IssuedCreditNote, invoice: IssuedInvoice, context: Context): { document: FatturaPaDocument; fileName: string } {
  const { fields, fileName } = common('credit_note', note, context);
  return {
    document: {
      ...fields,
      tipoDocumento: 'TD04',
      linkedInvoice: { number: formatDocumentNumber(invoice.number, invoice.year), date: invoice.issuedOn },
      payment: null,
    },
    fileName,
  };
}
