// Pieces the areas' stored histories (events/<area>.ts) build their upcasters from. An upcaster
// takes the data as an older version stored it and returns it as the next version reads it; it
// never changes the value of anything, only where it is and what it is called, and adds only what
// the stored event's metadata knows (its instant: see `Upcaster` in eventCatalogue.ts).
import type { EventMetadata } from './eventCatalogue';

type Data = Record<string, unknown>;

/** The same data with some fields renamed (`{ amount: 'amountCents' }`); a field absent stays absent. */
export function renamed(data: Data, names: Readonly<Record<string, string>>): Data {
  const out: Data = {};
  for (const [key, value] of Object.entries(data)) out[names[key] ?? key] = value;
  return out;
}

/** An upcaster that only renames fields. */
export const renaming =
  (names: Readonly<Record<string, string>>) =>
  (data: Data): Data =>
    renamed(data, names);

/** The amounts of a document line, of a VAT summary entry and of document totals, before they were named …Cents. */
export const DOCUMENT_AMOUNTS = { taxable: 'taxableCents', vat: 'vatCents', total: 'totalCents' } as const;

/**
 * Version 1 of OrderPlaced, InvoiceIssued and CreditNoteIssued named the amounts of their lines,
 * VAT summary and totals `taxable`, `vat`, `total`; they are `taxableCents`, `vatCents`,
 * `totalCents` since.
 */
export function documentAmountsInCents(data: Data): Data {
  const each = (list: unknown) => (list as Data[]).map((entry) => renamed(entry, DOCUMENT_AMOUNTS));
  return {
    ...data,
    lines: each(data.lines),
    vatSummary: each(data.vatSummary),
    totals: renamed(data.totals as Data, DOCUMENT_AMOUNTS),
  };
}

/**
 * Versions 1 and 2 of InvoiceIssued and CreditNoteIssued named the seller's partita IVA `vatNumber`
 * and its codice fiscale `taxCode`; since version 3 they are `partitaIva` and `codiceFiscale`, as
 * the buyer's.
 */
export function sellerFiscalIdsAsBuyers(data: Data): Data {
  return { ...data, seller: renamed(data.seller as Data, { vatNumber: 'partitaIva', taxCode: 'codiceFiscale' }) };
}

/**
 * An upcaster that adds the event's instant, for events older code stored without one: `field`
 * takes `metadata.at`, when the command that appended the event was decided (the same instant the
 * command gave the event's other times, when it had any).
 */
export const withInstant =
  (field: string) =>
  (data: Data, metadata: EventMetadata): Data => ({ ...data, [field]: metadata.at });
