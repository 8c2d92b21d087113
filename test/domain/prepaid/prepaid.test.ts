import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { prepaidEventShapes, type PrepaidEvent, type PrepaidToppedUp } from '../../../domain/prepaid/events';
import {
  creditAccount,
  debitForOrder,
  prepaidAggregate,
  splitTopUp,
  streamOf,
  topUp,
  topUpQuote,
  type TopUp,
} from '../../../domain/prepaid/decider';
import { feeOf } from '../../../domain/shared/money';
import { fold, specFor } from '../gwt';

const spec = specFor(prepaidAggregate);
const now = new Date('2026-11-24T10:00:00.000Z');
const catalogue = new EventCatalogue<PrepaidEvent>(prepaidEventShapes);
const context = {
  actor: { userId: 'u-1', role: 'accountant' as const },
  at: now.toISOString(),
  correlationId: '7f1e3a52-5d2c-4a53-9a0e-3f1c2b4d5e6f',
  causationId: null,
};
const encodable = <E extends PrepaidEvent>(events: E[]) => {
  for (const e of events) expect(() => catalogue.encode(e, context)).not.toThrow();
  return events;
};

const transfer: TopUp = {
  customerId: 'c-1',
  topUpId: 't-1',
  amountReceivedCents: 3359,
  method: 'bank_transfer',
  reference: 'CRO 0123456789',
  receivedOn: '2026-11-23',
  at: now.toISOString(),
};

const toppedUp = (creditedCents: number, balanceAfterCents: number, topUpId = 't-1'): PrepaidToppedUp => {
  const fee = feeOf(creditedCents, 180);
  return {
    type: 'PrepaidToppedUp',
    data: {
      customerId: 'c-1',
      topUpId,
      amountReceivedCents: creditedCents + fee,
      feeCents: fee,
      creditedCents,
      feeRateBp: 180,
      method: 'bank_transfer',
      reference: 'CRO 0123456789',
      receivedOn: '2026-11-23',
      balanceAfterCents,
      recordedAt: now.toISOString(),
    },
  };
};

