// Helpers shared by the read models of projections/readModels/: time normalisation, and the search
// terms that the read API's `q` filter looks up (server/read/listQuery.ts).
//
// Search terms. A searchable read model keeps a table `<table>_terms (term, seq)` beside its rows
// (`seq` is the row's INTEGER PRIMARY KEY): every word of the fields a user would search (names,
// codice fiscale, RF reference, invoice number...), normalised (lower case, no accents), plus each
// whole value that has no spaces ("42/2026", an e-mail address, a codice fiscale). The API matches
// each word of `q` as a prefix of a term, with an index range (`term >= 'ross' AND term <
// 'ross\uffff'`): indexed, never a scan; and the matching rows by rowid.
import type Database from 'better-sqlite3';
import { sql } from '../projection';

/** Event times as stored: always `toISOString()` (milliseconds, Z), so that text order is time order. */
export function isoTime(value: string): string;
export function isoTime(value: string | null | undefined): string | null;
export function isoTime(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/** Lower case, without accents (NFD, combining marks removed), trimmed. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();
}

/** The search terms of some values: each value without spaces, and each of its words. */
export function searchTerms(...values: Array<string | null | undefined>): string[] {
  const terms = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    const text = normaliseText(value);
    if (text === '') continue;
    if (!/\s/.test(text) && text.length <= 100) terms.add(text);
    for (const word of text.split(/[^a-z0-9]+/)) if (word !== '' && word.length <= 100) terms.add(word);
  }
  return [...terms];
}

/**
 * Creates a terms table (physical name `table`) with its index by row. `carry` names columns of the
 * rows (`rows`, whose INTEGER PRIMARY KEY is `seq`) that each term keeps a copy of, kept equal by
 * triggers (a term added, a row's column changed): a search combined with an equality filter on
 * such a column (orders: q + status) is then answered from the terms' own index range, without
 * reading every matching row to check it (server/read/listQuery.ts).
 */
export function createTermsTable(db: Database.Database, table: string, carry?: { rows: string; columns: readonly string[] }): void {
  const columns = carry?.columns ?? [];
  db.exec(`CREATE TABLE ${table} (term TEXT NOT NULL, seq INTEGER NOT NULL, ${columns.map((c) => `${c}, `).join('')}PRIMARY KEY (term, seq)) WITHOUT ROWID`);
  db.exec(`CREATE INDEX ${table}_by_seq ON ${table} (seq)`);
  for (const column of columns) {
    db.exec(`CREATE TRIGGER ${table}_${column}_on_insert AFTER INSERT ON ${table} WHEN NEW.${column} IS NULL BEGIN
      UPDATE ${table} SET ${column} = (SELECT ${column} FROM ${carry!.rows} WHERE seq = NEW.seq) WHERE term = NEW.term AND seq = NEW.seq;
    END`);
    db.exec(`CREATE TRIGGER ${table}_${column}_on_change AFTER UPDATE OF ${column} ON ${carry!.rows} WHEN NEW.${column} IS NOT OLD.${column} BEGIN
      UPDATE ${table} SET ${column} = NEW.${column} WHERE seq = NEW.seq;
    END`);
  }
}

/** Adds the terms of `values` for the row `seq` (terms it already has are kept). */
export function addTerms(db: Database.Database, table: string, seq: number | bigint | undefined, ...values: Array<string | null | undefined>): void {
  if (seq === undefined) return;
  const insert = sql(db)`INSERT OR IGNORE INTO ${table} (term, seq) VALUES (?, ?)`;
  for (const term of searchTerms(...values)) insert.run(term, seq);
}

/** Replaces every term of the row `seq` by the terms of `values`. */
export function replaceTerms(db: Database.Database, table: string, seq: number | bigint | undefined, ...values: Array<string | null | undefined>): void {
  if (seq === undefined) return;
  sql(db)`DELETE FROM ${table} WHERE seq = ?`.run(seq);
  addTerms(db, table, seq, ...values);
}

/** The `seq` (row number) of the row `id` of a read-model table, undefined when absent. */
export function seqOf(db: Database.Database, table: string, id: string): number | undefined {
  return sql(db)<[string], number>`SELECT seq FROM ${table} WHERE id = ?`.pluck().get(id);
}

/** SQLite has no boolean: 1 / 0. */
export const flag = (value: boolean): number => (value ? 1 : 0);
