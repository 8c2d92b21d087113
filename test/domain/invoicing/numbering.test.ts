import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EventCatalogue, type CommandContext } from '../../../events/eventCatalogue';
import { invoiceEventShapes, type CreditNoteNumberEvent, type InvoiceNumberEvent, type InvoicingEvent } from '../../../domain/invoicing/events';
import { WrongExpectedRevisionError, type EventStore, type ExpectedRevision, type RecordedEvent } from '../../../events/port';
import { handleCommand } from '../../../server/commands/handle';
import {
  assignCreditNoteNumber,
  assignInvoiceNumber,
  creditNoteNumbering,
  creditNoteNumbersStreamOf,
  decideCreditNoteNumber,
  decideInvoiceNumber,
  decideInvoiceNumbers,
  expectedRevisionFor,
  invoiceNumbering,
  invoiceNumberOf,
  invoiceNumbersStreamOf,
  type NumberingState,
} from '../../../domain/invoicing/numbering';
import { fold, specFor } from '../gwt';

const catalogue = new EventCatalogue<InvoicingEvent>(invoiceEventShapes);
const spec = specFor(invoiceNumbering, { catalogue });
const AT = '2026-05-04T10:00:00.000Z';
const LATER = '2026-05-04T11:00:00.000Z';

const assigned = (number: number, orderId = `o-${number}`, invoiceId = `inv-${number}`): InvoiceNumberEvent => ({
  type: 'InvoiceNumberAssigned',
  data: { year: 2026, number, invoiceId, orderId, assignedAt: AT },
});
const history = (n: number) => Array.from({ length: n }, (_, i) => assigned(i + 1));

