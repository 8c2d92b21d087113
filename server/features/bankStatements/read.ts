// The history of the bank statements imported, as the read API serves it (server/read/routes.ts):
// one row per import, its counts by outcome and each line's outcome.
import type { ResourceSpec } from '../../read/listQuery';
import { id, int, json, oneOf, text, textId, when } from '../../read/fields';
import { roleGroups } from '../../security/routeTable';

export const bankStatementsResources: ResourceSpec[] = [
  {
    name: 'bank-statements',
    singular: 'bank statement import',
    view: 'bank_statement_imports',
    projection: 'bank-statement-imports',
    id: textId,
    tieBreaker: 'seq',
    summary: "The bank's statements imported (camt.053/camt.054): who imported which file when, and what became of each line",
    access: roleGroups.readAll,
    defaultSort: ['importedAt', 'DESC'],
    search: { describe: 'file name (prefix)', columns: [{ sql: 'file_name', normalise: (q) => q.trim() }] },
    fields: {
      id,
      fileName: text(),
      kind: oneOf(['camt.053', 'camt.054']),
      messageId: text(),
      statementIds: json(),
      sha256: text({ filter: true }),
      importedBy: text(),
      importedAt: when(),
      lineCount: int(),
      matchedCount: int(),
      partialCount: int(),
      overpaidCount: int(),
      unmatchedCount: int(),
      duplicateCount: int(),
      debitCount: int(),
      otherCount: int(),
      lines: json(),
    },
  },
];
