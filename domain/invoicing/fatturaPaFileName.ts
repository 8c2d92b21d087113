// The FatturaPA file name: `IT<partita IVA of the transmitter>_<progressivo>.xml`, the progressivo
// at most 5 letters or digits and unique per transmitter. It is derived from the document's own
// number, so the same invoice always yields the same name and no counter is kept:
//   2 base-36 characters for the year and the kind ((year − 2000) × 2, + 1 for a credit note),
//   3 base-36 characters for the progressive number within that year (up to 46,655).
// Years 2000–2647 fit; an invoice 1/2026 is IT…_1G001.xml, credit note 1/2026 IT…_1H001.xml.
// Kept in domain/ because the XML builder (server) and the read models (projections) both need it,
// and the SdI's receipts name the file, which `documentOfFileName` reads back.
import { refuse } from '../shared/errors';

export type FiscalDocumentKind = 'invoice' | 'credit_note';

const MAX_NUMBER = 36 ** 3 - 1;

export function progressivoOf(kind: FiscalDocumentKind, year: number, number: number): string {
  const yearAndKind = (year - 2000) * 2 + (kind === 'credit_note' ? 1 : 0);
  if (!Number.isInteger(yearAndKind) || yearAndKind < 0 || yearAndKind >= 36 ** 2) {
    throw refuse('fatturapa_year_out_of_range', `a FatturaPA file name can be derived for documents of 2000 to 2647, not ${year}`);
  }
  if (!Number.isInteger(number) || number < 1 || number > MAX_NUMBER) {
    throw refuse('fatturapa_number_out_of_range', `a FatturaPA file name can be derived for numbers 1 to ${MAX_NUMBER} of a year, not ${number}`);
  }
  return (yearAndKind.toString(36).padStart(2, '0') + number.toString(36).padStart(3, '0')).toUpperCase();
}

export const fatturaPaFileName = (partitaIva: string, progressivo: string): string => `IT${partitaIva}_${progressivo}.xml`;

/** The file name of a document as issued: its seller's partita IVA and its number. */
export const fileNameOfDocument = (kind: FiscalDocumentKind, sellerPartitaIva: string, year: number, number: number): string =>
  fatturaPaFileName(sellerPartitaIva, progressivoOf(kind, year, number));

export interface NamedDocument {
  partitaIva: string;
  kind: FiscalDocumentKind;
  year: number;
  number: number;
}

const FILE_NAME = /^IT([0-9]{11})_([0-9A-Z]{5})\.xml(?:\.p7m)?$/i;

/**
 * The document a FatturaPA file name stands for, or null when the name is not one this back
 * office makes. A signed file (`.xml.p7m`, as the SdI names it when the accountant signed it) is
 * the same document.
 */
export function documentOfFileName(fileName: string): NamedDocument | null {
  const m = FILE_NAME.exec(fileName.trim());
  if (!m) return null;
  const progressivo = m[2]!.toUpperCase();
  const yearAndKind = parseInt(progressivo.slice(0, 2), 36);
  const number = parseInt(progressivo.slice(2), 36);
  if (number < 1) return null;
  return { partitaIva: m[1]!, kind: yearAndKind % 2 === 1 ? 'credit_note' : 'invoice', year: 2000 + Math.floor(yearAndKind / 2), number };
}
