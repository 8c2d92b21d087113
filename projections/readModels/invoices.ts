// Read model of the books: `invoices` and `credit_notes`, one row per document as issued (documents
// never change; an invoice row only counts the credit notes against it). Each has its year, its
// progressive number, the number as printed (`42/2026`), the issue day, the order, the customer, the
// buyer, the totals in cents, and the lines and VAT summary as JSON for the show page.
// Search terms: the printed number, the buyer's name, codice fiscale and partita IVA.
import { formatDocumentNumber } from '../../domain/shared/documentNumber';
import type { InvoicingEvent } from '../../domain/invoicing/events';
import { statement, type Projection } from '../projection';
import { addTerms, createTermsTable, isoTime, normaliseText } from './shared';

export const invoicesProjection: Projection<InvoicingEvent> = {
  name: 'invoices',
  // 2: the lines and VAT summary (JSON) name their amounts …Cents.
  // 3: the seller (JSON) names its identifiers codiceFiscale and partitaIva, as the buyer.
  version: 3,
  tables: ['invoices', 'invoices_terms', 'credit_notes', 'credit_notes_terms'],
  handles: ['InvoiceIssued', 'CreditNoteIssued'],
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
      credit_note_count INTEGER NOT NULL DEFAULT 0
    )`);
    db.exec(`CREATE UNIQUE INDEX ${i}_by_number ON ${i} (year, number)`);
    db.exec(`CREATE INDEX ${i}_by_issued ON ${i} (issued_on)`);
    db.exec(`CREATE INDEX ${i}_by_customer ON ${i} (customer_id, issued_on)`);
    db.exec(`CREATE INDEX ${i}_by_order ON ${i} (order_id)`);
    db.exec(`CREATE INDEX ${i}_by_total ON ${i} (total_cents)`);
    db.exec(`CREATE INDEX ${i}_by_buyer ON ${i} (buyer_sort)`);
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
      refund_to TEXT NOT NULL
    )`);
    db.exec(`CREATE UNIQUE INDEX ${c}_by_number ON ${c} (year, number)`);
    db.exec(`CREATE INDEX ${c}_by_issued ON ${c} (issued_on)`);
    db.exec(`CREATE INDEX ${c}_by_customer ON ${c} (customer_id, issued_on)`);
    db.exec(`CREATE INDEX ${c}_by_invoice ON ${c} (invoice_id)`);
    db.exec(`CREATE INDEX ${c}_by_order ON ${c} (order_id)`);
    db.exec(`CREATE INDEX ${c}_by_total ON ${c} (total_cents)`);
    db.exec(`CREATE INDEX ${c}_by_buyer ON ${c} (buyer_sort)`);
    createTermsTable(db, t('credit_notes_terms'));
  },
  apply(db, event, t) {
    switch (event.type) {
      case 'InvoiceIssued': {
        const d = event.data;
        const display = formatDocumentNumber(d.number, d.year);
        const { lastInsertRowid } = statement(
          db,
          `INSERT INTO ${t('invoices')} (id, year, number, display_number, issued_on, issued_at, order_id, customer_id, buyer_name,
             buyer_sort, buyer_codice_fiscale, buyer_partita_iva, buyer, seller, lines, vat_summary, taxable_cents, vat_cents,
             total_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
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
        );
        addTerms(db, t('invoices_terms'), lastInsertRowid, display, d.buyer.name, d.buyer.codiceFiscale, d.buyer.partitaIva);
        break;
      }
      case 'CreditNoteIssued': {
        const d = event.data;
        const display = formatDocumentNumber(d.number, d.year);
        const customerId = statement<[string], string>(db, `SELECT customer_id FROM ${t('invoices')} WHERE id = ?`)
          .pluck()
          .get(d.invoiceId);
        const { lastInsertRowid } = statement(
          db,
          `INSERT INTO ${t('credit_notes')} (id, year, number, display_number, issued_on, issued_at, invoice_id, invoice_year,
             invoice_number, invoice_display_number, order_id, customer_id, coupon_ids, coupon_count, buyer_name, buyer_sort,
             buyer_codice_fiscale, buyer_partita_iva, buyer, seller, lines, vat_summary, taxable_cents, vat_cents, total_cents,
             refund_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
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
        );
        statement(
          db,
          `UPDATE ${t('invoices')} SET credited_cents = credited_cents + ?, credit_note_count = credit_note_count + 1 WHERE id = ?`,
        ).run(d.totals.totalCents, d.invoiceId);
        addTerms(db, t('credit_notes_terms'), lastInsertRowid, display, d.buyer.name, d.buyer.codiceFiscale, d.buyer.partitaIva);
        break;
      }
    }
  },
};
