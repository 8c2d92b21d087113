// Read model of the books: `invoices` and `credit_notes`, one row per document as issued (documents
// never change; an invoice row only counts the credit notes against it). Each has its year, its
// progressive number, the number as printed (`42/2026`), the issue day, the order, the customer, the
// buyer, the totals in cents, and the lines and VAT summary as JSON for the show page.
// Search terms: the printed number, the buyer's name, codice fiscale and partita IVA.
// Each document also has its FatturaPA file name and its SdI state (awaiting, delivered, rejected,
// not_delivered: its latest receipt by the SdI's reception time, domain/sdi/decider.ts) with the
// receipts as JSON, oldest first, and, when rejected, the SdI's error codes of that rejection.
import { formatDocumentNumber } from '../../domain/shared/documentNumber';
import type { InvoicingEvent } from '../../domain/invoicing/events';
import { fileNameOfDocument } from '../../domain/invoicing/fatturaPaFileName';
import { sdiStateOf } from '../../domain/sdi/decider';
import type { SdiEvent } from '../../domain/sdi/events';
import { sql, type Projection } from '../projection';
import { addTerms, createTermsTable, isoTime, normaliseText } from './shared';

type SdiReceiptRow = Omit<SdiEvent['data'], 'documentKind' | 'documentId'>;

/** The SdI columns of a document after one more receipt. */
function withReceipt(receiptsJson: string, data: SdiEvent['data']): { receipts: string; state: string; errorCodes: string | null; at: string } {
  const { documentKind: _k, documentId: _i, ...receipt } = data;
  const receipts = [...(JSON.parse(receiptsJson) as SdiReceiptRow[]), receipt].sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
  const state = sdiStateOf(receipts);
  const latest = receipts[receipts.length - 1]!;
  return {
    receipts: JSON.stringify(receipts),
    state,
    errorCodes: state === 'rejected' ? latest.errors.map((e) => e.code).join(' ') : null,
    at: latest.receivedAt,
  };
}

const sdiColumns = `
      fatturapa_file_name TEXT NOT NULL,
      sdi_state TEXT NOT NULL DEFAULT 'awaiting',
      sdi_error_codes TEXT,
      sdi_received_at TEXT,
      sdi_receipts TEXT NOT NULL DEFAULT '[]'`;

