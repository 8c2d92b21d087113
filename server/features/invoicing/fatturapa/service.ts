// The FatturaPA file of an invoice or a credit note, built and then checked before it is handed
// out: against the official schema by xmllint, then by the SdI's own rules (sdiChecks.ts). A file
// that fails either is never served: the caller gets a 422 naming what is wrong, not a file the
// SdI would reject.
import { customerAggregate, streamOf as customerStream } from '../../../../domain/customers/decider';
import { orderAggregate, streamOf as orderStream } from '../../../../domain/orders/decider';
import { refuse } from '../../../../domain/shared/errors';
import { romeDayOf } from '../../../../domain/shared/romeCalendar';
import { loadAggregate } from '../../../commands/handle';
import type { SalesDeps } from '../../deps';
import { getCreditNote, getInvoice } from '../service';
import { creditNoteDocument, invoiceDocument } from './document';
import { fatturaPaXml } from './fatturaXml';
import { sdiProblems } from './sdiChecks';
import { SchemaValidatorUnavailable, validateAgainstFatturaPaSchema } from './xsdValidation';

export interface FatturaPaFile {
  /** `IT<partita IVA>_<progressivo>.xml`, the same every time for the same document. */
  fileName: string;
  xml: string;
}

/** Throws DomainError 422 when the XML fails the schema or the SdI's checks; returns it otherwise. */
export async function checkedFatturaPa(xml: string, today: string, what: string): Promise<string> {
  let verdict;
  try {
    verdict = await validateAgainstFatturaPaSchema(xml);
  } catch (error) {
    if (error instanceof SchemaValidatorUnavailable) throw refuse('fatturapa_validator_unavailable', `the FatturaPA of ${what} cannot be checked: ${error.message}`);
    throw error;
  }
  if (!verdict.valid) {
    throw refuse('fatturapa_schema_invalid', `the FatturaPA of ${what} does not pass the schema v1.2.2: ${verdict.errors.slice(0, 5).join('; ')}`);
  }
  const problems = sdiProblems(xml, today);
  if (problems.length > 0) {
    throw refuse('fatturapa_sdi_check_failed', `the FatturaPA of ${what} would be rejected by the SdI: ${problems.map((p) => `${p.code} ${p.message}`).join('; ')}`);
  }
  return xml;
}

async function customerNow(deps: Pick<SalesDeps, 'store' | 'catalogue'>, customerId: string) {
  const { state } = await loadAggregate(deps, customerStream(customerId), customerAggregate);
  return state.status === 'registered' ? state : null;
}

export async function invoiceFatturaPa(deps: SalesDeps, input: { invoiceId: string }): Promise<FatturaPaFile> {
  const invoice = await getInvoice(deps, input.invoiceId);
  const { state: order } = await loadAggregate(deps, orderStream(invoice.orderId), orderAggregate);
  const { document, fileName } = invoiceDocument(invoice, {
    seller: deps.settings.seller,
    customer: await customerNow(deps, invoice.customerId),
    payment: order.status === 'none' ? null : order.payment,
  });
  const xml = await checkedFatturaPa(fatturaPaXml(document), romeDayOf(deps.clock()), `invoice ${document.number}`);
  return { fileName, xml };
}

export async function creditNoteFatturaPa(deps: SalesDeps, input: { creditNoteId: string }): Promise<FatturaPaFile> {
  const note = await getCreditNote(deps, input.creditNoteId);
  const invoice = await getInvoice(deps, note.invoiceId);
  const { document, fileName } = creditNoteDocument(note, invoice, {
    seller: deps.settings.seller,
    customer: await customerNow(deps, invoice.customerId),
  });
  const xml = await checkedFatturaPa(fatturaPaXml(document), romeDayOf(deps.clock()), `credit note ${document.number}`);
  return { fileName, xml };
}

