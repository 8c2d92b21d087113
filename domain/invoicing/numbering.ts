// Gapless numbering per year, for invoices (`invoice-numbers-<year>`) and credit notes
// (`credit-note-numbers-<year>`). The n-th event of a year's stream carries number n, so number n
// is appended at revision n − 1 with expected revision n − 2 ('no_stream' for n = 1): two writers
// deciding on the same state both pick the same number and expect the same revision; the store
// accepts the first, the second gets a wrong-expected-revision error, re-reads, and decides again
// on the new state — the next number. Numbers are therefore unique and without gaps.
//
// Asking again for a document that already has a number in that year (a retried fulfilment)
// gives the existing number and no event.
//
// Dates never go back along the numbering: a number is dated at the later of the time asked for
// and the date of the number before it (`lastAt`), and a document is dated when its number was
// assigned. A clock set back (by an hour, or by NTP), or fulfilments that began in one order and
// got their numbers in another, thus never date number n + 1 before number n.
import type { CreditNoteNumberEvent, InvoiceNumberEvent } from './events';
import { invalid } from '../shared/errors';

export const invoiceNumbersStreamOf = (year: number): string => `invoice-numbers-${year}`;
export const creditNoteNumbersStreamOf = (year: number): string => `credit-note-numbers-${year}`;

/** The revision to expect when appending number `n`: n − 2, or 'no_stream' for the first. */
export function expectedRevisionFor(number: number): number | 'no_stream' {
  if (!Number.isInteger(number) || number < 1) throw new RangeError(`not a document number: ${number}`);
  return number === 1 ? 'no_stream' : number - 2;
}

export interface Assignment {
  number: number;
  /** The invoice or credit note that got the number. */
  documentId: string;
  /** When the number was assigned: the date of its document. */
  at: string;
}

/**
 * State of a year's numbering. `byKey` is append-only and shared by the successive states of one
 * fold (copying it on every event would make a fold quadratic). Two folds continuing from the same
 * kept state (see commands/handle.ts) write the same assignments into it, so an earlier state may
 * know of a number assigned after its revision: that number is in the log all the same, so it is
 * still the right answer to "has this document a number?"; `count` is the state's own. Hence:
 * never evolve a numbering state with an event that is not in the log (a decision not yet appended).
 */
export interface NumberingState {
  year: number | null;
  /** How many numbers were assigned: the last number, since they start at 1 without gaps. */
  count: number;
  /** The latest assignment date of the year so far (the state's own, like `count`). */
  lastAt: string | null;
  byKey: Map<string, Assignment>;
}

const emptyState = (): NumberingState => ({ year: null, count: 0, lastAt: null, byKey: new Map() });

/** The later of two ISO instants (`b` may be null). */
export function laterOf(a: string, b: string | null): string {
  return b !== null && Date.parse(b) > Date.parse(a) ? b : a;
}

function assign(state: NumberingState, year: number, number: number, key: string, documentId: string, at: string): NumberingState {
  state.byKey.set(key, { number, documentId, at });
  return { year, count: Math.max(state.count, number), lastAt: laterOf(at, state.lastAt), byKey: state.byKey };
}

function checkYear(state: NumberingState, year: number): void {
  if (!Number.isInteger(year) || year < 2000 || year > 9999) throw invalid('year', 'must be a calendar year');
  if (state.year !== null && state.year !== year) throw invalid('year', `this numbering is for ${state.year}, not ${year}`);
}

// ---------------------------------------------------------------------------------------------
// Invoices: one number per order and year
// ---------------------------------------------------------------------------------------------

export const invoiceNumbering = {
  initialState: emptyState,
  evolve(state: NumberingState, event: InvoiceNumberEvent): NumberingState {
    const { year, number, orderId, invoiceId, assignedAt } = event.data;
    return assign(state, year, number, orderId, invoiceId, assignedAt);
  },
};

/** The number (and invoice) already given to the order this year, or null. */
export function invoiceNumberOf(state: NumberingState, orderId: string): Assignment | null {
  return state.byKey.get(orderId) ?? null;
}

