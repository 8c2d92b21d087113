// Two back-office servers on one EventStoreDB (the wire-compatible test server): their reactors
// share the work through persistent subscriptions and their outboxes claim each send on the
// e-mail's stream, so every paid order is fulfilled once (one set of coupons, one invoice, one
// e-mail), and when one server stops in the middle of the work the other finishes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStoreDbStore } from '../../../events/adapters/eventstoredb';
import type { EventStore } from '../../../events/port';
import { catalogue } from '../../../events/index';
import { projections } from '../../../projections/index';
import type { FulfilmentHooks } from '../../../server/reactors/index';
import { placeOrder } from '../../../server/features/services';
import { startTestApp, TEST_NOW, type TestApp } from '../../support/app';
import { notPaymentNotice } from '../../support/smtp';
import { EventStoreTestServer } from '../../events/eventstoredb/testServer';
import { eventsOfType, eventually, operator, shopWithMario, type World } from '../features/fixtures';

const ORDERS = 10;
const WAIT_MS = 90_000;

function startServer(server: EventStoreTestServer, hooks?: FulfilmentHooks): Promise<TestApp> {
  return startTestApp({
    store: createEventStoreDbStore(server.connectionString, { reconnectDelayMs: 20, maxReconnectDelayMs: 200 }),
    smtp: 'used',
    prefix: 'bo-competing-',
    // The read models in the app's own thread (a copy of the list): a worker thread takes longer
    // to start than the plugin's time limit on a loaded machine.
    readSide: { projections: [...projections], catalogue },
    sales: {
      competing: { firstDelayMs: 20, maxDelayMs: 200 },
      outbox: { firstDelayMs: 20, maxDelayMs: 200, attemptLeaseMs: 5_000 },
      retry: { firstDelayMs: 10, maxDelayMs: 50 },
      ...(hooks ? { fulfilmentHooks: hooks } : {}),
    },
  });
}

/** Mario with enough credit, and `count` prepaid orders of one coupon each, placed through both servers in turn. */
async function paidOrders(apps: TestApp[], count: number): Promise<string[]> {
  const world = { deps: apps[0]!.app.sales, store: apps[0]!.store, clock: { now: new Date(TEST_NOW) } } as unknown as World;
  const customerId = await shopWithMario(world, 200_000);
  const orders: string[] = [];
  for (let i = 0; i < count; i++) {
    const deps = apps[i % apps.length]!.app.sales;
    const placed = await placeOrder(
      deps,
      { customerId, choice: 'manual', lines: [{ productCode: 'RIN-FIRMA-CNS', quantity: 1 }], payment: { mode: 'prepaid' } },
      operator,
    );
    orders.push(placed.orderId);
  }
  return orders;
}

/** Every order fulfilled once: one coupon, one invoice with a gapless number, one coupon e-mail sent and received. */
async function expectEachOrderDoneOnce(store: EventStore, orders: string[], apps: TestApp[], running = apps): Promise<void> {
  await eventually(async () => (await eventsOfType(store, 'EmailSent')).length >= orders.length, WAIT_MS);
  await eventually(() => apps.reduce((n, a) => n + a.smtp!.messages.filter(notPaymentNotice).length, 0) >= orders.length, WAIT_MS);
  for (const a of running) if (a.app.salesReactors) await a.app.salesReactors.idle();

  const coupons = (await eventsOfType<{ orderId: string }>(store, 'CouponIssued')).map((e) => e.data.orderId);
  expect(coupons.sort()).toEqual([...orders].sort());
  const invoices = (await eventsOfType<{ orderId: string }>(store, 'InvoiceIssued')).map((e) => e.data.orderId);
  expect(invoices.sort()).toEqual([...orders].sort());
  const numbers = (await eventsOfType<{ number: number }>(store, 'InvoiceNumberAssigned')).map((e) => e.data.number);
  expect(numbers.sort((x, y) => x - y)).toEqual(orders.map((_, i) => i + 1));
  const fulfilled = (await eventsOfType<{ orderId: string }>(store, 'OrderFulfilled')).map((e) => e.data.orderId);
  expect(fulfilled.sort()).toEqual([...orders].sort());
  const queued = (await eventsOfType<{ orderId: string; reason: string }>(store, 'EmailQueued')).filter((e) => e.data.reason === 'fulfilment');
  expect(queued.map((e) => e.data.orderId).sort()).toEqual([...orders].sort());
  const sent = (await eventsOfType<{ emailId: string }>(store, 'EmailSent')).map((e) => e.data.emailId);
  expect(new Set(sent).size).toBe(sent.length);
  const received = apps.flatMap((a) => a.smtp!.messages.filter(notPaymentNotice));
  expect(received).toHaveLength(orders.length);
  expect(new Set(received.map((m) => m.messageId)).size).toBe(orders.length);
}

describe('two servers on one EventStoreDB', () => {
  let server: EventStoreTestServer;
  let apps: TestApp[];
  beforeAll(async () => {
    server = await EventStoreTestServer.start();
    apps = [await startServer(server), await startServer(server)];
  }, WAIT_MS);
  afterAll(async () => {
    for (const a of apps ?? []) await a.close();
    await server?.stop();
  });

  it('fulfil each paid order once between them: one coupon, one invoice, one e-mail', async () => {
    for (const a of apps) {
      const status = await a.app.salesReactors!.status();
      expect(status.find((s) => s.name === 'fulfilment')).toMatchObject({ mode: 'persistent' });
    }
    const orders = await paidOrders(apps, ORDERS);
    await expectEachOrderDoneOnce(apps[0]!.store, orders, apps);
    // Both servers are consumers of the fulfilment's group.
    const groups = [...(server.persistent as unknown as { groups: Map<string, unknown> }).groups.keys()];
    const fulfilment = groups.find((g) => g.includes('backoffice-reactor-fulfilment-'))!;
    expect(server.persistent.view('$all', fulfilment.slice('$all::'.length))).toMatchObject({ consumers: 2, parked: 0 });
    for (const a of apps) {
      const status = await a.app.salesReactors!.status();
      expect(status.find((s) => s.name === 'fulfilment')).toMatchObject({ mode: 'persistent', connected: true, inFlight: 0 });
    }
  }, WAIT_MS);
});

describe('two servers on one EventStoreDB, one stopping in the middle of the work', () => {
  let server: EventStoreTestServer;
  let apps: TestApp[] = [];
  afterAll(async () => {
    for (const a of apps) await a.close().catch(() => {});
    await server?.stop();
  });

  it('the other one finishes it: still one coupon, one invoice and one e-mail per order', async () => {
    server = await EventStoreTestServer.start();
    // The first server does the coupons of two orders, then dies at that step of every later one:
    // coupons issued, no invoice, the event not acknowledged.
    let started = 0;
    let died!: () => void;
    const dead = new Promise<void>((resolve) => (died = resolve));
    const dying: FulfilmentHooks = {
      afterStep(step) {
        if (step !== 'coupons') return;
        if (++started > 2) {
          died();
          throw new Error('the process died');
        }
      },
    };
    const first = await startServer(server, dying);
    const second = await startServer(server);
    apps = [first, second];
    const orders = await paidOrders(apps, ORDERS);
    await dead;
    await first.close();
    apps = [second];
    await expectEachOrderDoneOnce(second.store, orders, [first, second], [second]);
  }, WAIT_MS);
});
