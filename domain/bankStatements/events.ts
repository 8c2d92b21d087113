// Imports of the bank's statements (stream `bank-statement-import-<importId>`): one event per file
// imported, with every line's outcome. The payments the credit lines became are recorded on their
// own streams (domain/payments) under the line's bank reference; this event is the accountants'
// record of the import itself (who, when, which file, what became of each line).
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';

/**
 * What became of a line of the statement:
 * - matched: a payment matched by its RF reference to an order whose amount due it pays exactly;
 * - partial: matched, less than the amount due (the order waits for the rest);
 * - overpaid: matched, more than the amount due (the surplus goes to the customer's prepaid account);
 * - unmatched: a payment recorded but matched to no order: it waits in the accountants' queue;
 * - duplicate: its bank reference was imported or typed before: skipped, nothing recorded;
 * - debit: money going out: skipped, the back office records money received only;
 * - not_booked: a pending (not booked) notification line: skipped until the bank books it;
 * - invalid: a credit line that cannot be recorded (no bank reference, …): see its message.
 */
export const statementLineOutcomes = ['matched', 'partial', 'overpaid', 'unmatched', 'duplicate', 'debit', 'not_booked', 'invalid'] as const;
export type StatementLineOutcome = (typeof statementLineOutcomes)[number];

export const statementLineSchema = z.object({
  line: z.number().int().min(1),
  statementId: z.string(),
  direction: z.enum(['credit', 'debit']),
  amountCents: z.number().int().min(0),
  valueDate: z.string().nullable(),
  bankReference: z.string().nullable(),
  debtorName: z.string().nullable(),
  rfReference: z.string().nullable(),
  outcome: z.enum(statementLineOutcomes),
  /** The payment recorded for the line (or, for a duplicate, the one recorded before); else null. */
  paymentId: z.string().nullable(),
  orderId: z.string().nullable(),
  /** For a line matched to an order: what the order still waited for before it, cents; else null. */
  dueCents: z.number().int().min(0).nullable(),
  /** For people, in English (the console words each outcome itself). */
  message: z.string(),
});
export type StatementLineRecord = z.infer<typeof statementLineSchema>;

export const bankStatementImported = eventShape(
  'BankStatementImported',
  z.object({
    importId: z.string().min(1),
    fileName: z.string(),
    kind: z.enum(['camt.053', 'camt.054']),
    messageId: z.string().nullable(),
    statementIds: z.array(z.string()),
    /** sha256 of the file as received, hex: the same file imported twice is visible as such. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    importedBy: z.string().min(1),
    importedAt: z.iso.datetime(),
    lines: z.array(statementLineSchema),
  }),
);

export const bankStatementEventShapes = [bankStatementImported];
export type BankStatementEvent = EventOf<typeof bankStatementImported>;
