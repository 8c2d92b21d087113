// The record of one import of a bank statement (stream `bank-statement-import-<importId>`), and
// how a matched line's outcome is told from the amount the order still waited for.
import { conflict, invalid } from '../shared/errors';
import { isUtcDateTime } from '../shared/utcTime';
import type { BankStatementEvent, StatementLineOutcome, StatementLineRecord } from './events';

export const streamOf = (importId: string): string => `bank-statement-import-${importId}`;

export type BankStatementImportState = { status: 'none' } | { status: 'imported'; data: Extract<BankStatementEvent, { type: 'BankStatementImported' }>['data'] };

export const bankStatementImportAggregate = {
  initialState: (): BankStatementImportState => ({ status: 'none' }),
  evolve: (_state: BankStatementImportState, event: BankStatementEvent): BankStatementImportState => ({ status: 'imported', data: event.data }),
};

export type RecordImport = Extract<BankStatementEvent, { type: 'BankStatementImported' }>['data'];

export function recordImport(command: RecordImport, state: BankStatementImportState): BankStatementEvent[] {
  if (state.status !== 'none') throw conflict('bank_statement_import_exists', `import ${command.importId} has already been recorded`);
  if (!isUtcDateTime(command.importedAt)) throw invalid('importedAt', 'must be an ISO-8601 UTC date-time');
  if (command.lines.length === 0) throw invalid('lines', 'an import has at least one line');
  return [{ type: 'BankStatementImported', data: command }];
}

/** A payment matched to an order that was waiting for `dueCents`: exact, short or over. */
export function matchedOutcome(amountCents: number, dueCents: number): Extract<StatementLineOutcome, 'matched' | 'partial' | 'overpaid'> {
  if (amountCents === dueCents) return 'matched';
  return amountCents < dueCents ? 'partial' : 'overpaid';
}

/** The counts of an import's lines by outcome (every outcome present, zero when none). */
export function countOutcomes(lines: readonly Pick<StatementLineRecord, 'outcome'>[]): Record<StatementLineOutcome, number> {
  const counts: Record<StatementLineOutcome, number> = { matched: 0, partial: 0, overpaid: 0, unmatched: 0, duplicate: 0, debit: 0, not_booked: 0, invalid: 0 };
  for (const l of lines) counts[l.outcome] += 1;
  return counts;
}
