import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { paymentEventShapes, type PaymentEvent } from '../../../domain/payments/events';
import {
  matchByHand,
  paymentAggregate,
  recordPayment,
  rfReferencesToLookUp,
  streamOf,
  type RecordPayment,
} from '../../../domain/payments/decider';
import { specFor } from '../gwt';

const spec = specFor(paymentAggregate, { catalogue: new EventCatalogue<PaymentEvent>(paymentEventShapes) });

const AT = '2026-03-12T08:30:00.000Z';
const RF = 'RF18539007547034';

function record(reason: string, ordersByReference: Record<string, string> = {}, overrides: Partial<RecordPayment> = {}): RecordPayment {
  return {
    paymentId: 'p-1',
    method: 'bank_transfer',
    amountCents: 3172,
    receivedOn: '2026-03-11',
    payer: 'Mario Rossi',
    reason,
    bankReference: 'CRO03069099123',
    recordedBy: 'acc-1',
    ordersByReference,
    at: AT,
    ...overrides,
  };
}

const recorded = (reason: string, rfReference: string | null, matchStatus: string, rfCandidate: string | null = null): PaymentEvent => ({
  type: 'PaymentRecorded',
  data: {
    paymentId: 'p-1',
    method: 'bank_transfer',
    amountCents: 3172,
    receivedOn: '2026-03-11',
    payer: 'Mario Rossi',
    reason,
    bankReference: 'CRO03069099123',
    recordedBy: 'acc-1',
    rfReference,
    matchStatus: matchStatus as 'reference_found',
    rfCandidate,
    recordedAt: AT,
  },
});
const matchedByReference: PaymentEvent = {
  type: 'PaymentMatched',
  data: { paymentId: 'p-1', orderId: 'o-12', how: 'reference', rfReference: RF, by: 'system', matchedAt: AT },
};