export interface AssignInvoiceNumber {
  year: number;
  invoiceId: string;
  orderId: string;
  at: string;
}

export function assignInvoiceNumber(command: AssignInvoiceNumber, state: NumberingState): InvoiceNumberEvent[] {
  return decideInvoiceNumbers([command], state).events;
}

/**
 * One order's number (new or already assigned), which invoice id carries it, the events to append
 * and the revision to expect.
 */
export function decideInvoiceNumber(command: AssignInvoiceNumber, state: NumberingState) {
  const { events, assigned } = decideInvoiceNumbers([command], state);
  const { number, invoiceId, at } = assigned[0]!;
  return { number, invoiceId, at, events, expectedRevision: events.length > 0 ? expectedRevisionFor(number) : null };
}

/**
 * Numbers for several orders in one decision (fulfilments waiting for the numbering at the same
 * time): consecutive numbers after the state's last for the orders without one, in the order
 * asked; an order already numbered (or asked twice) keeps its number and its date. Appended
 * together, at the revision the state was read at. Each new number is dated at the later of the
 * time asked and the previous number's date (`at` of each assignment: the invoice's date).
 */
export function decideInvoiceNumbers(commands: readonly AssignInvoiceNumber[], state: NumberingState) {
  const events: InvoiceNumberEvent[] = [];
  const given = new Map<string, Assignment>();
  let last = state.count;
  let lastAt = state.lastAt;
  const assigned = commands.map((command) => {
    checkYear(state, command.year);
    const existing = state.byKey.get(command.orderId) ?? given.get(command.orderId);
    if (existing) return { number: existing.number, invoiceId: existing.documentId, at: existing.at };
    last += 1;
    const at = laterOf(command.at, lastAt);
    lastAt = at;
    events.push({
      type: 'InvoiceNumberAssigned',
      data: { year: command.year, number: last, invoiceId: command.invoiceId, orderId: command.orderId, assignedAt: at },
    });
    given.set(command.orderId, { number: last, documentId: command.invoiceId, at });
    return { number: last, invoiceId: command.invoiceId, at };
  });
  return { events, assigned };
}

// ---------------------------------------------------------------------------------------------
// Credit notes: one number per credit note and year
// ---------------------------------------------------------------------------------------------

export const creditNoteNumbering = {
  initialState: emptyState,
  evolve(state: NumberingState, event: CreditNoteNumberEvent): NumberingState {
    const { year, number, creditNoteId, assignedAt } = event.data;
    return assign(state, year, number, creditNoteId, creditNoteId, assignedAt);
  },
};

export function creditNoteNumberOf(state: NumberingState, creditNoteId: string): number | null {
  return state.byKey.get(creditNoteId)?.number ?? null;
}

export interface AssignCreditNoteNumber {
  year: number;
  creditNoteId: string;
  invoiceId: string;
  at: string;
}

export function assignCreditNoteNumber(command: AssignCreditNoteNumber, state: NumberingState): CreditNoteNumberEvent[] {
  checkYear(state, command.year);
  if (state.byKey.has(command.creditNoteId)) return [];
  return [
    {
      type: 'CreditNoteNumberAssigned',
      data: {
        year: command.year,
        number: state.count + 1,
        creditNoteId: command.creditNoteId,
        invoiceId: command.invoiceId,
        assignedAt: laterOf(command.at, state.lastAt),
      },
    },
  ];
}

export function decideCreditNoteNumber(command: AssignCreditNoteNumber, state: NumberingState) {
  const events = assignCreditNoteNumber(command, state);
  const number = events[0]?.data.number ?? creditNoteNumberOf(state, command.creditNoteId)!;
  /** The credit note's date: when its number was (or is now) assigned. */
  const at = events[0]?.data.assignedAt ?? state.byKey.get(command.creditNoteId)!.at;
  return { number, at, events, expectedRevision: events.length > 0 ? expectedRevisionFor(number) : null };
}
