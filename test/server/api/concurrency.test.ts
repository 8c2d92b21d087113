// Concurrent requests over HTTP: prepaid orders racing for one balance, fulfilments racing for
// invoice numbers, and an order sent twice with the same Idempotency-Key.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../events/adapters/sqlite';
import type { EventStore } from '../../../events/port';
import { getOrder, prepaidBalance } from '../../../server/features/services';
import { tempDir } from '../../support/tmp';
import { addGuideProducts, allEvents, expectStatus, manualOrder, PIVAS, registerPerson, romeAddress, startApi, topUp, type ApiWorld } from './support';

let world: ApiWorld;
afterEach(async () => {
  await world?.close();
});

const prepaid = { mode: 'prepaid' } as const;

describe('concurrent requests', () => {
  it('two prepaid orders racing for the same balance: one 201, the other refused with a message; the balance never goes below zero', async () => {
    world = await startApi({ reactors: false });
    await addGuideProducts(world);
    for (let round = 0; round < 5; round++) {
      const customerId = expectStatus(await world.operator.post('/api/customers', {
        kind: 'firm',
        name: `Studio ${round}`,
        partitaIva: PIVAS[round],
        email: `studio${round}@example.it`,
        billingAddress: romeAddress,
      }), 201).json().id as string;
      await topUp(world, customerId, 3300); // one order of 31,72 € fits, two do not
      const answers = await Promise.all([
        world.operator.post('/api/orders', manualOrder(customerId, prepaid)),
        world.supervisor.post('/api/orders', manualOrder(customerId, prepaid)),
      ]);
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses[0]).toBe(201);
      expect([409, 422]).toContain(statuses[1]);
      const refused = answers.find((a) => a.status !== 201)!.json();
      expect(refused).toMatchObject({ code: expect.stringMatching(/balance_insufficient|concurrent_change/), message: expect.any(String) });
      expect(refused.message.length).toBeGreaterThan(10);
      expect(await prepaidBalance(world.app.sales, customerId)).toBe(3300 - 3172);
      const debits = (await world.store.readStream(`prepaid-${customerId}`)).filter((e) => e.type === 'PrepaidDebited');
      expect(debits).toHaveLength(1);
      for (const e of await world.store.readStream(`prepaid-${customerId}`)) {
        expect((e.data as { balanceAfterCents?: number }).balanceAfterCents ?? 0).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('five prepaid orders at once on a balance for two: exactly two are placed', async () => {
    world = await startApi({ reactors: false });
    await addGuideProducts(world);
    const customerId = await registerPerson(world);
    await topUp(world, customerId, 2 * 3172 + 100);
    const clients = [world.operator, world.supervisor, world.operator, world.supervisor, world.operator];
    const answers = await Promise.all(clients.map((c) => c.post('/api/orders', manualOrder(customerId, prepaid))));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(2);
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect([409, 422]).toContain(a.status);
      expect(a.json().message).toEqual(expect.any(String));
    }
    expect(await prepaidBalance(world.app.sales, customerId)).toBe(100);
    const placed = (await allEvents(world.store)).filter((e) => e.type === 'OrderPlaced');
    expect(placed).toHaveLength(2);
  });

  it('ten orders fulfilled at once get invoice numbers 1 to 10, consecutive, no duplicates', async () => {
    world = await startApi();
    await addGuideProducts(world);
    const customers = await Promise.all(
      PIVAS.map(async (partitaIva, i) => {
        const id = expectStatus(await world.operator.post('/api/customers', {
          kind: 'firm',
          name: `Cliente ${i}`,
          partitaIva,
          email: `cliente${i}@example.it`,
          billingAddress: romeAddress,
        }), 201).json().id as string;
        await topUp(world, id, 5000);
        return id;
      }),
    );
    const orders = await Promise.all(customers.map(async (id) => expectStatus(await world.operator.post('/api/orders', manualOrder(id, prepaid, 'RIN-FIRMA', 2)), 201).json().id as string));
    await world.smtp.waitForMessages(10, 20_000);
    await world.idle();
    const numbers = [];
    for (const id of orders) {
      const order = await getOrder(world.app.sales, id);
      expect(order.fulfilment).not.toBeNull();
      numbers.push(order.fulfilment!.invoiceNumber);
    }
    expect(numbers.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const assigned = (await world.store.readStream('invoice-numbers-2026')).map((e) => (e.data as { number: number }).number);
    expect(assigned).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  }, 40_000);

  it('an order sent again with the same Idempotency-Key gets the first answer and places one order', async () => {
    world = await startApi({ reactors: false });
    await addGuideProducts(world);
    const customerId = await registerPerson(world);
    await topUp(world, customerId, 10_000);
    const headers = { 'idempotency-key': 'ordine-banco-42' };
    const first = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, prepaid), headers), 201);
    const head = await world.store.headPosition();
    const again = await world.operator.post('/api/orders', manualOrder(customerId, prepaid), headers);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await world.store.headPosition()).toBe(head);
    expect((await allEvents(world.store)).filter((e) => e.type === 'OrderPlaced')).toHaveLength(1);
    expect(await prepaidBalance(world.app.sales, customerId)).toBe(10_000 - 3172);
    // The key with another body is refused; another key places another order.
    expect(expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, prepaid, 'RIN-FIRMA'), headers), 422).json().code).toBe('idempotency_key_reused');
    expect((await world.operator.post('/api/orders', manualOrder(customerId, prepaid), { 'idempotency-key': 'ordine-banco-43' })).status).toBe(201);
    expect((await allEvents(world.store)).filter((e) => e.type === 'OrderPlaced')).toHaveLength(2);
  });

  it('an order cut by a failing disk whose key could not be released either is run again by its retry at once, not held as in flight', async () => {
    const dir = tempDir('bo-idem-abandoned-');
    // The order's own append fails once, and so does the release of its key that follows the 500.
    const failOnce = new Set(['order', 'IdempotencyKeyReleased']);
    const store = createSqliteStore({ file: join(dir.path, 'events.db') });
    const failing = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop !== 'append') return Reflect.get(target, prop, receiver);
        return (stream: string, events: Array<{ type: string }>, ...rest: unknown[]) => {
          const fault = stream.startsWith('order-') ? 'order' : events.some((e) => e.type === 'IdempotencyKeyReleased') ? 'IdempotencyKeyReleased' : null;
          if (fault && failOnce.delete(fault)) return Promise.reject(new Error('database or disk is full'));
          return (target.append as (...args: unknown[]) => unknown)(stream, events, ...rest);
        };
      },
    }) as EventStore;
    try {
      world = await startApi({ reactors: false, store: failing });
      await addGuideProducts(world);
      const customerId = await registerPerson(world);
      const headers = { 'idempotency-key': 'ordine-banco-44' };
      const direct = { mode: 'direct', method: 'bank_transfer' };
      const cut = await world.operator.post('/api/orders', manualOrder(customerId, direct), headers);
      expect(cut.status).toBeGreaterThanOrEqual(500);
      expect(failOnce.size).toBe(0);
      const again = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, direct), headers), 201);
      expect(again.headers.get('idempotent-replayed')).toBeNull();
      const placed = (await allEvents(world.store)).filter((e) => e.type === 'OrderPlaced');
      expect(placed.map((e) => (e.data as { orderId: string }).orderId)).toEqual([again.json().id]);
      // From now on the key answers as usual: replayed.
      const replayed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, direct), headers), 201);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      expect(replayed.json()).toEqual(again.json());
    } finally {
      await world?.close();
      dir.remove();
    }
  });
});
