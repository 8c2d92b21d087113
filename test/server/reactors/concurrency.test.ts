import { afterEach, describe, expect, it } from 'vitest';
import { FulfilmentReactor } from '../../../server/reactors/index';
import { placeOrder, recordPayment } from '../../../server/features/services';
import { accountant, eventsOfType, makeWorld, operator, shopWithMario, withReactors, type Running, type World } from '../features/fixtures';

describe('concurrent fulfilments', () => {
  let world: World;
  let running: Running;
  const extra: FulfilmentReactor[] = [];
  afterEach(async () => {
    for (const r of extra.splice(0)) await r.stop();
    await running?.close();
    await world?.close();
  });

  it('20 orders paid at once (payments recorded concurrently), fulfilled by two workers racing: invoices 1..20, no gap, no duplicate, one set of coupons each', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 0);
    running = await withReactors(world);
    // A second fulfilment worker on the same store, as another process would be.
    const other = new FulfilmentReactor({ ...world.deps, retry: { firstDelayMs: 5, maxDelayMs: 20 } });
    extra.push(other);
    other.start();

    const placed = [];
    for (let i = 0; i < 20; i++) {
      placed.push(
        await placeOrder(
          world.deps,
          { customerId, choice: 'manual', lines: [{ productCode: 'RIN-FIRMA-CNS', quantity: 1 }], payment: { mode: 'direct', method: 'bank_transfer' } },
          operator,
        ),
      );
    }
    // The twenty payments arrive together: twenty orders paid at once.
    const payments = await Promise.all(
      placed.map((p, i) =>
        recordPayment(world.deps, { method: 'bank_transfer', amountCents: 3172, receivedOn: '2026-03-12', payer: 'Mario Rossi', reason: p.rfReference!, bankReference: `CRO${i}` }, accountant),
      ),
    );
    expect(payments.every((p) => p.orderId !== null)).toBe(true);
    // 20 coupon e-mails, and the 20 payment notices e-mailed at placement.
    await running.smtp.waitForMessages(40, 120_000);
    await running.reactors.idle();
    await other.idle();

    const numbers = (await eventsOfType<{ number: number; orderId: string }>(world.store, 'InvoiceNumberAssigned')).map((e) => e.data);
    expect(numbers.map((n) => n.number)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(numbers.map((n) => n.orderId))).toEqual(new Set(placed.map((p) => p.orderId)));
    const invoices = (await eventsOfType<{ number: number; orderId: string }>(world.store, 'InvoiceIssued')).map((e) => e.data);
    expect(invoices.map((i) => i.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await eventsOfType(world.store, 'OrderFulfilled')).toHaveLength(20);
    expect(await eventsOfType(world.store, 'CouponIssued')).toHaveLength(20);
    const queued = (await eventsOfType<{ purpose: string }>(world.store, 'EmailQueued')).map((e) => e.data.purpose);
    expect(queued.filter((p) => p === 'coupon_codes')).toHaveLength(20);
    expect(queued.filter((p) => p === 'payment_notice')).toHaveLength(20);
    await new Promise((r) => setTimeout(r, 100));
    expect(new Set(running.smtp.messages.map((m) => m.messageId)).size).toBe(40);
  }, 150_000); // 40 e-mails (20 with a PDF) on a machine shared with other suites
});
