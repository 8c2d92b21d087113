// Importing the bank's statement (camt.053 / camt.054): each booked credit line becomes a payment
// through the same recording and RF matching as a payment typed by an accountant
// (payments/service.ts recordPayment), under the line's bank reference. That reference's claim is
// what makes an import safe to repeat: a line already imported (the same file twice, two
// statements that overlap, a transfer typed by hand before) is reported as a duplicate and nothing
// is recorded for it. The import itself is recorded last, with every line's outcome, on
// `bank-statement-import-<importId>`.
//
// Debit lines are money going out, which the back office does not book: they are skipped and
// reported, and do not make the file bad. A file of nothing but debit lines is refused whole
// (statement_only_debits): it was surely the wrong file (the outgoing account, a fees report), and
// importing it would record nothing but an empty import.
import { createHash } from 'node:crypto';
import type { CommandContext } from '../../../events/eventCatalogue';
import { bankStatementImportAggregate, countOutcomes, matchedOutcome, recordImport, streamOf as importStream } from '../../../domain/bankStatements/decider';
import type { StatementLineOutcome, StatementLineRecord } from '../../../domain/bankStatements/events';
import { amountDueOf, orderAggregate, streamOf as orderStream, type OrderState } from '../../../domain/orders/decider';
import type { OrderEvent } from '../../../domain/orders/events';
import { bankReferenceClaimAggregate, bankReferenceStreamOf } from '../../../domain/payments/bankReferenceClaim';
import { checkBankReference } from '../../../domain/shared/bankReference';
import { DomainError, invalid } from '../../../domain/shared/errors';
import { formatRf } from '../../../domain/shared/rfReference';
import { handleCommand, loadAggregate } from '../../commands/handle';
import { lastPosition, type SalesDeps } from '../deps';
import { getPayment, recordPayment } from '../payments/service';
import { parseCamt, paymentReasonOf, type StatementLine } from './camt';

/** The largest statement accepted, enforced on the request body before anything is parsed. */
export const BANK_STATEMENT_MAX_BYTES = 10 * 1024 * 1024;

export interface ImportBankStatement {
  importId: string;
  fileName: string;
  xml: string;
}

export interface BankStatementReport {
  importId: string;
  fileName: string;
  kind: 'camt.053' | 'camt.054';
  messageId: string | null;
  statementIds: string[];
  importedBy: string;
  importedAt: string;
  counts: Record<StatementLineOutcome, number>;
  lines: StatementLineRecord[];
  position: number;
}

