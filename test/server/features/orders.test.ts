import { afterEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../../events/port';
import { isRfReference } from '../../../domain/shared/rfReference';
import {
  cancelOrder,
  expireOrders,
  getOrder,
  getPayment,
  matchPaymentByHand,
  placeOrder,
  prepaidBalance,
  recordPayment,
} from '../../../server/features/services';
import { accountant, DAY, eventsOfType, MARIO_CF, makeWorld, operator, registerCard, shopWithMario, typesIn, type World } from './fixtures';

const manual = (customerId: string, productCode = 'RIN-FIRMA-CNS', quantity = 1) =>
  ({ customerId, choice: 'manual', lines: [{ productCode, quantity }] }) as const;

/** Every append to a stream whose name starts with `prefix` fails `times` times. */
function failingAppends(store: EventStore, prefix: string, times: number): EventStore {
  let left = times;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'append') {
        return (stream: string, ...rest: Parameters<EventStore['append']> extends [string, ...infer R] ? R : never) => {
          if (stream.startsWith(prefix) && left > 0) {
            left -= 1;
            return Promise.reject(new Error('disk on fire'));
          }
          return target.append(stream, ...rest);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

describe('placing orders', () => {
  let world: World;
  afterEach(async () => world?.close());

  it('prepaid: debits the total and places the order paid; a retry with the same id changes nothing', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 5000);
    const placed = await placeOrder(world.deps, { ...manual(customerId), orderId: 'o-1', payment: { mode: 'prepaid' } }, operator);
    expect(placed).toMatchObject({ orderId: 'o-1', placed: true, prepaidBalanceCents: 5000 - 3172, rfReference: null });
    expect(placed.order).toMatchObject({ status: 'paid', totals: { totalCents: 3172 }, codesEmail: 'mario.rossi@example.it' });
    expect(await typesIn(world.store, 'order-o-1')).toEqual(['OrderPlaced', 'OrderPaid']);
    const again = await placeOrder(world.deps, { ...manual(customerId), orderId: 'o-1', payment: { mode: 'prepaid' } }, operator);
    expect(again).toMatchObject({ placed: false, position: placed.position });
    expect(await prepaidBalance(world.deps, customerId)).toBe(5000 - 3172);
  });

  it('prepaid: refused with the balance and the amount when the balance is too low', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 3300);
    const refused = placeOrder(world.deps, { ...manual(customerId, 'RIN-FIRMA-CNS', 2), payment: { mode: 'prepaid' } }, operator);
    await expect(refused).rejects.toMatchObject({ code: 'balance_insufficient', kind: 'rule' });
    await expect(refused).rejects.toThrow('the prepaid balance 33,00 € is less than the amount 63,44 €');
    expect(await eventsOfType(world.store, 'OrderPlaced')).toEqual([]);
  });

  it('prepaid: two racing debits — exactly one succeeds and the balance never goes below zero', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 5000);
    const results = await Promise.allSettled([
      placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'prepaid' } }, operator),
      placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'prepaid' } }, operator),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'balance_insufficient' });
    const balances = (await eventsOfType<{ balanceAfterCents: number }>(world.store, 'PrepaidDebited')).map((e) => e.data.balanceAfterCents);
    expect(balances).toEqual([5000 - 3172]);
    expect(await eventsOfType(world.store, 'OrderPlaced')).toHaveLength(1);
    expect(await prepaidBalance(world.deps, customerId)).toBe(1828);
  });

  it('prepaid: when placing fails after the debit, the money is credited back', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 5000);
    const deps = { ...world.deps, store: failingAppends(world.store, 'order-', 10) };
    await expect(placeOrder(deps, { ...manual(customerId), orderId: 'o-9', payment: { mode: 'prepaid' } }, operator)).rejects.toThrow('disk on fire');
    expect(await typesIn(world.store, `prepaid-${customerId}`)).toEqual(['PrepaidToppedUp', 'PrepaidDebited', 'PrepaidCredited']);
    const [credit] = await eventsOfType<{ reason: string; orderId: string; amountCents: number }>(world.store, 'PrepaidCredited');
    expect(credit!.data).toMatchObject({ reason: 'correction', orderId: 'o-9', amountCents: 3172 });
    expect(await prepaidBalance(world.deps, customerId)).toBe(5000);
    // That attempt is over: the same id is not debited again.
    await expect(placeOrder(world.deps, { ...manual(customerId), orderId: 'o-9', payment: { mode: 'prepaid' } }, operator)).rejects.toMatchObject({
      code: 'order_attempt_reversed',
    });
  });

  it('direct: claims a unique RF reference; a reference drawn twice is never given to two orders', async () => {
    const draws = [7, 7, 3];
    world = makeWorld({ random: (n) => new Uint8Array(n).fill(draws.shift() ?? 5) });
    const customerId = await shopWithMario(world, 0);
    const a = await placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'direct', method: 'bank_transfer' } }, operator);
    const b = await placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'direct', method: 'bank_transfer' } }, operator);
    expect(a.rfReference).toMatch(/^RF\d\d777777777777$/);
    expect(b.rfReference).toMatch(/^RF\d\d333333333333$/);
    expect(isRfReference(b.rfReference!)).toBe(true);
    expect(a.order.status).toBe('awaiting_payment');
    expect(a.expiresAt).toBe(new Date(world.clock.now.getTime() + 30 * DAY).toISOString());
    expect(await typesIn(world.store, `rf-${a.rfReference}`)).toEqual(['RfReferenceClaimed']);
  });

  it('a guided order proposes a coupon for each certificate of the device', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 5000);
    await registerCard(world, '1205100000');
    const placed = await placeOrder(
      world.deps,
      { customerId, choice: 'guided', holderCodiceFiscale: MARIO_CF, deviceSerial: '1205100000', payment: { mode: 'prepaid' } },
      operator,
    );
    expect(placed.order.lines.map((l) => [l.productCode, l.quantity, l.totalCents])).toEqual([
      ['RIN-FIRMA', 1, 1342],
      ['RIN-CNS', 1, 1342],
    ]);
    expect(placed.order).toMatchObject({ choice: 'guided', deviceSerial: '1205100000', holderCodiceFiscale: MARIO_CF });
    expect(placed.prepaidBalanceCents).toBe(5000 - 2684);
  });

  it('cancels an unpaid order, not a paid one; expires unpaid direct orders past their time', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 5000);
    const unpaid = await placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'direct', method: 'postal_slip' } }, operator);
    const paid = await placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'prepaid' } }, operator);
    const cancelled = await cancelOrder(world.deps, { orderId: unpaid.orderId, reason: 'ordered twice' }, operator);
    expect(cancelled).toMatchObject({ amountToCreditCents: 0 });
    expect((await getOrder(world.deps, unpaid.orderId)).status).toBe('cancelled');
    await expect(cancelOrder(world.deps, { orderId: paid.orderId, reason: 'no' }, operator)).rejects.toMatchObject({ code: 'order_already_paid' });

    const late = await placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'direct', method: 'bank_transfer' } }, operator);
    expect((await expireOrders(world.deps, {}, operator)).expired).toEqual([]);
    world.clock.advance(30 * DAY);
    const expired = await expireOrders(world.deps, {}, operator);
    expect(expired.expired).toEqual([{ orderId: late.orderId, amountToCreditCents: 0 }]);
    expect((await getOrder(world.deps, late.orderId)).status).toBe('expired');
    expect((await expireOrders(world.deps, {}, operator)).expired).toEqual([]);
  });
});

