// Parked events (issue #21): on EventStoreDB an order whose fulfilment fails on every retry is
// parked by the fulfilment reactor's group; operators see it counted (GET /api/parked-events,
// /metrics) and an admin hands it out again once the cause is fixed, and the order is fulfilled.
// On the embedded store nothing is ever parked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStoreDbStore } from '../../../events/adapters/eventstoredb';
import { catalogue } from '../../../events/index';
import { projections } from '../../../projections/index';
import { placeOrder } from '../../../server/features/services';
import { EventStoreTestServer } from '../../events/eventstoredb/testServer';
import { TEST_NOW } from '../../support/app';
import { eventsOfType, eventually, operator, shopWithMario, type World } from '../features/fixtures';
import { addUser, login, startApp, type TestApp } from '../security/support';

const WAIT_MS = 30_000;
const METRICS_TOKEN = 'parked-events-metrics-token-0123456789';

interface ParkedRow {
  id: string;
  reactor: string;
  group: string;
  parked: number | null;
}

describe('parked events on EventStoreDB', () => {
  let server: EventStoreTestServer;
  let t: TestApp;
  let admin: string;
  let adminId: string;
  let operatorCookie: string;
  let failing = true;

  beforeAll(async () => {
    server = await EventStoreTestServer.start();
    t = await startApp({
      security: { metricsToken: METRICS_TOKEN },
      store: createEventStoreDbStore(server.connectionString, { reconnectDelayMs: 20, maxReconnectDelayMs: 200 }),
      readSide: { projections: [...projections], catalogue },
      sales: {
        // Parked after its first retry fails.
        competing: { firstDelayMs: 20, maxDelayMs: 100, maxRetryCount: 1 },
        retry: { firstDelayMs: 10, maxDelayMs: 20 },
        fulfilmentHooks: {
          afterStep: (step) => {
            if (failing && step === 'coupons') throw new Error('the coupon codes cannot be made (a test fault)');
          },
        },
      },
    });
    adminId = await addUser(t.store, 'amministratore', ['admin']);
    await addUser(t.store, 'operatore', ['operator']);
    admin = await login(t.app, 'amministratore');
    operatorCookie = await login(t.app, 'operatore');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await server?.stop();
  });

  const parked = async (cookie = admin) => {
    const response = await t.app.inject({ method: 'GET', url: '/api/parked-events', headers: { cookie } });
    expect(response.statusCode).toBe(200);
    return response.json<ParkedRow[]>();
  };
  const fulfilmentParked = async () => (await parked()).find((r) => r.reactor === 'fulfilment')?.parked;

  it('an order whose fulfilment fails on every retry is parked and counted; replayed once fixed, it is fulfilled', async () => {
    // Every reactor sharing its work is listed, with its group, nothing parked yet.
    const rows = await parked(operatorCookie);
    expect(rows.map((r) => r.reactor)).toContain('fulfilment');
    expect(rows.every((r) => r.group.startsWith(`backoffice-reactor-${r.reactor}-`))).toBe(true);
    await eventually(async () => (await fulfilmentParked()) === 0, WAIT_MS);

    const world = { deps: t.app.sales, store: t.store, clock: { now: new Date(TEST_NOW) } } as unknown as World;
    const customerId = await shopWithMario(world, 100_000);
    const { orderId } = await placeOrder(
      t.app.sales,
      { customerId, choice: 'manual', lines: [{ productCode: 'RIN-FIRMA-CNS', quantity: 1 }], payment: { mode: 'prepaid' } },
      operator,
    );
    await eventually(async () => (await fulfilmentParked()) === 1, WAIT_MS);
    expect(await eventsOfType(t.store, 'OrderFulfilled')).toHaveLength(0);
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.body).toMatch(/backoffice_reactor_parked_events\{reactor="fulfilment"\} 1/);

    // Only an admin hands them out again.
    const refused = await t.app.inject({ method: 'POST', url: '/api/parked-events/fulfilment/replay', headers: { cookie: operatorCookie } });
    expect(refused.statusCode).toBe(403);
    failing = false;
    const replayed = await t.app.inject({ method: 'POST', url: '/api/parked-events/fulfilment/replay', headers: { cookie: admin } });
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json()).toEqual({ reactor: 'fulfilment', replayed: 1 });
    // The audit trail keeps who handed out what.
    const [record] = await eventsOfType<{ reactor: string; parked: number | null; replayedBy: string }>(t.store, 'ParkedEventsReplayed');
    expect(record!.data).toMatchObject({ reactor: 'fulfilment', parked: 1, replayedBy: adminId });

    await eventually(async () => (await eventsOfType<{ orderId: string }>(t.store, 'OrderFulfilled')).some((e) => e.data.orderId === orderId), WAIT_MS);
    await eventually(async () => (await fulfilmentParked()) === 0, WAIT_MS);
    expect(await eventsOfType(t.store, 'CouponIssued')).toHaveLength(1);
  });

  it('a reactor that does not exist is a 404 naming it', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/parked-events/nessuno/replay', headers: { cookie: admin } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'reactor_not_found', message: 'reactor nessuno not found' });
  });
});

describe('parked events on the embedded store', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startApp();
    await addUser(t.store, 'amministratore', ['admin']);
    admin = await login(t.app, 'amministratore');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('nothing is listed, and a replay says that nothing of the reactor is ever parked', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/parked-events', headers: { cookie: admin } });
    expect(list.json()).toEqual([]);
    expect(list.headers['content-range']).toBe('parked-events */0');
    const replay = await t.app.inject({ method: 'POST', url: '/api/parked-events/fulfilment/replay', headers: { cookie: admin } });
    expect(replay.statusCode).toBe(409);
    expect(replay.json()).toMatchObject({ code: 'reactor_not_shared' });
    expect(await eventsOfType(t.store, 'ParkedEventsReplayed')).toEqual([]);
  });
});
