// Given the events a record's streams hold (each with when the store recorded it) / When as of an
// instant / Then the state the record's screen would have shown then.
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../../domain/history/diff';
import { instantParam } from '../../../domain/history/recorded';
import { changesBetween, stateAsOf } from '../../../domain/history/timeTravel';
import { DomainError } from '../../../domain/shared/errors';
import * as g from './events';

const { T } = g;

describe('an order as of an instant', () => {
  const events = [g.orderPlaced(T('09:00')), g.paymentReceived(T('10:00'), 1000, 1000, 2172), g.paymentReceived(T('11:00'), 2172, 2172, 0, 'p-2'), g.orderPaid(T('11:00')), g.orderFulfilled(T('11:05'))];

  it('before any payment: awaiting payment, the whole total due, no payments', () => {
    const { state, events: lines } = stateAsOf('order', 'o-1', events, T('09:30'));
    expect(state).toMatchObject({ status: 'awaiting_payment', totalCents: 3172, amountPaidCents: 0, amountDueCents: 3172, payments: [], rfReference: g.RF, invoiceNumber: null });
    expect(lines.map((l) => l.type)).toEqual(['OrderPlaced']);
  });

  it('after a part payment: still awaiting, what was paid and what is still due', () => {
    const { state } = stateAsOf('order', 'o-1', events, T('10:30'));
    expect(state).toMatchObject({ status: 'awaiting_payment', amountPaidCents: 1000, amountDueCents: 2172, payments: [{ paymentId: 'p-1', amountCents: 1000 }] });
  });

  it('cuts on when the back office recorded the event (inclusive), not on the bank day in the data', () => {
    // p-1 says it was received on 1 March, but it was recorded at 10:00 on the 2nd.
    expect(stateAsOf('order', 'o-1', events, T('09:59')).state).toMatchObject({ amountPaidCents: 0 });
    expect(stateAsOf('order', 'o-1', events, T('10:00')).state).toMatchObject({ amountPaidCents: 1000 });
  });

  it('now: fulfilled with its invoice number', () => {
    expect(stateAsOf('order', 'o-1', events, T('12:00')).state).toMatchObject({ status: 'fulfilled', amountPaidCents: 3172, amountDueCents: 0, invoiceNumber: '7/2026', paidAt: T('11:00') });
  });

  it('before it was placed: not found, saying it did not exist then', () => {
    expect(() => stateAsOf('order', 'o-1', events, T('08:00'))).toThrow(expect.objectContaining({ code: 'order_not_found', kind: 'not_found', message: expect.stringMatching(/did not exist at 2026-03-02T08:00/) }));
  });

  it('what changed between before and after the payment: paid, the amounts, the payments listed; the events in between', () => {
    const { changes, events: between } = changesBetween('order', 'o-1', events, T('09:30'), T('11:01'));
    expect(changes).toEqual(
      expect.arrayContaining([
        { path: 'status', before: 'awaiting_payment', after: 'paid' },
        { path: 'amountPaidCents', before: 0, after: 3172 },
        { path: 'amountDueCents', before: 3172, after: 0 },
        { path: 'paidAt', before: null, after: T('11:00') },
        expect.objectContaining({ path: 'payments[0]', before: null }),
        expect.objectContaining({ path: 'payments[1]', before: null }),
      ]),
    );
    expect(changes.find((c) => c.path === 'totalCents')).toBeUndefined();
    expect(between.map((e) => e.type)).toEqual(['OrderPaymentReceived', 'OrderPaymentReceived', 'OrderPaid']);
    expect(between[0]!.short).toContain('10,00 €');
  });

  it('refuses a span whose from is after its to, naming the field', () => {
    expect(() => changesBetween('order', 'o-1', events, T('11:00'), T('10:00'))).toThrow(expect.objectContaining({ field: 'from', code: 'span_invalid', message: 'from: must not be after to' }));
  });

  it('a from before the order existed: every field is a change from nothing', () => {
    const { changes } = changesBetween('order', 'o-1', events, T('08:00'), T('09:30'));
    expect(changes).toContainEqual({ path: 'status', before: null, after: 'awaiting_payment' });
  });
});

describe('a customer as of an instant', () => {
  const events = [g.customerRegistered(T('09:00')), g.emailChanged(T('10:00'), 'mario.rossi@example.it', 'mario@rossi.example.it'), g.sdiAddressChanged(T('11:00'), null, 'mario@pec.example.it')];

  it('the profile e-mail the codes went to then, and the SdI address in force', () => {
    expect(stateAsOf('customer', 'c-1', events, T('09:30')).state).toMatchObject({ fullName: 'Mario Rossi', email: 'mario.rossi@example.it', pecAddress: null });
    expect(stateAsOf('customer', 'c-1', events, T('10:30')).state).toMatchObject({ email: 'mario@rossi.example.it', pecAddress: null });
    expect(stateAsOf('customer', 'c-1', events, T('11:30')).state).toMatchObject({ email: 'mario@rossi.example.it', pecAddress: 'mario@pec.example.it', sdiCode: null });
  });

  it('diff names the e-mail and the PEC', () => {
    expect(changesBetween('customer', 'c-1', events, T('09:30'), T('11:30')).changes).toEqual([
      { path: 'email', before: 'mario.rossi@example.it', after: 'mario@rossi.example.it' },
      { path: 'pecAddress', before: null, after: 'mario@pec.example.it' },
    ]);
  });
});