describe('recording payments', () => {
  let world: World;
  afterEach(async () => world?.close());

  it('matches by the RF reference written in lower case with spaces', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 0);
    const order = await placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'direct', method: 'bank_transfer' } }, operator);
    const rf = order.rfReference!;
    const written = `saldo ordine ${rf.toLowerCase().replace(/(.{4})/g, '$1 ').trim()} grazie`;
    const payment = await recordPayment(
      world.deps,
      { method: 'bank_transfer', amountCents: 3172, receivedOn: '2026-03-11', payer: 'Mario Rossi', reason: written, bankReference: 'cro 0306 9099 1' },
      accountant,
    );
    expect(payment).toMatchObject({ matchStatus: 'reference_found', rfReference: rf, bankReference: 'CRO030690991', orderId: order.orderId, unmatchedDetail: null });
    expect(await typesIn(world.store, `payment-${payment.paymentId}`)).toEqual(['PaymentRecorded', 'PaymentMatched']);
    const [recorded] = await world.store.readStream(`payment-${payment.paymentId}`);
    expect(recorded!.data).toMatchObject({ recordedBy: 'acc-1' });
  });

  it('recorded again under its id (a retry after a crash), answers what the first run did and records nothing; with other details, refused', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 0);
    const order = await placeOrder(world.deps, { customerId, choice: 'manual', lines: [{ productCode: 'RIN-FIRMA-CNS', quantity: 1 }], payment: { mode: 'direct', method: 'bank_transfer' } }, operator);
    const payment = { paymentId: 'p-retried', method: 'bank_transfer' as const, amountCents: 3172, receivedOn: '2026-03-11', payer: 'Mario Rossi', reason: order.rfReference!, bankReference: 'cro 77' };
    const first = await recordPayment(world.deps, payment, accountant);
    const head = await world.store.headPosition();
    expect(await recordPayment(world.deps, payment, accountant)).toEqual(first);
    expect(await world.store.headPosition()).toBe(head);
    await expect(recordPayment(world.deps, { ...payment, amountCents: 3000 }, accountant)).rejects.toMatchObject({ code: 'payment_exists' });
  });

  it('leaves a payment unmatched (no reference, unknown reference), then an accountant matches it by hand', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 0);
    const order = await placeOrder(world.deps, { ...manual(customerId), payment: { mode: 'direct', method: 'bank_transfer' } }, operator);
    const none = await recordPayment(world.deps, { method: 'bank_transfer', amountCents: 3172, receivedOn: '2026-03-11', payer: 'Mario Rossi', reason: 'coupon firma', bankReference: 'CRO1' }, accountant);
    expect(none).toMatchObject({ matchStatus: 'no_reference', orderId: null, unmatchedDetail: 'no RF reference in the payment reason' });
    const unknown = await recordPayment(
      world.deps,
      { method: 'bank_transfer', amountCents: 100, receivedOn: '2026-03-11', payer: 'X', reason: 'RF18 5390 0754 7034', bankReference: 'CRO2' },
      accountant,
    );
    expect(unknown).toMatchObject({ matchStatus: 'reference_unknown', rfReference: 'RF18539007547034', orderId: null });

    await expect(matchPaymentByHand(world.deps, { paymentId: none.paymentId, orderId: 'nope' }, accountant)).rejects.toMatchObject({ code: 'order_not_found' });
    const matched = await matchPaymentByHand(world.deps, { paymentId: none.paymentId, orderId: order.orderId }, accountant);
    expect(matched.position).toBeGreaterThan(0);
    expect(await getPayment(world.deps, none.paymentId)).toMatchObject({ status: 'matched', match: { orderId: order.orderId, how: 'by_hand', by: 'acc-1' } });
    await expect(matchPaymentByHand(world.deps, { paymentId: none.paymentId, orderId: order.orderId }, accountant)).rejects.toMatchObject({
      code: 'payment_already_matched',
    });
  });
});