describe('invoice numbering guard', () => {
  it('streams per year', () => {
    expect(invoiceNumbersStreamOf(2026)).toBe('invoice-numbers-2026');
    expect(creditNoteNumbersStreamOf(2026)).toBe('credit-note-numbers-2026');
  });

  it('the first invoice of the year is number 1, appended on no stream', () => {
    spec.given([]).when((s) => assignInvoiceNumber({ year: 2026, invoiceId: 'inv-1', orderId: 'o-1', at: AT }, s)).then([assigned(1)]);
    expect(expectedRevisionFor(1)).toBe('no_stream');
  });

  it('number n is the n-th event: expected revision n − 2', () => {
    spec.given(history(6)).when((s) => assignInvoiceNumber({ year: 2026, invoiceId: 'inv-7', orderId: 'o-7', at: AT }, s)).then([assigned(7)]);
    expect(expectedRevisionFor(7)).toBe(5);
    const decided = decideInvoiceNumber({ year: 2026, invoiceId: 'inv-7', orderId: 'o-7', at: AT }, fold(invoiceNumbering, history(6)));
    expect(decided).toMatchObject({ number: 7, invoiceId: 'inv-7', expectedRevision: 5 });
  });

  it('an order that already has a number keeps it: no event (idempotent)', () => {
    spec.given(history(4)).when((s) => assignInvoiceNumber({ year: 2026, invoiceId: 'inv-new', orderId: 'o-2', at: AT }, s)).thenNothing();
    const state = fold(invoiceNumbering, history(4));
    expect(invoiceNumberOf(state, 'o-2')).toEqual({ number: 2, documentId: 'inv-2', at: AT });
    expect(decideInvoiceNumber({ year: 2026, invoiceId: 'inv-new', orderId: 'o-2', at: LATER }, state)).toEqual({
      number: 2,
      invoiceId: 'inv-2',
      at: AT,
      events: [],
      expectedRevision: null,
    });
  });

  it('orders asked together get consecutive numbers after the last, in the order asked; one already numbered keeps its number', () => {
    const ask = (orderId: string) => ({ year: 2026, invoiceId: `inv-${orderId}`, orderId, at: AT });
    const state = fold(invoiceNumbering, history(3));
    const decision = decideInvoiceNumbers([ask('o-a'), ask('o-2'), ask('o-b'), ask('o-a')], state);
    expect(decision.assigned).toEqual([
      { number: 4, invoiceId: 'inv-o-a', at: AT },
      { number: 2, invoiceId: 'inv-2', at: AT },
      { number: 5, invoiceId: 'inv-o-b', at: AT },
      { number: 4, invoiceId: 'inv-o-a', at: AT },
    ]);
    expect(decision.events).toEqual([assigned(4, 'o-a', 'inv-o-a'), assigned(5, 'o-b', 'inv-o-b')]);
    // Appended together at the revision read: the first new number's expectation.
    expect(expectedRevisionFor(4)).toBe(2);
    expect(() => decideInvoiceNumbers([{ ...ask('o-c'), year: 2027 }], state)).toThrow(/2026, not 2027/);
  });

  it('refuses a year that is not the stream\'s', () => {
    spec.given(history(2)).when((s) => assignInvoiceNumber({ year: 2027, invoiceId: 'x', orderId: 'o-x', at: AT }, s)).then({ error: 'input_invalid', field: 'year' });
  });

  it('two writers deciding on the same state pick the same number and the same expected revision: only one append can succeed', () => {
    const state = fold(invoiceNumbering, history(3));
    const a = decideInvoiceNumber({ year: 2026, invoiceId: 'inv-a', orderId: 'o-a', at: AT }, state);
    const b = decideInvoiceNumber({ year: 2026, invoiceId: 'inv-b', orderId: 'o-b', at: AT }, state);
    expect([a.number, b.number]).toEqual([4, 4]);
    expect([a.expectedRevision, b.expectedRevision]).toEqual([2, 2]);
    // A wins; B re-reads and decides again on the new state: the next number, the next revision.
    const after = fold(invoiceNumbering, [...history(3), ...a.events]);
    const retry = decideInvoiceNumber({ year: 2026, invoiceId: 'inv-b', orderId: 'o-b', at: AT }, after);
    expect(retry).toMatchObject({ number: 5, expectedRevision: 3 });
  });

  it('many concurrent fulfilments with retries on conflict: numbers 1..n, no gaps, no duplicates, one per order', () => {
    // A stream with an optimistic append, and writers that interleave their reads and appends.
    const stream: InvoiceNumberEvent[] = [];
    const append = (events: InvoiceNumberEvent[], expected: number | 'no_stream' | null) => {
      const current = stream.length === 0 ? 'no_stream' : stream.length - 1;
      if (expected !== current) return false;
      stream.push(...events);
      return true;
    };
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const orders = Array.from({ length: 40 }, (_, i) => `order-${i}`);
    // Each writer: read → decide; later (in a random order) append; on conflict go back to read.
    type Pending = { orderId: string; decided: ReturnType<typeof decideInvoiceNumber> };
    let pending: Pending[] = [];
    const read = (orderId: string): Pending => ({
      orderId,
      decided: decideInvoiceNumber({ year: 2026, invoiceId: `inv-${orderId}`, orderId, at: AT }, fold(invoiceNumbering, stream)),
    });
    let conflicts = 0;
    const queue = [...orders];
    // A retry of an order that was already numbered (a repeated fulfilment) must not take a new number.
    queue.push('order-3', 'order-17');
    while (queue.length > 0 || pending.length > 0) {
      // Several writers read the same state before anyone appends.
      while (queue.length > 0 && random() < 0.7) pending.push(read(queue.shift()!));
      if (pending.length === 0) {
        pending.push(read(queue.shift()!));
      }
      const i = Math.floor(random() * pending.length);
      const writer = pending[i]!;
      pending = pending.filter((_, j) => j !== i);
      if (writer.decided.events.length === 0) continue;
      if (!append(writer.decided.events, writer.decided.expectedRevision)) {
        conflicts++;
        queue.unshift(writer.orderId);
      }
    }
    expect(conflicts).toBeGreaterThan(0);
    expect(stream.map((e) => e.data.number)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(stream.map((e) => e.data.orderId)).size).toBe(40);
  });

  it('through the command handler: concurrent writers conflict and re-decide; the handler expects number − 2', async () => {
    const streams = new Map<string, RecordedEvent[]>();
    let position = 0;
    const store = {
      kind: 'sqlite',
      async readStream(name: string) {
        await new Promise((r) => setTimeout(r, 1));
        return [...(streams.get(name) ?? [])];
      },
      async append(name: string, events: { id: string; type: string; data: unknown; metadata: Record<string, unknown> }[], options: { expectedRevision: ExpectedRevision }) {
        const existing = streams.get(name) ?? [];
        const actual = existing.length === 0 ? 'no_stream' : existing.length - 1;
        if (options.expectedRevision !== actual) throw new WrongExpectedRevisionError(name, options.expectedRevision, actual);
        const recorded = events.map((e, i) => ({ ...e, stream: name, revision: existing.length + i, position: ++position, created: new Date() }));
        streams.set(name, [...existing, ...recorded]);
        return { nextRevision: existing.length + events.length - 1, position };
      },
    } as unknown as EventStore;
    const context: CommandContext = { actor: { userId: 'system', role: 'system' }, at: AT, correlationId: randomUUID(), causationId: null };
    const fulfil = (orderId: string) =>
      handleCommand<NumberingState, InvoicingEvent>(
        { store, catalogue },
        invoiceNumbersStreamOf(2026),
        invoiceNumbering,
        (s) => assignInvoiceNumber({ year: 2026, invoiceId: `inv-${orderId}`, orderId, at: AT }, s),
        context,
      );
    const results = await Promise.all([fulfil('o-a'), fulfil('o-b'), fulfil('o-c')]);
    const numbers = results.map((r) => (r.events[0] as InvoiceNumberEvent).data.number).sort((x, y) => x - y);
    expect(numbers).toEqual([1, 2, 3]);
    for (const r of results) {
      const n = (r.events[0] as InvoiceNumberEvent).data.number;
      expect(r.revision).toBe(n - 1);
    }
    const again = await fulfil('o-b');
    expect(again.events).toEqual([]);
    expect(streams.get('invoice-numbers-2026')!.map((e) => (e.data as { number: number }).number)).toEqual([1, 2, 3]);
  });
});

