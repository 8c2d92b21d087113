// Invoices and credit notes. Numbers are progressive per year with no gaps: each is assigned on a
// guard stream (`invoice-numbers-<year>`, `credit-note-numbers-<year>`) whose n-th event carries
// number n, appended with expected revision n − 2 ('no_stream' for number 1). The documents
// (`invoice-<invoiceId>`, `credit-note-<creditNoteId>`) have one event each: they are never
// changed; a correction is a credit note.
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';
import {
  documentLineSchema,
  isoDateSchema,
  isoTimeSchema,
  totalsSchema,
  vatRateSummarySchema,
} from '../orders/events';

export const addressSchema = z.object({
  street: z.string().min(1),
  postalCode: z.string().min(1),
  city: z.string().min(1),
  /** Italian province code (e.g. 'MI'), null abroad. */
  province: z.string().nullable(),
  /** ISO 3166-1 alpha-2. */
  country: z.string().length(2),
});
export type Address = z.infer<typeof addressSchema>;

/**
 * The seller, from configuration. Its fiscal identifiers are named as the buyer's: the codice
 * fiscale (of the company, when it differs from the partita IVA; else null) and the partita IVA.
 */
export const sellerSchema = z.object({
  name: z.string().min(1),
  codiceFiscale: z.string().nullable(),
  partitaIva: z.string().min(1),
  address: addressSchema,
});
export type Seller = z.infer<typeof sellerSchema>;

/** The buyer: a person (codice fiscale) or a firm (partita IVA, possibly also a codice fiscale). */
export const buyerSchema = z.object({
  name: z.string().min(1),
  codiceFiscale: z.string().nullable(),
  partitaIva: z.string().nullable(),
  address: addressSchema,
});
export type Buyer = z.infer<typeof buyerSchema>;

// ---------------------------------------------------------------------------------------------
// Numbering guards
// ---------------------------------------------------------------------------------------------

export const invoiceNumberAssigned = eventShape(
  'InvoiceNumberAssigned',
  z.object({
    year: z.number().int(),
    number: z.number().int().positive(),
    invoiceId: z.string().min(1),
    orderId: z.string().min(1),
    assignedAt: isoTimeSchema,
  }),
);

export const creditNoteNumberAssigned = eventShape(
  'CreditNoteNumberAssigned',
  z.object({
    year: z.number().int(),
    number: z.number().int().positive(),
    creditNoteId: z.string().min(1),
    invoiceId: z.string().min(1),
    assignedAt: isoTimeSchema,
  }),
);

// ---------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------

export const invoiceIssued = eventShape(
  'InvoiceIssued',
  z.object({
    invoiceId: z.string().min(1),
    year: z.number().int(),
    number: z.number().int().positive(),
    /** The calendar day in Europe/Rome when it was issued. */
    issuedOn: isoDateSchema,
    orderId: z.string().min(1),
    customerId: z.string().min(1),
    seller: sellerSchema,
    buyer: buyerSchema,
    lines: z.array(documentLineSchema).min(1),
    vatSummary: z.array(vatRateSummarySchema).min(1),
    totals: totalsSchema,
    issuedAt: isoTimeSchema,
  }),
);

export const creditNoteIssued = eventShape(
  'CreditNoteIssued',
  z.object({
    creditNoteId: z.string().min(1),
    year: z.number().int(),
    number: z.number().int().positive(),
    issuedOn: isoDateSchema,
    invoiceId: z.string().min(1),
    invoiceYear: z.number().int(),
    invoiceNumber: z.number().int().positive(),
    orderId: z.string().min(1),
    /** The refunded (unused, now cancelled) coupons. */
    couponIds: z.array(z.string().min(1)),
    seller: sellerSchema,
    buyer: buyerSchema,
    /** The refunded coupons' lines, at the invoice's unit price and VAT rate. */
    lines: z.array(documentLineSchema).min(1),
    vatSummary: z.array(vatRateSummarySchema).min(1),
    totals: totalsSchema,
    refundTo: z.enum(['prepaid', 'paid_out']),
    issuedAt: isoTimeSchema,
  }),
);

export const invoiceEventShapes = [invoiceNumberAssigned, invoiceIssued, creditNoteNumberAssigned, creditNoteIssued];

export type InvoiceNumberEvent = EventOf<typeof invoiceNumberAssigned>;
export type CreditNoteNumberEvent = EventOf<typeof creditNoteNumberAssigned>;
export type InvoiceEvent = EventOf<typeof invoiceIssued>;
export type CreditNoteEvent = EventOf<typeof creditNoteIssued>;
export type InvoicingEvent = InvoiceNumberEvent | CreditNoteNumberEvent | InvoiceEvent | CreditNoteEvent;
