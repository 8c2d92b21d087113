// The invoicing events as stored. Their shapes today are the domain's (domain/invoicing/events.ts);
// what older code stored differently, and how it reads now, is listed here (see StoredHistory).
import type { StoredHistory } from './eventCatalogue';
import { documentAmountsInCents, sellerFiscalIdsAsBuyers } from './upcasting';

export const invoicingHistory: StoredHistory = {
  // v2: the amounts of the lines, VAT summary and totals are named …Cents (issue "One vocabulary").
  // v3: the seller's vatNumber and taxCode are named partitaIva and codiceFiscale, as the buyer's.
  InvoiceIssued: { version: 3, upcasters: { 1: documentAmountsInCents, 2: sellerFiscalIdsAsBuyers } },
  CreditNoteIssued: { version: 3, upcasters: { 1: documentAmountsInCents, 2: sellerFiscalIdsAsBuyers } },
};
