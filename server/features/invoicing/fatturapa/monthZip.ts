// A month's FatturaPA files as one zip, for the accountants who send them to the SdI (or hand them
// to their intermediary) in one go: the invoices and credit notes issued in that Rome month (by
// their issue day), each under its FatturaPA file name, each built and checked as the single
// download is (service.ts). The zip is streamed: each file is built, checked and deflated in turn
// while the client reads, so a month of thousands of documents never sits in memory whole.
//
// fflate makes the zip: one small, dependency-free, typed and maintained library with a streaming
// zip writer (Zip + ZipDeflate), where archiver pulls a dozen packages for the same job.
import { Readable } from 'node:stream';
import type Database from 'better-sqlite3';
import { Zip, ZipDeflate } from 'fflate';
import type { VatPeriod } from '../../../../domain/invoicing/vatPeriod';
import type { SalesDeps } from '../../deps';
import { creditNoteFatturaPa, invoiceFatturaPa } from './service';

export interface MonthDocument {
  kind: 'invoice' | 'credit_note';
  id: string;
  fileName: string;
  issuedAt: string;
}

/** The month's documents from the read model: invoices, then credit notes, each in number order. */
export function documentsOfMonth(db: Database.Database, month: VatPeriod): MonthDocument[] {
  const range = { from: month.from, to: month.to };
  return db
    .prepare(
      `SELECT 'invoice' AS kind, id, fatturapa_file_name AS fileName, issued_at AS issuedAt, 0 AS k, year, number FROM invoices WHERE issued_on BETWEEN @from AND @to
       UNION ALL
       SELECT 'credit_note', id, fatturapa_file_name, issued_at, 1, year, number FROM credit_notes WHERE issued_on BETWEEN @from AND @to
       ORDER BY k, year, number`,
    )
    .all(range) as MonthDocument[];
}

async function* zipChunks(deps: SalesDeps, documents: readonly MonthDocument[]): AsyncGenerator<Uint8Array> {
  const ready: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else ready.push(chunk);
  });
  for (const doc of documents) {
    const file = doc.kind === 'invoice' ? await invoiceFatturaPa(deps, { invoiceId: doc.id }) : await creditNoteFatturaPa(deps, { creditNoteId: doc.id });
    const entry = new ZipDeflate(file.fileName, { level: 6 });
    entry.mtime = new Date(doc.issuedAt);
    zip.add(entry);
    entry.push(new TextEncoder().encode(file.xml), true);
    if (failure) throw failure;
    yield* ready.splice(0);
  }
  zip.end();
  if (failure) throw failure;
  yield* ready.splice(0);
}

/** The zip as a stream; a document that fails its checks ends the stream with an error (logged). */
export const fatturaPaZip = (deps: SalesDeps, documents: readonly MonthDocument[]): Readable => Readable.from(zipChunks(deps, documents), { objectMode: false });
