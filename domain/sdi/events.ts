// What the Exchange System (SdI) answered about an e-invoice (stream `sdi-<documentKind>-<documentId>`,
// e.g. `sdi-invoice-<invoiceId>`, `sdi-credit_note-<creditNoteId>`). The back office does not
// transmit to the SdI itself: the accountants send the FatturaPA files (through the Agenzia delle
// Entrate's portal or their intermediary) and upload the SdI's receipts back, one event each.
//
// The receipts of the SdI's "MessaggiTypes" schema that apply to private parties (FPR12):
// - RC  RicevutaConsegna: delivered to the buyer's channel (SdI code or PEC);
// - NS  NotificaScarto: rejected, with the SdI's error codes: the invoice does not exist for the
//       tax authority until a corrected file is accepted;
// - MC  NotificaMancataConsegna: accepted but not delivered (the buyer's channel failed or there is
//       none): the invoice is issued and waits in the buyer's fiscal drawer (cassetto fiscale).
// The document's SdI state is its latest receipt by the SdI's reception time (a corrected file sent
// after a rejection gets its own receipt); none yet: awaiting.
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';

export const sdiReceiptKinds = ['RC', 'NS', 'MC'] as const;
export type SdiReceiptKind = (typeof sdiReceiptKinds)[number];

export const sdiDocumentKinds = ['invoice', 'credit_note'] as const;
export type SdiDocumentKind = (typeof sdiDocumentKinds)[number];

export const sdiStreamOf = (documentKind: SdiDocumentKind, documentId: string): string => `sdi-${documentKind}-${documentId}`;

export const sdiErrorSchema = z.object({
  /** The SdI's error code, e.g. "00404" (duplicate file), "00311" (wrong CodiceDestinatario). */
  code: z.string().min(1),
  description: z.string(),
  suggestion: z.string().nullable(),
});
export type SdiError = z.infer<typeof sdiErrorSchema>;

export const sdiReceiptRecorded = eventShape(
  'SdiReceiptRecorded',
  z.object({
    documentKind: z.enum(sdiDocumentKinds),
    documentId: z.string().min(1),
    receipt: z.enum(sdiReceiptKinds),
    /** IdentificativoSdI: the SdI's id of the file it received. */
    sdiIdentifier: z.string().min(1),
    /** MessageId: the receipt's own id; the same receipt uploaded twice is recorded once. */
    messageId: z.string().min(1),
    /** NomeFile: the FatturaPA file the receipt is about (IT<partita IVA>_<progressivo>.xml). */
    fileName: z.string().min(1),
    /** DataOraRicezione: when the SdI received the file, UTC. */
    receivedAt: z.iso.datetime(),
    /** DataOraConsegna (RC only): when it reached the buyer, UTC; else null. */
    deliveredAt: z.iso.datetime().nullable(),
    /** ListaErrori (NS only); empty for the others. */
    errors: z.array(sdiErrorSchema),
    /** Descrizione / Note of the receipt, when it has one. */
    note: z.string().nullable(),
    /** The receipt file as uploaded: its name and sha256 (hex). */
    receiptFileName: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    recordedBy: z.string().min(1),
    recordedAt: z.iso.datetime(),
  }),
);

export const sdiEventShapes = [sdiReceiptRecorded];
export type SdiEvent = EventOf<typeof sdiReceiptRecorded>;