describe('recording a payment', () => {
  it('stream payment-<id>', () => expect(streamOf('p-1')).toBe('payment-p-1'));

  it('finds the RF reference in the reason (lower case, spaces, extra text) and matches the order it names', () => {
    const reason = 'pagamento rf18 5390 0754 7034 ordine 12';
    expect(rfReferencesToLookUp(reason)).toContain(RF);
    spec.given([]).when((s) => recordPayment(record(reason, { [RF]: 'o-12' }), s)).then([recorded(reason, RF, 'reference_found'), matchedByReference]);
  });

  it.each(['RF18539007547034', 'Saldo fattura RF18-5390-0754-7034', 'bonifico RF18.5390.0754.7034, grazie'])('finds it in "%s"', (reason) => {
    const events = spec.given([]).when((s) => recordPayment(record(reason, { [RF]: 'o-12' }), s)).events();
    expect(events[1]).toEqual(matchedByReference);
  });

  it('a valid reference that names no order: recorded with it and left unmatched', () => {
    const reason = 'pagamento RF18 5390 0754 7034';
    spec
      .given([])
      .when((s) => recordPayment(record(reason), s))
      .then([
        recorded(reason, RF, 'reference_unknown'),
        { type: 'PaymentLeftUnmatched', data: { paymentId: 'p-1', reason: 'unknown_reference', detail: 'RF18 5390 0754 7034 names no order', unmatchedAt: AT } },
      ]);
  });

  it('no reference, or one with wrong check digits: left unmatched, waiting for an accountant', () => {
    spec
      .given([])
      .when((s) => recordPayment(record('rinnovo firma Rossi'), s))
      .then([
        recorded('rinnovo firma Rossi', null, 'no_reference'),
        { type: 'PaymentLeftUnmatched', data: { paymentId: 'p-1', reason: 'no_reference', detail: 'no RF reference in the payment reason', unmatchedAt: AT } },
      ]);
    const wrong = 'pagamento rf19 5390 0754 7034';
    spec
      .given([])
      .when((s) => recordPayment(record(wrong, { RF19539007547034: 'o-12' }), s))
      .then([
        recorded(wrong, null, 'wrong_check_digits', 'RF19539007547034'),
        {
          type: 'PaymentLeftUnmatched',
          data: { paymentId: 'p-1', reason: 'wrong_check_digits', detail: 'found RF19 5390 0754 7034 but its check digits are wrong', unmatchedAt: AT },
        },
      ]);
  });

  it('refuses a non-positive amount, a bad date, no payer; and recording twice', () => {
    spec.given([]).when((s) => recordPayment(record(RF, {}, { amountCents: 0 }), s)).then({ error: 'input_invalid', field: 'amountCents' });
    spec.given([]).when((s) => recordPayment(record(RF, {}, { amountCents: 12.5 }), s)).then({ error: 'input_invalid', field: 'amountCents' });
    spec.given([]).when((s) => recordPayment(record(RF, {}, { receivedOn: '11/03/2026' }), s)).then({ error: 'input_invalid', field: 'receivedOn' });
    spec.given([]).when((s) => recordPayment(record(RF, {}, { payer: ' ' }), s)).then({ error: 'input_invalid', field: 'payer' });
    spec.given([recorded(RF, RF, 'reference_found'), matchedByReference]).when((s) => recordPayment(record(RF), s)).then({ error: 'payment_exists', kind: 'conflict' });
  });

  it("records the bank's reference normalised: upper case, without spaces", () => {
    const [event] = spec.given([]).when((s) => recordPayment(record('rinnovo', {}, { bankReference: ' cro 0306 9099 123 ' }), s)).events();
    expect(event).toMatchObject({ type: 'PaymentRecorded', data: { bankReference: 'CRO03069099123' } });
  });

  it("refuses a bank reference that is empty, too long or of other characters, naming the field and the rule", () => {
    spec.given([]).when((s) => recordPayment(record(RF, {}, { bankReference: '  ' }), s)).then({ error: 'bank_reference_required', kind: 'invalid', field: 'bankReference' });
    spec.given([]).when((s) => recordPayment(record(RF, {}, { bankReference: '1'.repeat(36) }), s)).then({ error: 'bank_reference_length', field: 'bankReference', message: /at most 35/ });
    spec.given([]).when((s) => recordPayment(record(RF, {}, { bankReference: 'CRO#12' }), s)).then({ error: 'bank_reference_format', field: 'bankReference' });
  });

  it('money taken at the desk has no bank reference: the event leaves it out', () => {
    const [event] = spec.given([]).when((s) => recordPayment(record('al banco', {}, { method: 'credit_card', bankReference: null }), s)).events();
    expect(event!.type === 'PaymentRecorded' && 'bankReference' in event!.data).toBe(false);
  });

  it('reads a payment recorded before the bank reference was asked for', () => {
    const old = recorded('rinnovo', null, 'no_reference') as Extract<PaymentEvent, { type: 'PaymentRecorded' }>;
    const { bankReference: _, ...data } = old.data;
    const catalogue = new EventCatalogue<PaymentEvent>(paymentEventShapes);
    const context = { actor: { userId: 'acc-1', role: 'accountant' as const }, at: AT, correlationId: '00000000-0000-4000-8000-000000000000', causationId: null };
    const stored = catalogue.encode({ type: 'PaymentRecorded', data } as PaymentEvent, context);
    const decoded = catalogue.decode({ ...stored, stream: 'payment-p-1', revision: 0, position: 1, created: new Date(AT) });
    expect(spec.given([decoded as PaymentEvent]).state()).toMatchObject({ status: 'unmatched', bankReference: null });
  });
});

describe('matching by hand', () => {
  const unmatched: PaymentEvent[] = [
    recorded('rinnovo', null, 'no_reference'),
    { type: 'PaymentLeftUnmatched', data: { paymentId: 'p-1', reason: 'no_reference', detail: 'x', unmatchedAt: AT } },
  ];
  const later = '2026-03-13T10:00:00.000Z';

  it('matches an unmatched payment to the order an accountant picks', () => {
    spec
      .given(unmatched)
      .when((s) => matchByHand({ orderId: 'o-7', by: 'acc-2', at: later }, s))
      .then([{ type: 'PaymentMatched', data: { paymentId: 'p-1', orderId: 'o-7', how: 'by_hand', rfReference: null, by: 'acc-2', matchedAt: later } }]);
    expect(spec.given(unmatched).state()).toMatchObject({ status: 'unmatched', match: null });
  });

  it('refuses an already matched payment, and an unknown one', () => {
    spec.given([recorded(RF, RF, 'reference_found'), matchedByReference]).when((s) => matchByHand({ orderId: 'o-7', by: 'acc-2', at: later }, s)).then({ error: 'payment_already_matched', kind: 'conflict' });
    const byHand: PaymentEvent = { type: 'PaymentMatched', data: { paymentId: 'p-1', orderId: 'o-7', how: 'by_hand', rfReference: null, by: 'acc-2', matchedAt: later } };
    spec.given([...unmatched, byHand]).when((s) => matchByHand({ orderId: 'o-8', by: 'acc-2', at: later }, s)).then({ error: 'payment_already_matched' });
    spec.given([]).when((s) => matchByHand({ orderId: 'o-7', by: 'acc-2', at: later }, s)).then({ error: 'payment_not_found', kind: 'not_found' });
  });
});
