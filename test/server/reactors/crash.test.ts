// Crash safety: the reactors are stopped at every possible point of the work (after the N-th
// append, all later appends fail, as when the process dies), then new reactors start on the same
// store. Whatever N, each paid order ends with exactly one set of coupons, one invoice, one
// fulfilment e-mail, and each payment is applied and its surplus credited exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../../events/port';
import { FulfilmentReactor, PaymentApplicationReactor, sqliteCheckpointStore, type CheckpointStore } from '../../../server/reactors/index';
import { followLog } from '../../../server/reactors/followLog';
import { getOrder, placeOrder, prepaidBalance, recordPayment, saleIds, type SalesDeps } from '../../../server/features/services';
import {
  accountant,
  codesIn,
  eventsOfType,
  eventually,
  MARIO_CF,
  makeWorld,
  operator,
  registerCard,
  shopWithMario,
  withReactors,
  type Running,
  type World,
} from '../features/fixtures';

/** A store whose appends succeed `allowed` times, then all fail. */
function dyingAfter(store: EventStore, allowed: number): { store: EventStore; died: () => boolean } {
  let left = allowed;
  let died = false;
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'append') {
        return (...args: Parameters<EventStore['append']>) => {
          if (left <= 0) {
            died = true;
            return Promise.reject(new Error('the process died'));
          }
          left -= 1;
          return target.append(...args);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return { store: wrapped, died: () => died };
}

/** Two paid orders waiting for the reactors: a guided prepaid one (2 coupons) and a direct one paid 10 € too much (1 coupon). */
async function twoPaidOrders(world: World) {
  const customerId = await shopWithMario(world, 5000);
  await registerCard(world, '1205100000', MARIO_CF, 20);
  const prepaid = await placeOrder(
    world.deps,
    { customerId, choice: 'guided', holderCodiceFiscale: MARIO_CF, deviceSerial: '1205100000', payment: { mode: 'prepaid' } },
    operator,
  );
  const direct = await placeOrder(
    world.deps,
    { customerId, choice: 'manual', lines: [{ productCode: 'RIN-FIRMA-CNS', quantity: 1 }], payment: { mode: 'direct', method: 'bank_transfer' } },
    operator,
  );
  const payment = await recordPayment(
    world.deps,
    { method: 'bank_transfer', amountCents: 4172, receivedOn: '2026-03-12', payer: 'Mario Rossi', reason: direct.rfReference!, bankReference: 'CRO4172' },
    accountant,
  );
  return { customerId, orders: [prepaid.orderId, direct.orderId], paymentId: payment.paymentId };
}

async function expectExactlyOnce(world: World, running: Running, setup: Awaited<ReturnType<typeof twoPaidOrders>>) {
  const [prepaidOrder, directOrder] = setup.orders as [string, string];
  // Two coupon e-mails, and the payment notice of the direct order, e-mailed when it was placed.
  const mails = await running.smtp.waitForMessages(3);
  await running.reactors.idle();
  await eventually(async () => (await eventsOfType(world.store, 'EmailSent')).length >= 3);

  const issued = (await eventsOfType<{ couponId: string; orderId: string; code: string }>(world.store, 'CouponIssued')).map((e) => e.data);
  expect(issued.filter((c) => c.orderId === prepaidOrder).map((c) => c.couponId)).toEqual([saleIds.coupon(prepaidOrder, 0), saleIds.coupon(prepaidOrder, 1)]);
  expect(issued.filter((c) => c.orderId === directOrder).map((c) => c.couponId)).toEqual([saleIds.coupon(directOrder, 0)]);
  const numbers = (await eventsOfType<{ number: number }>(world.store, 'InvoiceNumberAssigned')).map((e) => e.data.number);
  expect(numbers).toEqual([1, 2]);
  expect(await eventsOfType(world.store, 'InvoiceIssued')).toHaveLength(2);
  expect(await eventsOfType(world.store, 'OrderFulfilled')).toHaveLength(2);
  const queued = (await eventsOfType<{ purpose: string; orderId: string }>(world.store, 'EmailQueued')).map((e) => e.data);
  expect(queued.filter((q) => q.purpose === 'coupon_codes')).toHaveLength(2);
  expect(queued.filter((q) => q.purpose === 'payment_notice').map((q) => q.orderId)).toEqual([directOrder]);
  expect(await eventsOfType(world.store, 'OrderPaymentReceived')).toHaveLength(1);
  expect((await eventsOfType(world.store, 'PrepaidCredited')).map((e) => e.data)).toEqual([
    expect.objectContaining({ reason: 'overpayment', amountCents: 1000, creditId: saleIds.overpaymentCredit(setup.paymentId) }),
  ]);
  expect(await prepaidBalance(world.deps, setup.customerId)).toBe(5000 - 2684 + 1000);

  // One e-mail per order (a message accepted by SMTP just before the crash may be sent again, as
  // the same message), with the codes of the coupons issued.
  await new Promise((r) => setTimeout(r, 50));
  expect(new Set(mails.map((m) => m.messageId)).size).toBe(3);
  for (const orderId of setup.orders) {
    const emailId = saleIds.fulfilmentEmail(orderId);
    const mail = mails.find((m) => m.messageId === `<${emailId}@backoffice.local>`)!;
    const codes = issued.filter((c) => c.orderId === orderId).map((c) => c.code);
    expect(codesIn(mail.text ?? '').sort()).toEqual(codes.sort());
    expect((await getOrder(world.deps, orderId)).fulfilment).not.toBeNull();
  }
}

describe('crash safety of the reactors', () => {
  let world: World | undefined;
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    await world?.close();
    running = undefined;
    world = undefined;
  });

  it('a crash after any number of appends, then a restart, yields exactly one result', async () => {
    // payment applied 1, surplus credited 1; fulfilment: 3 coupons × (code claim + coupon) 6,
    // 2 numbers (one append when both orders are fulfilled in one batch), 2 invoices, 2 fulfilled,
    // 2 e-mails queued: 15 or 16 appends in all.
    for (let allowed = 0; allowed <= 16; allowed++) {
      world = makeWorld();
      const setup = await twoPaidOrders(world);

      const dying = dyingAfter(world.store, allowed);
      const deps: SalesDeps & { retry: { firstDelayMs: number; maxDelayMs: number } } = {
        ...world.deps,
        store: dying.store,
        retry: { firstDelayMs: 5, maxDelayMs: 10 },
      };
      const doomed = [new PaymentApplicationReactor(deps), new FulfilmentReactor(deps)];
      for (const r of doomed) r.start();
      await eventually(async () => {
        if (dying.died()) return true;
        for (const r of doomed) await r.idle();
        return true;
      });
      for (const r of doomed) await r.stop();
      // Below 15 the work was cut short; with 16 it all fitted.
      if (allowed < 15) expect(dying.died()).toBe(true);
      if (allowed === 16) expect(dying.died()).toBe(false);

      running = await withReactors(world);
      await expectExactlyOnce(world, running, setup);
      await running.close();
      await world.close();
      running = undefined;
      world = undefined;
    }
    // Generous: 17 runs, each sending three e-mails (one with a PDF), on a machine shared with other suites.
  }, 180_000);

  it('a crash after any number of appends, with checkpoints saved as the work went, then a restart from them, yields exactly one result', async () => {
    for (let allowed = 0; allowed <= 16; allowed += 3) {
      world = makeWorld();
      const setup = await twoPaidOrders(world);
      const dying = dyingAfter(world.store, allowed);
      const saved = sqliteCheckpointStore(':memory:');
      // A process that dies writes nothing more: neither events nor checkpoints.
      const checkpoints: CheckpointStore = {
        load: (name, version) => saved.load(name, version),
        save: (checkpoints) => {
          if (!dying.died()) saved.save(checkpoints);
        },
        close() {},
      };
      const deps = { ...world.deps, store: dying.store, retry: { firstDelayMs: 5, maxDelayMs: 10 } };
      const doomed = [new PaymentApplicationReactor(deps), new FulfilmentReactor(deps)];
      const following = followLog(dying.store, doomed, { checkpoints, saveEveryMs: 1 });
      await eventually(async () => {
        if (dying.died()) return true;
        for (const r of doomed) await r.idle();
        return true;
      });
      await following.stop();
      for (const r of doomed) await r.stop();

      running = await withReactors(world, { checkpoints: saved });
      if (allowed > 0) expect(running.reactors.payments.position).toBeGreaterThan(0);
      await expectExactlyOnce(world, running, setup);
      await running.close();
      saved.close();
      await world.close();
      running = undefined;
      world = undefined;
    }
  });

  it('restarted on a log it has followed, the reactors read only what came after their checkpoints', async () => {
    world = makeWorld();
    running = await withReactors(world);
    const setup = await twoPaidOrders(world);
    await expectExactlyOnce(world, running, setup);
    await running.reactors.stop();
    const head = await world.store.headPosition();

    const restarted = running.start();
    await restarted.live;
    expect(restarted.resumedFrom).toBe(head);
    await restarted.idle();
    expect(await eventsOfType(world.store, 'EmailSent')).toHaveLength(3);
    expect(await eventsOfType(world.store, 'InvoiceIssued')).toHaveLength(2);
  });

  it('a fulfilment that fails after issuing the coupons is completed on retry, without a second set of coupons', async () => {
    world = makeWorld();
    let failures = 0;
    running = await withReactors(world, {
      fulfilmentHooks: {
        afterStep(step) {
          if (step === 'coupons' && failures < 2) {
            failures += 1;
            throw new Error('crash after the coupons');
          }
        },
      },
    });
    const setup = await twoPaidOrders(world);
    await expectExactlyOnce(world, running, setup);
    expect(failures).toBe(2);
  });

  it('a fulfilment interrupted at the turn of the year keeps its invoice number in the old year', async () => {
    world = makeWorld({ start: '2026-12-31T22:30:00.000Z' }); // 23:30 in Rome
    const w = world;
    let crashed = false;
    running = await withReactors(w, {
      fulfilmentHooks: {
        afterStep(step) {
          if (step === 'invoice_number' && !crashed) {
            crashed = true;
            w.clock.set('2026-12-31T23:30:00.000Z'); // 00:30 on 1 January 2027 in Rome
            throw new Error('crash at midnight');
          }
        },
      },
    });
    const customerId = await shopWithMario(w, 5000);
    const placed = await placeOrder(w.deps, { customerId, choice: 'manual', lines: [{ productCode: 'RIN-FIRMA', quantity: 1 }], payment: { mode: 'prepaid' } }, operator);
    await running.smtp.waitForMessages(1);
    await running.reactors.idle();
    expect(crashed).toBe(true);
    expect((await getOrder(w.deps, placed.orderId)).fulfilment).toMatchObject({ invoiceYear: 2026, invoiceNumber: 1 });
    expect((await eventsOfType(w.store, 'InvoiceIssued')).map((e) => e.data)).toEqual([
      expect.objectContaining({ year: 2026, number: 1, issuedOn: '2026-12-31' }),
    ]);
    expect(await eventsOfType(w.store, 'InvoiceNumberAssigned')).toHaveLength(1);
  });
});