describe('a prepaid account as of an instant', () => {
  const events = [
    g.customerRegistered(T('09:00')),
    g.toppedUp(T('10:00'), 5000, 90, 5000),
    g.debited(T('11:00'), 3172, 1828),
    g.adjustmentRequested(T('12:00'), 1000),
    g.adjustmentApproved(T('13:00'), 1000, 2828),
  ];

  it('opens at zero with the registration', () => {
    expect(stateAsOf('prepaid', 'c-1', events, T('09:30')).state).toMatchObject({ balanceCents: 0, movements: 0 });
  });

  it('the balance after each movement; a request waits without moving money, its approval credits', () => {
    expect(stateAsOf('prepaid', 'c-1', events, T('10:30')).state).toMatchObject({ balanceCents: 5000, toppedUpCents: 5000, feesCents: 90 });
    expect(stateAsOf('prepaid', 'c-1', events, T('11:30')).state).toMatchObject({ balanceCents: 1828, debitedCents: 3172 });
    expect(stateAsOf('prepaid', 'c-1', events, T('12:30')).state).toMatchObject({ balanceCents: 1828, pendingAdjustments: [{ adjustmentId: 'a-1', amountCents: 1000 }] });
    expect(stateAsOf('prepaid', 'c-1', events, T('13:30')).state).toMatchObject({ balanceCents: 2828, creditedCents: 1000, pendingAdjustments: [], movements: 3 });
  });

  it('before the customer registered: not found', () => {
    expect(() => stateAsOf('prepaid', 'c-1', events, T('08:00'))).toThrow(expect.objectContaining({ code: 'prepaid_not_found' }));
  });
});

describe('an invoice as of an instant', () => {
  const events = [
    g.invoiceIssued(T('09:00')),
    g.sdiReceipt(T('10:00'), 'NS', '2026-03-02T09:30:00.000Z', ['00311']),
    g.sdiReceipt(T('12:00'), 'RC', '2026-03-02T11:30:00.000Z'),
    g.creditNoteIssued(T('13:00')),
    g.creditNoteIssued(T('13:00'), 'inv-other'),
  ];

  it('issued and awaiting the SdI', () => {
    expect(stateAsOf('invoice', 'inv-1', events, T('09:30')).state).toMatchObject({ displayNumber: '7/2026', totalCents: 3172, sdiState: 'awaiting', creditNotes: [], netCents: 3172 });
  });

  it('rejected by the SdI with its error codes, then delivered', () => {
    expect(stateAsOf('invoice', 'inv-1', events, T('11:00')).state).toMatchObject({ sdiState: 'rejected', sdiErrors: ['00311'] });
    expect(stateAsOf('invoice', 'inv-1', events, T('12:30')).state).toMatchObject({ sdiState: 'delivered', sdiErrors: [], sdiReceipts: 2 });
  });

  it('an older receipt uploaded late does not undo the later one', () => {
    const late = [...events, g.sdiReceipt(T('14:00'), 'MC', '2026-03-02T08:00:00.000Z')];
    expect(stateAsOf('invoice', 'inv-1', late, T('14:30')).state).toMatchObject({ sdiState: 'delivered', sdiReceipts: 3 });
  });

  it('a credit note against it takes its total off; one against another invoice does not', () => {
    expect(stateAsOf('invoice', 'inv-1', events, T('13:30')).state).toMatchObject({ creditedCents: 3172, netCents: 0, creditNotes: [{ displayNumber: '1/2026', totalCents: 3172 }] });
  });
});

describe('the diff of two states', () => {
  it('one change per differing leaf, by path; arrays by index; absent reads as null', () => {
    expect(diffStates({ a: 1, b: { c: 'x', d: [1, 2] }, e: null }, { a: 1, b: { c: 'y', d: [1, 3, 4] }, f: true })).toEqual([
      { path: 'b.c', before: 'x', after: 'y' },
      { path: 'b.d[1]', before: 2, after: 3 },
      { path: 'b.d[2]', before: null, after: 4 },
      { path: 'f', before: null, after: true },
    ]);
  });

  it('the same state: no change', () => {
    expect(diffStates({ a: [{ b: 1 }] }, { a: [{ b: 1 }] })).toEqual([]);
  });
});

describe('the instant a request names', () => {
  it('takes Z or an offset and answers UTC', () => {
    expect(instantParam('2026-03-02T11:00:00+01:00', 'asOf')).toBe('2026-03-02T10:00:00.000Z');
    expect(instantParam('2026-03-02T10:00:00.5Z', 'asOf')).toBe('2026-03-02T10:00:00.500Z');
  });

  it('refuses a non-date or a time without its zone, naming the field and the rule', () => {
    for (const bad of ['yesterday', '2026-03-02', '2026-03-02T10:00:00', '2026-13-02T10:00:00Z']) {
      let error: unknown;
      try {
        instantParam(bad, 'asOf');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ field: 'asOf', message: expect.stringMatching(/^asOf: must be an ISO-8601 date-time with Z or an offset/) });
    }
  });
});