describe('prepaid: the administrative fee', () => {
  it("the guide's figures: 1.80% of €33.00 is 59 cents (0.594, half up); the customer pays €33.59", () => {
    expect(topUpQuote(3300)).toEqual({ creditedCents: 3300, feeCents: 59, toPayCents: 3359 });
    expect(splitTopUp(3359)).toEqual({ creditedCents: 3300, feeCents: 59, toPayCents: 3359 });
  });

  it('rounds half up: 1.80% of 2500 = 45.0, of 2750 = 49.5 → 50, of 2749 = 49.482 → 49', () => {
    expect(topUpQuote(2500).feeCents).toBe(45);
    expect(topUpQuote(2750).feeCents).toBe(50);
    expect(topUpQuote(2749).feeCents).toBe(49);
  });

  it('property: paying a quote gives back exactly the quoted credit and fee', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 1000 }), (credited, rate) => {
        const q = topUpQuote(credited, rate);
        expect(splitTopUp(q.toPayCents, rate)).toEqual(q);
      }),
    );
  });

  it('property: any amount received is split with nothing lost, never crediting more than was paid for', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 1000 }), (received, rate) => {
        const s = splitTopUp(received, rate);
        expect(s.creditedCents + s.feeCents).toBe(received);
        expect(s.creditedCents + feeOf(s.creditedCents, rate)).toBeLessThanOrEqual(received);
        expect(s.creditedCents + 1 + feeOf(s.creditedCents + 1, rate)).toBeGreaterThan(received);
        expect(s.feeCents - feeOf(s.creditedCents, rate)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('prepaid: top-up', () => {
  it('records received, fee and credited; the account is credited €33.00 of €33.59', () => {
    spec.given([]).when((s) => encodable(topUp(transfer, s))).then([toppedUp(3300, 3300)]);
    expect(streamOf('c-1')).toBe('prepaid-c-1');
  });

  it('adds to the balance', () => {
    const events = spec.given([toppedUp(3300, 3300)]).when((s) => topUp({ ...transfer, topUpId: 't-2', amountReceivedCents: 10_180 }, s)).events();
    expect(events[0]?.data).toMatchObject({ amountReceivedCents: 10_180, feeCents: 180, creditedCents: 10_000, balanceAfterCents: 13_300 });
  });

  it('a received amount that cannot be split exactly gives the extra cent to the fee', () => {
    // 3305 + fee(3305) = 3305 + 59 (59.49) = 3364; 3306 + 60 (59.508) = 3366: 3365 is not reachable.
    const events = spec.given([]).when((s) => topUp({ ...transfer, amountReceivedCents: 3365 }, s)).events();
    expect(events[0]?.data).toMatchObject({ amountReceivedCents: 3365, creditedCents: 3305, feeCents: 60 });
  });

  it('refuses a top-up crediting less than the minimum, saying what to pay', () => {
    spec.given([]).when((s) => topUp({ ...transfer, amountReceivedCents: 3358 }, s)).then({
      error: 'top_up_below_minimum',
      kind: 'rule',
      field: 'amountReceivedCents',
      message: 'a top-up must credit at least 33,00 €, i.e. 33,59 € with the 1,8% fee; received 33,58 €',
    });
  });

  it('takes the rate and the minimum from the settings in the command', () => {
    const events = spec
      .given([])
      .when((s) => topUp({ ...transfer, amountReceivedCents: 2050, settings: { feeRateBp: 250, minimumTopUpCents: 2000 }, at: now.toISOString() }, s))
      .events();
    expect(events[0]?.data).toMatchObject({ amountReceivedCents: 2050, feeCents: 50, creditedCents: 2000, feeRateBp: 250 });
    spec
      .given([])
      .when((s) => topUp({ ...transfer, amountReceivedCents: 1000, settings: { minimumTopUpCents: 0, feeRateBp: 0 }, at: now.toISOString() }, s))
      .then([
        {
          type: 'PrepaidToppedUp',
          data: { ...toppedUp(1000, 1000).data, amountReceivedCents: 1000, feeCents: 0, creditedCents: 1000, feeRateBp: 0 },
        },
      ]);
    spec
      .given([])
      .when((s) => topUp({ ...transfer, settings: { feeRateBp: -1 }, at: now.toISOString() }, s))
      .then({ error: 'setting_invalid', kind: 'invalid', field: 'settings.feeRateBp' });
  });

  it('recording the same top-up again is a no-op', () => {
    spec.given([toppedUp(3300, 3300)]).when((s) => topUp(transfer, s)).thenNothing();
  });

  it.each([
    [{ amountReceivedCents: 0 }, 'amount_invalid', 'amountReceivedCents'],
    [{ amountReceivedCents: 33.59 }, 'amount_invalid', 'amountReceivedCents'],
    [{ reference: ' ' }, 'value_required', 'reference'],
    [{ receivedOn: '23/11/2026' }, 'date_invalid', 'receivedOn'],
    [{ receivedOn: '2026-02-30' }, 'date_invalid', 'receivedOn'],
    [{ method: 'bitcoin' }, 'method_invalid', 'method'],
  ])('refuses %j', (patch, error, field) => {
    spec.given([]).when((s) => topUp({ ...transfer, ...patch } as TopUp, s)).then({ error, kind: 'invalid', field });
  });
});

describe('prepaid: debit for an order', () => {
  it('debits the amount, recording the balance after', () => {
    spec
      .given([toppedUp(3300, 3300)])
      .when((s) => encodable(debitForOrder({ customerId: 'c-1', orderId: 'o-1', amountCents: 3172, at: now.toISOString() }, s)))
      .then([
        {
          type: 'PrepaidDebited',
          data: { customerId: 'c-1', orderId: 'o-1', amountCents: 3172, balanceAfterCents: 128, debitedAt: now.toISOString() },
        },
      ]);
  });

  it('may take the balance exactly to zero', () => {
    const events = spec.given([toppedUp(3300, 3300)]).when((s) => debitForOrder({ customerId: 'c-1', orderId: 'o-1', amountCents: 3300, at: now.toISOString() }, s)).events();
    expect(events[0]).toMatchObject({ type: 'PrepaidDebited', data: { balanceAfterCents: 0 } });
  });

  it('never below zero: refused when the balance is less than the amount, in euros', () => {
    spec
      .given([toppedUp(3300, 3300)])
      .when((s) => debitForOrder({ customerId: 'c-1', orderId: 'o-1', amountCents: 3301, at: now.toISOString() }, s))
      .then({
        error: 'balance_insufficient',
        kind: 'rule',
        message: 'the prepaid balance 33,00 € is less than the amount 33,01 €',
      });
    spec
      .given([])
      .when((s) => debitForOrder({ customerId: 'c-1', orderId: 'o-1', amountCents: 1, at: now.toISOString() }, s))
      .then({ error: 'balance_insufficient', message: 'the prepaid balance 0,00 € is less than the amount 0,01 €' });
  });

  it('a racing second debit, re-decided on the state after the first, is refused', () => {
    const first = debitForOrder({ customerId: 'c-1', orderId: 'o-1', amountCents: 3000, at: now.toISOString() }, fold(prepaidAggregate, [toppedUp(3300, 3300)]));
    spec
      .given([toppedUp(3300, 3300), ...first])
      .when((s) => debitForOrder({ customerId: 'c-1', orderId: 'o-2', amountCents: 3000, at: now.toISOString() }, s))
      .then({ error: 'balance_insufficient', message: 'the prepaid balance 3,00 € is less than the amount 30,00 €' });
  });

  it('a debit for the same order twice is a no-op, even when the balance would not cover it', () => {
    const debited = debitForOrder({ customerId: 'c-1', orderId: 'o-1', amountCents: 3000, at: now.toISOString() }, fold(prepaidAggregate, [toppedUp(3300, 3300)]));
    spec
      .given([toppedUp(3300, 3300), ...debited])
      .when((s) => debitForOrder({ customerId: 'c-1', orderId: 'o-1', amountCents: 3000, at: now.toISOString() }, s))
      .thenNothing();
  });

  it('refuses a non-positive or fractional amount', () => {
    for (const amountCents of [0, -5, 10.5]) {
      spec
        .given([toppedUp(3300, 3300)])
        .when((s) => debitForOrder({ customerId: 'c-1', orderId: 'o-1', amountCents, at: now.toISOString() }, s))
        .then({ error: 'amount_invalid', kind: 'invalid', field: 'amountCents' });
    }
  });

  it('property: whatever the sequence of debits, the balance never goes below zero', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 30 }), (amounts) => {
        let events: PrepaidEvent[] = [toppedUp(10_000, 10_000)];
        amounts.forEach((amountCents, i) => {
          try {
            events = [...events, ...debitForOrder({ customerId: 'c-1', orderId: `o-${i}`, amountCents, at: now.toISOString() }, fold(prepaidAggregate, events))];
          } catch {
            // refused
          }
          expect(fold(prepaidAggregate, events).balanceCents).toBeGreaterThanOrEqual(0);
        });
      }),
    );
  });
});