describe('credit-note numbering guard', () => {
  const cnSpec = specFor(creditNoteNumbering, { catalogue });
  const cn = (number: number, creditNoteId = `cn-${number}`): CreditNoteNumberEvent => ({
    type: 'CreditNoteNumberAssigned',
    data: { year: 2026, number, creditNoteId, invoiceId: 'inv-1', assignedAt: AT },
  });

  it('its own gapless sequence, idempotent per credit note', () => {
    cnSpec.given([]).when((s) => assignCreditNoteNumber({ year: 2026, creditNoteId: 'cn-1', invoiceId: 'inv-1', at: AT }, s)).then([cn(1)]);
    cnSpec.given([cn(1), cn(2)]).when((s) => assignCreditNoteNumber({ year: 2026, creditNoteId: 'cn-3', invoiceId: 'inv-1', at: AT }, s)).then([cn(3)]);
    cnSpec.given([cn(1), cn(2)]).when((s) => assignCreditNoteNumber({ year: 2026, creditNoteId: 'cn-1', invoiceId: 'inv-1', at: AT }, s)).thenNothing();
    expect(decideCreditNoteNumber({ year: 2026, creditNoteId: 'cn-3', invoiceId: 'inv-1', at: AT }, fold(creditNoteNumbering, [cn(1), cn(2)]))).toMatchObject({
      number: 3,
      expectedRevision: 1,
    });
    expect(decideCreditNoteNumber({ year: 2026, creditNoteId: 'cn-2', invoiceId: 'inv-1', at: AT }, fold(creditNoteNumbering, [cn(1), cn(2)]))).toEqual({
      number: 2,
      at: AT,
      events: [],
      expectedRevision: null,
    });
  });
});

describe('invoice and credit-note dates never go back along the numbering', () => {
  it('a clock set back an hour: the next number is dated at the previous one, not before', () => {
    const state = fold(invoiceNumbering, [{ ...assigned(1), data: { ...assigned(1).data, assignedAt: LATER } }]);
    const decided = decideInvoiceNumber({ year: 2026, invoiceId: 'inv-2', orderId: 'o-2', at: AT }, state);
    expect(decided).toMatchObject({ number: 2, at: LATER });
    expect(decided.events[0]!.data.assignedAt).toBe(LATER);
    // A later clock dates it at its own time.
    const next = decideInvoiceNumbers([{ year: 2026, invoiceId: 'inv-2', orderId: 'o-2', at: '2026-05-04T12:00:00.000Z' }], state);
    expect(next.assigned[0]!.at).toBe('2026-05-04T12:00:00.000Z');
  });

  it('orders numbered together after a number dated later are all dated at it', () => {
    const state = fold(invoiceNumbering, [{ ...assigned(1), data: { ...assigned(1).data, assignedAt: LATER } }]);
    const decision = decideInvoiceNumbers([{ year: 2026, invoiceId: 'i-a', orderId: 'o-a', at: AT }, { year: 2026, invoiceId: 'i-b', orderId: 'o-b', at: AT }], state);
    expect(decision.events.map((e) => e.data.assignedAt)).toEqual([LATER, LATER]);
  });

  it('credit notes too', () => {
    const state = fold(creditNoteNumbering, [
      { type: 'CreditNoteNumberAssigned', data: { year: 2026, number: 1, creditNoteId: 'cn-1', invoiceId: 'inv-1', assignedAt: LATER } },
    ]);
    const decided = decideCreditNoteNumber({ year: 2026, creditNoteId: 'cn-2', invoiceId: 'inv-2', at: AT }, state);
    expect(decided).toMatchObject({ number: 2, at: LATER });
    expect(decideCreditNoteNumber({ year: 2026, creditNoteId: 'cn-1', invoiceId: 'inv-1', at: AT }, state)).toMatchObject({ number: 1, at: LATER, events: [] });
  });
});