export const invoicesProjection: Projection<InvoicingEvent | SdiEvent> = {
  name: 'invoices',
  // 2: the lines and VAT summary (JSON) name their amounts …Cents.
  // 3: the seller (JSON) names its identifiers codiceFiscale and partitaIva, as the buyer.
  // 4: the FatturaPA file name and the SdI state with its receipts (SdiReceiptRecorded).
  version: 4,
  tables: ['invoices', 'invoices_terms', 'credit_notes', 'credit_notes_terms'],
  handles: ['InvoiceIssued', 'CreditNoteIssued', 'SdiReceiptRecorded'],
  setup(db, t) {
    const i = t('invoices');
    db.exec(`CREATE TABLE ${i} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      year INTEGER NOT NULL,
      number INTEGER NOT NULL,
      display_number TEXT NOT NULL,
      issued_on TEXT NOT NULL,
      issued_at TEXT NOT NULL,
      order_id TEXT NOT NULL,
      customer_id TEXT NOT NULL,
      buyer_name TEXT NOT NULL,
      buyer_sort TEXT NOT NULL,
      buyer_codice_fiscale TEXT,
      buyer_partita_iva TEXT,
      buyer TEXT NOT NULL,
      seller TEXT NOT NULL,
      lines TEXT NOT NULL,
      vat_summary TEXT NOT NULL,
      taxable_cents INTEGER NOT NULL,
      vat_cents INTEGER NOT NULL,
      total_cents INTEGER NOT NULL,
      credited_cents INTEGER NOT NULL DEFAULT 0,
      credit_note_count INTEGER NOT NULL DEFAULT 0,${sdiColumns}
    )`);
    db.exec(`CREATE UNIQUE INDEX ${i}_by_number ON ${i} (year, number)`);
    db.exec(`CREATE INDEX ${i}_by_issued ON ${i} (issued_on)`);
    db.exec(`CREATE INDEX ${i}_by_customer ON ${i} (customer_id, issued_on)`);
    db.exec(`CREATE INDEX ${i}_by_order ON ${i} (order_id)`);
    db.exec(`CREATE INDEX ${i}_by_total ON ${i} (total_cents)`);
    db.exec(`CREATE INDEX ${i}_by_buyer ON ${i} (buyer_sort)`);
    db.exec(`CREATE UNIQUE INDEX ${i}_by_file_name ON ${i} (fatturapa_file_name)`);
    db.exec(`CREATE INDEX ${i}_by_sdi_state ON ${i} (sdi_state, issued_on)`);
    createTermsTable(db, t('invoices_terms'));

    const c = t('credit_notes');
    db.exec(`CREATE TABLE ${c} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      year INTEGER NOT NULL,
      number INTEGER NOT NULL,
      display_number TEXT NOT NULL,
      issued_on TEXT NOT NULL,
      issued_at TEXT NOT NULL,
      invoice_id TEXT NOT NULL,
      invoice_year INTEGER NOT NULL,
      invoice_number INTEGER NOT NULL,
      invoice_display_number TEXT NOT NULL,
      order_id TEXT NOT NULL,
      customer_id TEXT,
      coupon_ids TEXT NOT NULL,
      coupon_count INTEGER NOT NULL,
      buyer_name TEXT NOT NULL,
      buyer_sort TEXT NOT NULL,
      buyer_codice_fiscale TEXT,
      buyer_partita_iva TEXT,
      buyer TEXT NOT NULL,
      seller TEXT NOT NULL,
      lines TEXT NOT NULL,
      vat_summary TEXT NOT NULL,
      taxable_cents INTEGER NOT NULL,
      vat_cents INTEGER NOT NULL,
      total_cents INTEGER NOT NULL,
      refund_to TEXT NOT NULL,${sdiColumns}
    )`);
    db.exec(`CREATE UNIQUE INDEX ${c}_by_number ON ${c} (year, number)`);
    db.exec(`CREATE INDEX ${c}_by_issued ON ${c} (issued_on)`);
    db.exec(`CREATE INDEX ${c}_by_customer ON ${c} (customer_id, issued_on)`);
    db.exec(`CREATE INDEX ${c}_by_invoice ON ${c} (invoice_id)`);
    db.exec(`CREATE INDEX ${c}_by_order ON ${c} (order_id)`);
    db.exec(`CREATE INDEX ${c}_by_total ON ${c} (total_cents)`);
    db.exec(`CREATE INDEX ${c}_by_buyer ON ${c} (buyer_sort)`);
    db.exec(`CREATE UNIQUE INDEX ${c}_by_file_name ON ${c} (fatturapa_file_name)`);
    db.exec(`CREATE INDEX ${c}_by_sdi_state ON ${c} (sdi_state, issued_on)`);
    createTermsTable(db, t('credit_notes_terms'));
  },
  apply(db, event, t) {
    switch (event.type) {
      case 'InvoiceIssued': {
        const d = event.data;
        const display = formatDocumentNumber(d.number, d.year);
        const { lastInsertRowid } = sql(db)`INSERT INTO ${t('invoices')} (id, year, number, display_number, issued_on, issued_at, order_id, customer_id, buyer_name,
             buyer_sort, buyer_codice_fiscale, buyer_partita_iva, buyer, seller, lines, vat_summary, taxable_cents, vat_cents,
             total_cents, fatturapa_file_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`.run(
          d.invoiceId,
          d.year,
          d.number,
          display,
          d.issuedOn,
          isoTime(d.issuedAt),
          d.orderId,
          d.customerId,
          d.buyer.name,
          normaliseText(d.buyer.name),
          d.buyer.codiceFiscale,
          d.buyer.partitaIva,
          JSON.stringify(d.buyer),
          JSON.stringify(d.seller),
          JSON.stringify(d.lines),
          JSON.stringify(d.vatSummary),
          d.totals.taxableCents,
          d.totals.vatCents,
          d.totals.totalCents,
          fileNameOfDocument('invoice', d.seller.partitaIva, d.year, d.number),
        );
        addTerms(db, t('invoices_terms'), lastInsertRowid, display, d.buyer.name, d.buyer.codiceFiscale, d.buyer.partitaIva);
        break;
      }
      case 'CreditNoteIssued': {
        const d = event.data;
        const display = formatDocumentNumber(d.number, d.year);
        const customerId = sql(db)<[string], string>`SELECT customer_id FROM ${t('invoices')} WHERE id = ?`
          .pluck()
          .get(d.invoiceId);
        const { lastInsertRowid } = sql(db)`INSERT INTO ${t('credit_notes')} (id, year, number, display_number, issued_on, issued_at, invoice_id, invoice_year,
             invoice_number, invoice_display_number, order_id, customer_id, coupon_ids, coupon_count, buyer_name, buyer_sort,
             buyer_codice_fiscale, buyer_partita_iva, buyer, seller, lines, vat_summary, taxable_cents, vat_cents, total_cents,
             refund_to, fatturapa_file_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`.run(
          d.creditNoteId,
          d.year,
          d.number,
          display,
          d.issuedOn,
          isoTime(d.issuedAt),
          d.invoiceId,
          d.invoiceYear,
          d.invoiceNumber,
          formatDocumentNumber(d.invoiceNumber, d.invoiceYear),
          d.orderId,
          customerId ?? null,
          JSON.stringify(d.couponIds),
          d.couponIds.length,
          d.buyer.name,
          normaliseText(d.buyer.name),
          d.buyer.codiceFiscale,
          d.buyer.partitaIva,
          JSON.stringify(d.buyer),
          JSON.stringify(d.seller),
          JSON.stringify(d.lines),
          JSON.stringify(d.vatSummary),
          d.totals.taxableCents,
          d.totals.vatCents,
          d.totals.totalCents,
          d.refundTo,
          fileNameOfDocument('credit_note', d.seller.partitaIva, d.year, d.number),
        );
        sql(db)`UPDATE ${t('invoices')} SET credited_cents = credited_cents + ?, credit_note_count = credit_note_count + 1 WHERE id = ?`.run(d.totals.totalCents, d.invoiceId);
        addTerms(db, t('credit_notes_terms'), lastInsertRowid, display, d.buyer.name, d.buyer.codiceFiscale, d.buyer.partitaIva);
        break;
      }
      case 'SdiReceiptRecorded': {
        const d = event.data;
        const table = t(d.documentKind === 'invoice' ? 'invoices' : 'credit_notes');
        const before = sql(db)<[string], string>`SELECT sdi_receipts FROM ${table} WHERE id = ?`.pluck().get(d.documentId);
        if (before === undefined) break;
        const next = withReceipt(before, d);
        sql(db)`UPDATE ${table} SET sdi_receipts = ?, sdi_state = ?, sdi_error_codes = ?, sdi_received_at = ? WHERE id = ?`.run(
          next.receipts,
          next.state,
          next.errorCodes,
          next.at,
          d.documentId,
        );
        break;
      }
    }
  },
};