describe('prepaid: credit', () => {
  it('credits a refund of an order', () => {
    spec
      .given([toppedUp(3300, 3300)])
      .when((s) =>
        encodable(creditAccount({ customerId: 'c-1', creditId: 'cr-1', reason: 'refund', orderId: 'o-1', amountCents: 1464, at: now.toISOString() }, s)),
      )
      .then([
        {
          type: 'PrepaidCredited',
          data: {
            customerId: 'c-1',
            creditId: 'cr-1',
            reason: 'refund',
            orderId: 'o-1',
            amountCents: 1464,
            note: null,
            balanceAfterCents: 4764,
            creditedAt: now.toISOString(),
          },
        },
      ]);
  });

  it('credits an overpayment or a correction without an order', () => {
    const events = spec
      .given([])
      .when((s) => creditAccount({ customerId: 'c-1', creditId: 'cr-2', reason: 'correction', amountCents: 100, note: ' typo in the top-up ', at: now.toISOString() }, s))
      .events();
    expect(events[0]?.data).toMatchObject({ reason: 'correction', orderId: null, note: 'typo in the top-up', balanceAfterCents: 100 });
    expect(fold(prepaidAggregate, events).balanceCents).toBe(100);
  });

  it('the same credit again is a no-op', () => {
    const credited = creditAccount({ customerId: 'c-1', creditId: 'cr-1', reason: 'overpayment', amountCents: 10, at: now.toISOString() }, fold(prepaidAggregate, []));
    spec.given(credited).when((s) => creditAccount({ customerId: 'c-1', creditId: 'cr-1', reason: 'overpayment', amountCents: 10, at: now.toISOString() }, s)).thenNothing();
  });

  it('refuses a zero amount and an unknown reason', () => {
    spec
      .given([])
      .when((s) => creditAccount({ customerId: 'c-1', creditId: 'cr-1', reason: 'refund', amountCents: 0, at: now.toISOString() }, s))
      .then({ error: 'amount_invalid', kind: 'invalid', field: 'amountCents', message: 'amountCents: must be a positive whole number of cents (got 0)' });
    spec
      .given([])
      .when((s) => creditAccount({ customerId: 'c-1', creditId: 'cr-1', reason: 'gift' as 'refund', amountCents: 10, at: now.toISOString() }, s))
      .then({ error: 'reason_invalid', kind: 'invalid', field: 'reason' });
  });
});
