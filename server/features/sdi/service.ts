// Recording the SdI's receipts that the accountants upload. A receipt names the FatturaPA file it
// is about (NomeFile); the name is derived from the document's number (domain/invoicing/
// fatturaPaFileName.ts), so it is read back into a kind, a year and a number, and the year's
// numbering stream says which invoice or credit note got that number (number n is its event at
// revision n − 1): an exact lookup on the log, not on a read model that may lag. The document's
// own file name (its seller's partita IVA at issue time) must then be the one in the receipt.
//
// Several receipts may come in one request. They are all read and matched first; one bad file
// refuses the whole request (400/404 naming the file and the rule) and nothing is recorded. Then
// each is recorded on `sdi-<kind>-<id>`, once per MessageId: a receipt uploaded before is reported
// as a duplicate.
import { createHash } from 'node:crypto';
import type { CommandContext } from '../../../events/eventCatalogue';
import { documentOfFileName, fileNameOfDocument, type FiscalDocumentKind } from '../../../domain/invoicing/fatturaPaFileName';
import { creditNoteNumbersStreamOf, invoiceNumbersStreamOf } from '../../../domain/invoicing/numbering';
import type { CreditNoteNumberEvent, InvoiceNumberEvent } from '../../../domain/invoicing/events';
import { recordSdiReceipt, sdiAggregate, sdiStateOf, streamOf, type SdiDocumentState } from '../../../domain/sdi/decider';
import type { SdiReceiptKind } from '../../../domain/sdi/events';
import { formatDocumentNumber } from '../../../domain/shared/documentNumber';
import { DomainError } from '../../../domain/shared/errors';
import { handleCommand } from '../../commands/handle';
import { lastPosition, type SalesDeps } from '../deps';
import { getCreditNote, getInvoice } from '../invoicing/service';
import { parseSdiReceipt, type ParsedReceipt } from './receipt';

/** The largest receipt accepted (a real one is a few kB; its signature included, under 20 kB). */
export const SDI_RECEIPT_MAX_BYTES = 256 * 1024;
/** Receipts in one request. */
export const SDI_RECEIPTS_PER_REQUEST = 50;

export interface ReceiptFile {
  fileName: string;
  xml: string;
}

export interface ReceiptReport {
  receiptFileName: string;
  outcome: 'recorded' | 'duplicate';
  receipt: SdiReceiptKind;
  messageId: string;
  fileName: string;
  documentKind: FiscalDocumentKind;
  documentId: string;
  displayNumber: string;
  /** The document's SdI state after this receipt. */
  sdiState: SdiDocumentState;
  errors: ParsedReceipt['errors'];
}

interface Matched {
  file: ReceiptFile;
  parsed: ParsedReceipt;
  documentKind: FiscalDocumentKind;
  documentId: string;
  displayNumber: string;
}

/** Refusal of one file of the request, naming it instead of "file". */
const ofFile = (file: ReceiptFile, error: unknown): unknown =>
  error instanceof DomainError ? new DomainError(error.code, `${file.fileName}: ${error.message.replace(/^file: /, '')}`, error.kind, error.field) : error;

async function documentIdOf(deps: SalesDeps, kind: FiscalDocumentKind, year: number, number: number): Promise<string | null> {
  const stream = kind === 'invoice' ? invoiceNumbersStreamOf(year) : creditNoteNumbersStreamOf(year);
  const [recorded] = await deps.store.readStream(stream, { fromRevision: number - 1, maxCount: 1 });
  if (!recorded) return null;
  const event = deps.catalogue.decode(recorded) as unknown as InvoiceNumberEvent | CreditNoteNumberEvent;
  if (event.data.number !== number) return null;
  return event.type === 'InvoiceNumberAssigned' ? event.data.invoiceId : event.data.creditNoteId;
}

async function match(deps: SalesDeps, file: ReceiptFile): Promise<Matched> {
  const parsed = parseSdiReceipt(file.xml);
  const unknown = (why: string) =>
    new DomainError('sdi_receipt_unknown_file', `file: the receipt is about ${parsed.fileName}, ${why}`, 'not_found', 'file');
  const named = documentOfFileName(parsed.fileName);
  if (named === null) throw unknown('which is not a FatturaPA file name this back office makes (IT<partita IVA>_<progressivo>.xml)');
  const documentId = await documentIdOf(deps, named.kind, named.year, named.number);
  const what = `${named.kind === 'invoice' ? 'invoice' : 'credit note'} ${formatDocumentNumber(named.number, named.year)}`;
  if (documentId === null) throw unknown(`which would be ${what}: there is no such document`);
  const document = named.kind === 'invoice' ? await getInvoice(deps, documentId) : await getCreditNote(deps, documentId);
  const ours = fileNameOfDocument(named.kind, document.seller.partitaIva, document.year, document.number);
  if (ours.toUpperCase() !== parsed.fileName.replace(/\.p7m$/i, '').toUpperCase()) {
    throw unknown(`but ${what} was sent as ${ours} (another seller's partita IVA)`);
  }
  return { file, parsed, documentKind: named.kind, documentId, displayNumber: formatDocumentNumber(document.number, document.year) };
}

export async function recordSdiReceipts(deps: SalesDeps, files: readonly ReceiptFile[], ctx: CommandContext): Promise<{ reports: ReceiptReport[]; position: number }> {
  const matched: Matched[] = [];
  for (const file of files) {
    try {
      matched.push(await match(deps, file));
    } catch (error) {
      throw ofFile(file, error);
    }
  }
  const at = deps.clock().toISOString();
  const reports: ReceiptReport[] = [];
  let position = 0;
  for (const m of matched) {
    const { parsed } = m;
    let result;
    try {
      result = await handleCommand(
        deps,
        streamOf(m.documentKind, m.documentId),
        sdiAggregate,
        (state) =>
          recordSdiReceipt(
            {
              documentKind: m.documentKind,
              documentId: m.documentId,
              receipt: parsed.receipt,
              sdiIdentifier: parsed.sdiIdentifier,
              messageId: parsed.messageId,
              fileName: parsed.fileName,
              receivedAt: parsed.receivedAt,
              deliveredAt: parsed.deliveredAt,
              errors: parsed.errors,
              note: parsed.note,
              receiptFileName: m.file.fileName,
              sha256: createHash('sha256').update(m.file.xml, 'utf8').digest('hex'),
              recordedBy: ctx.actor.userId,
              recordedAt: at,
            },
            state,
          ),
        ctx,
      );
    } catch (error) {
      throw ofFile(m.file, error);
    }
    position = lastPosition(position, result.position);
    reports.push({
      receiptFileName: m.file.fileName,
      outcome: result.events.length > 0 ? 'recorded' : 'duplicate',
      receipt: parsed.receipt,
      messageId: parsed.messageId,
      fileName: parsed.fileName,
      documentKind: m.documentKind,
      documentId: m.documentId,
      displayNumber: m.displayNumber,
      sdiState: sdiStateOf([...result.state.receipts.values()]),
      errors: parsed.errors,
    });
  }
  return { reports, position };
}
