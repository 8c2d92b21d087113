// The invoicing events as stored. Their shapes today are the domain's (domain/invoicing/events.ts);
// what older code stored differently, and how it reads now, is listed here (see StoredHistory).
import type { StoredHistory } from './eventCatalogue';
import { documentAmountsInCents } from './upcasting';

export const invoicingHistory: StoredHistory = {
  // v2: the amounts of the lines, VAT summary and totals are named …Cents (issue "One vocabulary").
  InvoiceIssued: { version: 2, upcasters: { 1: documentAmountsInCents } },
  CreditNoteIssued: { version: 2, upcasters: { 1: documentAmountsInCents } },
};
