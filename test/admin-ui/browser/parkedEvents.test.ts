// Parked events in a real browser, with the back office on EventStoreDB (the wire-compatible test
// server): an order's OrderPaid parked by the fulfilment reactor's group is shown on the dashboard
// to everyone; an operator is told to ask an admin, an admin hands it out again, and the order is
// then fulfilled. The event is parked by a consumer of the test's own in the server's group, as a
// server whose fulfilment failed on every retry parks it (test/server/api/parkedEvents.test.ts
// shows the server doing that itself).
import { EventStoreDBClient, type PersistentSubscriptionToAll } from '@eventstore/db-client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreTestServer } from '../../events/eventstoredb/testServer';
import { ADMIN, expectNoPageErrors, placePrepaidOrder, seedCustomer, signIn, signOut, startWorld, topUp, type World } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';

let esdb: EventStoreTestServer;
let client: EventStoreDBClient;
let world: World;
let page: Page;

beforeAll(async () => {
  esdb = await EventStoreTestServer.start();
  client = EventStoreDBClient.connectionString(esdb.connectionString);
  world = await startWorld({ env: { EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: esdb.connectionString } });
  page = world.page;
}, 120_000);

afterAll(async () => {
  await world?.close();
  await client?.dispose();
  await esdb?.stop();
});

async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface ParkedRow {
  reactor: string;
  group: string;
  parked: number | null;
}

const fulfilmentRow = async () =>
  ((await (await world.api.admin.get('/api/parked-events')).json()) as ParkedRow[]).find((r) => r.reactor === 'fulfilment');

describe('parked events on the dashboard', () => {
  it('are shown to everyone; an admin hands them out again and the order is fulfilled', async () => {
    // The server's fulfilment group, once made.
    const { group } = await until(async () => {
      const row = await fulfilmentRow();
      return row?.parked === 0 ? row : undefined;
    }, 'the fulfilment group');

    // A consumer of our own in that group parks the first OrderPaid it is handed; the server's
    // consumer takes the others (round robin), so orders are placed until one is parked.
    let parkedOrder: string | undefined;
    const subscription: PersistentSubscriptionToAll = client.subscribeToPersistentSubscriptionToAll(group, { bufferSize: 1 });
    subscription.on('error', () => {});
    const consuming = (async () => {
      try {
        for await (const e of subscription) {
          if (!parkedOrder && e.event?.type === 'OrderPaid') {
            parkedOrder = (e.event.data as { orderId: string }).orderId;
            await subscription.nack('park', 'the test parks it', e);
          } else await subscription.ack(e);
        }
      } catch {
        // ended by unsubscribe
      }
    })();
    await new Promise<void>((resolve) => subscription.once('confirmation', () => resolve()));

    const { customerId } = await seedCustomer(world);
    await topUp(world, customerId, 100_000);
    for (let i = 0; i < 8 && !parkedOrder; i++) {
      await placePrepaidOrder(world, customerId);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(parkedOrder).toBeDefined();
    await until(async () => ((await fulfilmentRow())?.parked === 1 ? true : undefined), 'the parked count');
    // Our consumer leaves: the replayed event goes to the server.
    await subscription.unsubscribe();
    await consuming;
    const orderState = async () => ((await (await world.api.operator.get(`/api/orders/${parkedOrder}`)).json()) as { status: string }).status;
    expect(await orderState()).toBe('paid');

    // An operator sees it, and is told who can act.
    await signIn(page, world.url, 'operator');
    const alert = page.getByTestId('parked-events');
    await alert.getByText('Evasione degli ordini: 1 evento accantonato').waitFor();
    await alert.getByText(/Un amministratore può rimetterli in coda/).waitFor();
    expect(await alert.getByRole('button', { name: 'Rimetti in coda' }).count()).toBe(0);
    await signOut(page);

    // The admin hands it out again.
    await page.getByRole('textbox', { name: 'Nome utente' }).fill(ADMIN.username);
    await page.locator('input[name="password"]').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Accedi' }).click();
    await page.getByRole('menuitem', { name: 'Cruscotto' }).click();
    await alert.getByText('Evasione degli ordini: 1 evento accantonato').waitFor();
    await screenshot(page, 'parked-events');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await alert.getByRole('button', { name: 'Rimetti in coda' }).click();
    await page.getByText('Evasione degli ordini: 1 evento rimesso in coda').waitFor();

    await until(async () => ((await orderState()) === 'fulfilled' ? true : undefined), 'the order fulfilled');
    await until(async () => ((await fulfilmentRow())?.parked === 0 ? true : undefined), 'nothing parked');
    await page.reload();
    await page.getByRole('heading', { name: /^Benvenuto/ }).waitFor();
    expect(await page.getByTestId('parked-events').count()).toBe(0);
    expectNoPageErrors(world.browser);
  });
});
