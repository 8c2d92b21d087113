// A read resource (server/read/resources.ts) as CSV, streamed: the rows come one at a time from a
// better-sqlite3 iterator and leave in chunks of about CHUNK characters, each pulled by the reply
// only when the socket has drained the previous ones (Readable.from: backpressure), so an export
// of a million rows holds one chunk, not the result, in memory.
//
// The export reads on its own read-only connection to read.db: an open iterator keeps its
// connection busy, and the shared one (app.projections.db) must keep answering the console. The
// iterator's implicit read transaction also gives the export a consistent snapshot of the read
// model (WAL), however long the download takes. The connection is closed when the last row is out,
// or when the client goes away (the stream is destroyed, the generator's finally runs).
//
// Columns: every field of the resource the caller may see, named as in the read API's JSON, except
// money: `…Cents` becomes `…Euros`, as decimal euros (26.84). Times ISO-8601 UTC, days YYYY-MM-DD,
// JSON fields as their JSON text, booleans true/false; the `it` dialect (csv.ts) changes the
// separator, the decimal mark and shows times and days in Rome.
import Database from 'better-sqlite3';
import { Readable } from 'node:stream';
import type { FieldSpec } from '../../read/listQuery';
import { csvRecord, day, dialectOf, euros, instant, textCell, type CsvDialect, type CsvLocale } from './csv';

/** About this many characters per chunk written to the reply. */
const CHUNK = 64 * 1024;

const isMoney = (name: string, field: FieldSpec) => field.type === 'int' && name.endsWith('Cents');

export function headerOf(fields: ReadonlyArray<[string, FieldSpec]>): string[] {
  return fields.map(([name, field]) => (isMoney(name, field) ? `${name.slice(0, -'Cents'.length)}Euros` : name));
}

function cell(value: unknown, name: string, field: FieldSpec, d: CsvDialect): string {
  if (value === null || value === undefined) return '';
  if (isMoney(name, field) && typeof value === 'number') return euros(value, d);
  switch (field.type) {
    case 'time':
      return instant(String(value), d);
    case 'date':
      return day(String(value), d);
    case 'bool':
      return value === 1 || value === true ? 'true' : 'false';
    default:
      return typeof value === 'string' ? textCell(value) : String(value);
  }
}

export interface CsvExport {
  /** The CSV, as a stream the reply pulls. */
  stream: Readable;
  /** Resolves with the number of rows written once the last one is out (or the export stopped). */
  finished: Promise<{ rows: number; complete: boolean }>;
}

/** Streams the rows of `sql` as CSV from a read-only connection of its own to `file`. */
export function streamCsv(file: string, sql: string, params: unknown[], fields: ReadonlyArray<[string, FieldSpec]>, locale: CsvLocale): CsvExport {
  const d = dialectOf(locale);
  let done!: (result: { rows: number; complete: boolean }) => void;
  const finished = new Promise<{ rows: number; complete: boolean }>((resolve) => (done = resolve));
  function* chunks(): Generator<string> {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    let rows = 0;
    let complete = false;
    try {
      db.pragma('busy_timeout = 5000');
      const statement = db.prepare(sql).raw();
      let buffer = d.bom + csvRecord(headerOf(fields), d);
      for (const row of statement.iterate(...params) as IterableIterator<unknown[]>) {
        buffer += csvRecord(row.map((value, i) => cell(value, fields[i]![0], fields[i]![1], d)), d);
        rows++;
        if (buffer.length >= CHUNK) {
          yield buffer;
          buffer = '';
        }
      }
      if (buffer !== '') yield buffer;
      complete = true;
    } finally {
      db.close();
      done({ rows, complete });
    }
  }
  return { stream: Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK }), finished };
}
