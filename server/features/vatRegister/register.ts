// The sales VAT register (registro IVA vendite) of a period: the invoices and credit notes issued
// in it (by their Rome issue day, `issued_on`), the period's VAT summary per rate and its totals.
// Everything is summed by SQLite on integer cents, from the `invoices` and `credit_notes` read
// models (projections/readModels/invoices.ts): the amounts per rate come from each document's VAT
// summary (stored as JSON, read with json_each), so no new column was needed. A credit note counts
// with its amounts negated: it takes back VAT charged on an invoice.
//
// Order: by issue day, the invoices of a day before its credit notes, each by number (the numbers
// are assigned in time order on their own gapless sequences, so this is number order per kind).
import type Database from 'better-sqlite3';
import type { VatPeriod } from '../../../domain/invoicing/vatPeriod';

export interface RegisterRate {
  rateBp: number;
  taxableCents: number;
  vatCents: number;
}

export interface RegisterEntry {
  kind: 'invoice' | 'credit_note';
  id: string;
  year: number;
  number: number;
  displayNumber: string;
  /** Rome calendar day, YYYY-MM-DD. */
  issuedOn: string;
  buyerName: string;
  buyerCodiceFiscale: string | null;
  buyerPartitaIva: string | null;
  /** For a credit note, the invoice it corrects (`42/2026`); null for an invoice. */
  correctsInvoice: string | null;
  /** Negative for a credit note. */
  rates: RegisterRate[];
  taxableCents: number;
  vatCents: number;
  totalCents: number;
}

export interface RegisterTotals {
  count: number;
  taxableCents: number;
  vatCents: number;
  totalCents: number;
}

export interface VatRegister {
  period: { label: string; kind: 'month' | 'quarter'; from: string; to: string };
  entries: RegisterEntry[];
  /** Per rate, by increasing rate: invoices minus credit notes. */
  summary: RegisterRate[];
  totals: { invoices: RegisterTotals; creditNotes: RegisterTotals; net: Omit<RegisterTotals, 'count'> };
}

// One SELECT per kind, the credit notes' amounts negated (`sign`).
const documents = (table: 'invoices' | 'credit_notes', kind: string, sign: '' | '-', corrects: string) => `
  SELECT '${kind}' AS kind, id, year, number, display_number AS displayNumber, issued_on AS issuedOn,
    buyer_name AS buyerName, buyer_codice_fiscale AS buyerCodiceFiscale, buyer_partita_iva AS buyerPartitaIva,
    ${corrects} AS correctsInvoice,
    (SELECT json_group_array(json_object('rateBp', r.value ->> 'rateBp', 'taxableCents', ${sign}(r.value ->> 'taxableCents'),
       'vatCents', ${sign}(r.value ->> 'vatCents'))) FROM json_each(${table}.vat_summary) r) AS rates,
    ${sign}taxable_cents AS taxableCents, ${sign}vat_cents AS vatCents, ${sign}total_cents AS totalCents
  FROM ${table} WHERE issued_on BETWEEN @from AND @to`;

const ENTRIES = `${documents('invoices', 'invoice', '', 'NULL')} UNION ALL ${documents('credit_notes', 'credit_note', '-', 'invoice_display_number')}
  ORDER BY issuedOn, kind DESC, number`;

const rateRows = (table: 'invoices' | 'credit_notes', sign: '' | '-') => `
  SELECT r.value ->> 'rateBp' AS rateBp, ${sign}(r.value ->> 'taxableCents') AS taxable, ${sign}(r.value ->> 'vatCents') AS vat
  FROM ${table}, json_each(${table}.vat_summary) r WHERE ${table}.issued_on BETWEEN @from AND @to`;

const SUMMARY = `SELECT rateBp, sum(taxable) AS taxableCents, sum(vat) AS vatCents
  FROM (${rateRows('invoices', '')} UNION ALL ${rateRows('credit_notes', '-')}) GROUP BY rateBp ORDER BY rateBp`;

const totalsOf = (table: 'invoices' | 'credit_notes') => `SELECT count(*) AS count, coalesce(sum(taxable_cents), 0) AS taxableCents,
  coalesce(sum(vat_cents), 0) AS vatCents, coalesce(sum(total_cents), 0) AS totalCents FROM ${table} WHERE issued_on BETWEEN @from AND @to`;

/** The register of a period, read in one read transaction (a consistent snapshot of both tables). */
export function vatRegister(db: Database.Database, period: VatPeriod): VatRegister {
  const range = { from: period.from, to: period.to };
  return db.transaction(() => {
    const entries = (db.prepare(ENTRIES).all(range) as Array<Omit<RegisterEntry, 'rates'> & { rates: string }>).map((row) => ({
      ...row,
      rates: JSON.parse(row.rates) as RegisterRate[],
    }));
    const summary = db.prepare(SUMMARY).all(range) as RegisterRate[];
    const invoices = db.prepare(totalsOf('invoices')).get(range) as RegisterTotals;
    const creditNotes = db.prepare(totalsOf('credit_notes')).get(range) as RegisterTotals;
    return {
      period: { label: period.label, kind: period.kind, from: period.from, to: period.to },
      entries,
      summary,
      totals: {
        invoices,
        creditNotes,
        net: {
          taxableCents: invoices.taxableCents - creditNotes.taxableCents,
          vatCents: invoices.vatCents - creditNotes.vatCents,
          totalCents: invoices.totalCents - creditNotes.totalCents,
        },
      },
    };
  })();
}