export async function importBankStatement(deps: SalesDeps, input: ImportBankStatement, ctx: CommandContext): Promise<BankStatementReport> {
  const fileName = input.fileName.trim() || 'statement.xml';
  if (fileName.length > 200) throw invalid('fileName', 'at most 200 characters');
  const { state: before } = await loadAggregate(deps, importStream(input.importId), bankStatementImportAggregate);
  if (before.status === 'imported') throw new DomainError('bank_statement_import_exists', `import ${input.importId} has already been recorded`, 'conflict');
  const parsed = parseCamt(input.xml);
  if (parsed.lines.every((l) => l.direction === 'debit')) {
    throw new DomainError(
      'statement_only_debits',
      `file: every one of its ${parsed.lines.length} lines is a debit (money going out); only credits are imported as payments — is it the right file?`,
      'invalid',
      'file',
    );
  }

  const at = deps.clock().toISOString();
  const lines: StatementLineRecord[] = [];
  let position = 0;
  /** This import's payments matched to each order, in the order they were recorded. */
  const matchedHere = new Map<string, { paymentId: string; amountCents: number }[]>();
  for (const line of parsed.lines) {
    const base = {
      line: line.line,
      statementId: line.statementId,
      direction: line.direction,
      amountCents: line.amountCents,
      valueDate: line.valueDate ?? line.bookingDate,
      bankReference: line.bankReference,
      debtorName: line.debtorName,
      rfReference: line.rfReference,
      paymentId: null,
      orderId: null,
      dueCents: null,
    };
    const skip = (outcome: StatementLineOutcome, message: string, paymentId: string | null = null): void => {
      lines.push({ ...base, outcome, message, paymentId });
    };
    if (line.direction === 'debit') {
      skip('debit', 'a debit (money going out): not recorded; only credits are payments received');
      continue;
    }
    if (!line.booked) {
      skip('not_booked', 'not booked yet (pending): it will be imported from the statement that books it');
      continue;
    }
    const receivedOn = line.valueDate ?? line.bookingDate;
    if (receivedOn === null) {
      skip('invalid', 'neither a value date nor a booking date: record it by hand');
      continue;
    }
    if (line.bankReference === null) {
      skip('invalid', "no bank reference (AcctSvcrRef) on the line or its entry: record it by hand with the bank's reference");
      continue;
    }
    const reference = checkBankReference(line.bankReference);
    if (!reference.ok) {
      skip('invalid', reference.message);
      continue;
    }
    const earlier = await recordedHolderOf(deps, reference.value);
    if (earlier !== null) {
      skip('duplicate', `bank reference ${reference.value} was recorded before (payment ${earlier}): skipped`, earlier);
      continue;
    }
    const paymentId = deps.ids.uuid();
    let recorded;
    try {
      recorded = await recordPayment(
        deps,
        {
          paymentId,
          method: 'bank_transfer',
          amountCents: line.amountCents,
          receivedOn,
          payer: payerOf(line),
          reason: paymentReasonOf(line),
          bankReference: reference.value,
        },
        ctx,
      );
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind === 'not_found') throw error;
      // Taken meanwhile by a payment typed or imported at the same moment: the same rule applies.
      if (error.code === 'bank_reference_taken') skip('duplicate', `bank reference ${reference.value} was recorded meanwhile: skipped`);
      else skip('invalid', error.message);
      continue;
    }
    position = lastPosition(position, recorded.position);
    const rf = recorded.rfReference === null ? null : formatRf(recorded.rfReference);
    if (recorded.orderId === null) {
      lines.push({ ...base, rfReference: recorded.rfReference, outcome: 'unmatched', paymentId, message: `${recorded.unmatchedDetail ?? 'matched to no order'}: waits to be matched by hand` });
      continue;
    }
    const orderId = recorded.orderId;
    const ofOrder = matchedHere.get(orderId) ?? [];
    const due = Math.max(0, (await dueBeforeImport(deps, orderId, new Set([...ofOrder.map((p) => p.paymentId), paymentId]))) - ofOrder.reduce((sum, p) => sum + p.amountCents, 0));
    matchedHere.set(orderId, [...ofOrder, { paymentId, amountCents: line.amountCents }]);
    const outcome = matchedOutcome(line.amountCents, due);
    const message =
      outcome === 'matched'
        ? `matched by ${rf}: pays the order`
        : outcome === 'partial'
          ? `matched by ${rf}: ${euros(due - line.amountCents)} still due`
          : `matched by ${rf}: ${euros(line.amountCents - due)} over what was due, credited to the customer's prepaid account`;
    lines.push({ ...base, rfReference: recorded.rfReference, outcome, paymentId, orderId, dueCents: due, message });
  }

  const sha256 = createHash('sha256').update(input.xml, 'utf8').digest('hex');
  const result = await handleCommand(
    deps,
    importStream(input.importId),
    bankStatementImportAggregate,
    (state) =>
      recordImport(
        { importId: input.importId, fileName, kind: parsed.kind, messageId: parsed.messageId, statementIds: parsed.statementIds, sha256, importedBy: ctx.actor.userId, importedAt: at, lines },
        state,
      ),
    ctx,
  );
  return {
    importId: input.importId,
    fileName,
    kind: parsed.kind,
    messageId: parsed.messageId,
    statementIds: parsed.statementIds,
    importedBy: ctx.actor.userId,
    importedAt: at,
    counts: countOutcomes(lines),
    lines,
    position: lastPosition(position, result.position),
  };
}

/** The payment that holds the reference and was recorded; null when the reference is free. */
async function recordedHolderOf(deps: SalesDeps, bankReference: string): Promise<string | null> {
  const { state } = await loadAggregate(deps, bankReferenceStreamOf(bankReference), bankReferenceClaimAggregate);
  if (state.status !== 'claimed') return null;
  // A claim whose payment never got recorded is no payment: recordPayment takes it over.
  return (await getPayment(deps, state.paymentId)).status === 'none' ? null : state.paymentId;
}

/**
 * What the order waited for before this import: its events folded without the payments of this
 * import (which the payment reactor may already have applied, with the OrderPaid they caused).
 */
async function dueBeforeImport(deps: SalesDeps, orderId: string, paymentsOfImport: ReadonlySet<string>): Promise<number> {
  let state: OrderState = orderAggregate.initialState();
  let skippedPayment = false;
  for (const recorded of await deps.store.readStream(orderStream(orderId))) {
    const event = deps.catalogue.decode(recorded) as unknown as OrderEvent;
    if (event.type === 'OrderPaymentReceived' && paymentsOfImport.has(event.data.paymentId)) {
      skippedPayment = true;
      continue;
    }
    if (event.type === 'OrderPaid' && skippedPayment) continue;
    skippedPayment = false;
    state = orderAggregate.evolve(state, event);
  }
  return state.status === 'none' ? 0 : amountDueOf(state);
}

function payerOf(line: StatementLine): string {
  return line.debtorName ?? line.debtorIban ?? `not named on the statement (line ${line.line})`;
}

const euros = (cents: number): string => `€ ${(cents / 100).toFixed(2).replace('.', ',')}`;
