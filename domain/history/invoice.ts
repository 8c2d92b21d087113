// An invoice as its screen shows it, folded from `invoice-<id>` (the document, never changed), the
// credit notes issued against it (`credit-note-<id>`, each naming its invoice) and the SdI's
// receipts about it (`sdi-invoice-<id>`): what it was worth net of the credit notes, and where it
// stood with the Exchange System (its latest receipt by the SdI's reception time; none: awaiting).
import type { CreditNoteEvent, InvoiceEvent } from '../invoicing/events';
import type { SdiEvent } from '../sdi/events';
import { formatDocumentNumber } from '../shared/documentNumber';
import { linesAsOf, type LineAsOf } from './documentLines';
import type { HistoryEvent } from './recorded';

export const sdiStates = { RC: 'delivered', NS: 'rejected', MC: 'not_delivered' } as const;
export type SdiState = 'awaiting' | (typeof sdiStates)[keyof typeof sdiStates];

export interface InvoiceAsOf {
  id: string;
  displayNumber: string;
  issuedOn: string;
  issuedAt: string;
  orderId: string;
  customerId: string;
  buyerName: string;
  buyerCodiceFiscale: string | null;
  buyerPartitaIva: string | null;
  lines: LineAsOf[];
  taxableCents: number;
  vatCents: number;
  totalCents: number;
  creditNotes: { creditNoteId: string; displayNumber: string; issuedOn: string; totalCents: number; refundTo: string }[];
  creditedCents: number;
  netCents: number;
  sdiState: SdiState;
  sdiReceivedAt: string | null;
  sdiErrors: string[];
  sdiReceipts: number;
}

/** The invoice after these events (its own, its credit notes', its SdI receipts'); null before it was issued. */
export function foldInvoice(events: readonly HistoryEvent[]): InvoiceAsOf | null {
  let inv: InvoiceAsOf | null = null;
  let latestReceipt: string | null = null;
  for (const raw of events) {
    const e = raw as unknown as InvoiceEvent | CreditNoteEvent | SdiEvent;
    if (e.type === 'InvoiceIssued') {
      const d = e.data;
      inv = {
        id: d.invoiceId,
        displayNumber: formatDocumentNumber(d.number, d.year),
        issuedOn: d.issuedOn,
        issuedAt: d.issuedAt,
        orderId: d.orderId,
        customerId: d.customerId,
        buyerName: d.buyer.name,
        buyerCodiceFiscale: d.buyer.codiceFiscale,
        buyerPartitaIva: d.buyer.partitaIva,
        lines: linesAsOf(d.lines),
        taxableCents: d.totals.taxableCents,
        vatCents: d.totals.vatCents,
        totalCents: d.totals.totalCents,
        creditNotes: [],
        creditedCents: 0,
        netCents: d.totals.totalCents,
        sdiState: 'awaiting',
        sdiReceivedAt: null,
        sdiErrors: [],
        sdiReceipts: 0,
      };
      continue;
    }
    if (!inv) continue;
    if (e.type === 'CreditNoteIssued') {
      const d = e.data;
      if (d.invoiceId !== inv.id) continue;
      const creditedCents: number = inv.creditedCents + d.totals.totalCents;
      inv = {
        ...inv,
        creditNotes: [
          ...inv.creditNotes,
          { creditNoteId: d.creditNoteId, displayNumber: formatDocumentNumber(d.number, d.year), issuedOn: d.issuedOn, totalCents: d.totals.totalCents, refundTo: d.refundTo },
        ],
        creditedCents,
        netCents: inv.totalCents - creditedCents,
      };
    } else if (e.type === 'SdiReceiptRecorded') {
      const d = e.data;
      if (d.documentKind !== 'invoice' || d.documentId !== inv.id) continue;
      inv = { ...inv, sdiReceipts: inv.sdiReceipts + 1 };
      // The latest by the SdI's reception time decides; a late upload of an older receipt does not.
      if (latestReceipt === null || Date.parse(d.receivedAt) >= Date.parse(latestReceipt)) {
        latestReceipt = d.receivedAt;
        inv = { ...inv, sdiState: sdiStates[d.receipt], sdiReceivedAt: d.receivedAt, sdiErrors: d.errors.map((x) => x.code) };
      }
    }
  }
  return inv;
}
