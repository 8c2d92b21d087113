// A direct order's payment notice when the server died (or the store failed) between placing the
// order and queuing its notice (two appends): the payment-notice reactor queues it, at once for an
// order placed before it started, after NOTICE_GRACE_MS for one placed while it runs, and the
// customer gets it by e-mail; an order that got its notice gets no second one; an order paid
// meanwhile, or placed more than a day before, gets none.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../../events/port';
import { NOTICE_GRACE_MS, NOTICE_MAX_AGE_MS } from '../../../server/features/orders/paymentNoticeReactor';
import { placeOrder, recordPayment } from '../../../server/features/services';
import { accountant, eventsOfType, eventually, makeWorld, operator, shopWithMario, withReactors, type Running, type World } from '../features/fixtures';

/** The store of a server that dies just before it would append to an e-mail's stream. */
function dyingBeforeAnEmail(store: EventStore): EventStore {
  let dead = false;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'append') return Reflect.get(target, prop, receiver);
      return (...args: Parameters<EventStore['append']>) => {
        dead ||= args[0].startsWith('email-');
        return dead ? Promise.reject(new Error('the process died')) : target.append(...args);
      };
    },
  });
}

let world: World;
let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  await world?.close();
});

const noticesOf = async (orderId: string) =>
  (await eventsOfType<{ purpose: string; orderId: string }>(world.store, 'EmailQueued')).filter((e) => e.data.purpose === 'payment_notice' && e.data.orderId === orderId);

/** Places a direct order on a server that dies right after appending OrderPlaced. */
async function placedWithoutNotice(customerId: string): Promise<string> {
  const dying = { ...world.deps, store: dyingBeforeAnEmail(world.store) };
  await expect(
    placeOrder(dying, { customerId, choice: 'manual', lines: [{ productCode: 'RIN-FIRMA', quantity: 1 }], payment: { mode: 'direct', method: 'bank_transfer' } }, operator),
  ).rejects.toThrow('the process died');
  const [placed] = (await eventsOfType<{ orderId: string }>(world.store, 'OrderPlaced')).slice(-1);
  expect(await noticesOf(placed!.data.orderId)).toHaveLength(0);
  return placed!.data.orderId;
}

describe('payment notices left unqueued by a crash', () => {
  it('are queued by the reactor once the order has waited NOTICE_GRACE_MS, and e-mailed; an order that had its notice gets no other', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 0);
    running = await withReactors(world);
    await running.reactors.live;
    world.clock.advance(1000);
    const lost = await placedWithoutNotice(customerId);
    // Within the time the placing command has to queue it: nothing yet.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await noticesOf(lost)).toHaveLength(0);

    const normal = await placeOrder(
      world.deps,
      { customerId, choice: 'manual', lines: [{ productCode: 'RIN-FIRMA', quantity: 1 }], payment: { mode: 'direct', method: 'bank_transfer' } },
      operator,
    );
    world.clock.advance(NOTICE_GRACE_MS + 1000);
    await eventually(async () => (await noticesOf(lost)).length === 1);
    await running.smtp.waitForMessages(2);
    await running.reactors.idle();

    expect(await noticesOf(lost)).toHaveLength(1);
    expect(await noticesOf(normal.orderId)).toHaveLength(1);
    const mails = running.smtp.messages.filter((m) => m.subject?.startsWith('Avviso di pagamento'));
    expect(mails.map((m) => (Array.isArray(m.to) ? '' : m.to?.text))).toEqual(['mario.rossi@example.it', 'mario.rossi@example.it']);
  });

  it('are queued at once when the server starts again after dying between the two appends', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 0);
    const lost = await placedWithoutNotice(customerId);
    running = await withReactors(world);
    await running.reactors.live;
    await eventually(async () => (await noticesOf(lost)).length === 1);
    const [mail] = await running.smtp.waitForMessages(1);
    expect(mail!.subject).toMatch(/^Avviso di pagamento: ordine RF/);
  });

  it('are not sent for an order paid meanwhile, nor for one placed more than a day before', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 0);
    const old = await placedWithoutNotice(customerId);
    world.clock.advance(NOTICE_MAX_AGE_MS + 1000);
    running = await withReactors(world);
    await running.reactors.live;
    world.clock.advance(1000);
    const paid = await placedWithoutNotice(customerId);
    const [order] = (await eventsOfType<{ orderId: string; payment: { rfReference: string }; totals: { totalCents: number } }>(world.store, 'OrderPlaced')).filter((e) => e.data.orderId === paid);
    await recordPayment(
      world.deps,
      { method: 'bank_transfer', amountCents: order!.data.totals.totalCents, receivedOn: '2026-03-11', payer: 'Mario Rossi', reason: order!.data.payment.rfReference, bankReference: 'CRO1' },
      accountant,
    );
    await eventually(async () => (await eventsOfType(world.store, 'OrderPaid')).length === 1);
    world.clock.advance(NOTICE_GRACE_MS + 1000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await running.reactors.idle();

    expect(await noticesOf(old)).toHaveLength(0);
    expect(await noticesOf(paid)).toHaveLength(0);
    expect(running.reactors.paymentNotices.waiting.size).toBe(0);
  });
});
