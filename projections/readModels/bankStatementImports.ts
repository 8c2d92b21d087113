// Read model `bank_statement_imports`: the history of the bank statements imported
// (BankStatementImported), one row per import with its counts by outcome and every line.
import type { BankStatementEvent } from '../../domain/bankStatements/events';
import { countOutcomes } from '../../domain/bankStatements/decider';
import { statement, type Projection } from '../projection';
import { isoTime } from './shared';

export const bankStatementImportsProjection: Projection<BankStatementEvent> = {
  name: 'bank-statement-imports',
  // 2: an index by kind (the console's filter), newest first.
  version: 2,
  tables: ['bank_statement_imports'],
  handles: ['BankStatementImported'],
  setup(db, t) {
    const r = t('bank_statement_imports');
    db.exec(`CREATE TABLE ${r} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      file_name TEXT NOT NULL,
      kind TEXT NOT NULL,
      message_id TEXT,
      statement_ids TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      imported_by TEXT NOT NULL,
      imported_at TEXT NOT NULL,
      line_count INTEGER NOT NULL,
      matched_count INTEGER NOT NULL,
      partial_count INTEGER NOT NULL,
      overpaid_count INTEGER NOT NULL,
      unmatched_count INTEGER NOT NULL,
      duplicate_count INTEGER NOT NULL,
      debit_count INTEGER NOT NULL,
      other_count INTEGER NOT NULL,
      lines TEXT NOT NULL
    )`);
    db.exec(`CREATE INDEX ${r}_by_imported ON ${r} (imported_at)`);
    db.exec(`CREATE INDEX ${r}_by_kind ON ${r} (kind, imported_at)`);
    db.exec(`CREATE INDEX ${r}_by_sha256 ON ${r} (sha256, imported_at)`);
    db.exec(`CREATE INDEX ${r}_by_file_name ON ${r} (file_name)`);
  },
  apply(db, event, t) {
    const r = t('bank_statement_imports');
    const d = event.data;
    const c = countOutcomes(d.lines);
    statement(
      db,
      `INSERT INTO ${r} (id, file_name, kind, message_id, statement_ids, sha256, imported_by, imported_at, line_count,
         matched_count, partial_count, overpaid_count, unmatched_count, duplicate_count, debit_count, other_count, lines)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ).run(
      d.importId, d.fileName, d.kind, d.messageId, JSON.stringify(d.statementIds), d.sha256, d.importedBy, isoTime(d.importedAt), d.lines.length,
      c.matched, c.partial, c.overpaid, c.unmatched, c.duplicate, c.debit, c.not_booked + c.invalid, JSON.stringify(d.lines),
    );
  },
};
