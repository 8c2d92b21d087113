// Issue #21: fifty prepaid orders placed at once on one customer's account (a Registration Officer's
// holders, a firm's web shop), over HTTP, on both stores, from one server and from three servers on
// one log. Each is placed, or refused because the balance no longer covers it; none is refused for
// the race (409 concurrent_change), and the balance is exactly what was credited less what was placed.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventStoreDbStore } from '../../../events/adapters/eventstoredb';
import { createSqliteStore } from '../../../events/adapters/sqlite';
import type { EventStore } from '../../../events/port';
import { prepaidBalance } from '../../../server/features/services';
import { EventStoreTestServer } from '../../events/eventstoredb/testServer';
import { tempDir } from '../../support/tmp';
import { addGuideProducts, allEvents, expectStatus, manualOrder, registerPerson, startApi, topUp, type ApiWorld } from './support';

const ORDER_CENTS = 3172; // one RIN-FIRMA-CNS
const ORDERS = 50;
const AFFORDABLE = 45;
const RACE_BUDGET = { budgetMs: 30_000 };

/** One log and a way to open it again, as another server would. */
interface Log {
  first(): EventStore;
  another(): EventStore;
  stop(): Promise<void>;
}

const logs: Array<[name: string, open: () => Promise<Log>]> = [
  [
    'SQLite',
    async () => {
      const dir = tempDir('bo-one-account-');
      const file = join(dir.path, 'events.db');
      return { first: () => createSqliteStore({ file }), another: () => createSqliteStore({ file }), stop: async () => dir.remove() };
    },
  ],
  [
    'EventStoreDB',
    async () => {
      const server = await EventStoreTestServer.start({});
      const open = () => createEventStoreDbStore(server.connectionString);
      return { first: open, another: open, stop: () => server.stop() };
    },
  ],
];

let worlds: ApiWorld[] = [];
let log: Log | undefined;
afterEach(async () => {
  for (const w of worlds.splice(0).reverse()) await w.close();
  await log?.stop();
  log = undefined;
});

describe.each(logs)('fifty prepaid orders at once on one account, on %s', (_name, open) => {
  async function shop(servers: number): Promise<{ customerId: string; worlds: ApiWorld[] }> {
    log = await open();
    const first = await startApi({ reactors: false, store: log.first(), conflictRetry: servers > 1 ? RACE_BUDGET : undefined });
    worlds.push(first);
    await addGuideProducts(first);
    const customerId = await registerPerson(first);
    await topUp(first, customerId, AFFORDABLE * ORDER_CENTS + 100);
    // The servers race for the account; a loaded test machine makes each attempt slow, so the budget
    // of their retries is one no run reaches (the default's 2 s is held by the write path's own test,
    // test/server/commands/conflictRetry.test.ts): what is checked is the outcome, not the speed.
    for (let i = 1; i < servers; i++) worlds.push(await startApi({ reactors: false, store: log.another(), conflictRetry: RACE_BUDGET }));
    return { customerId, worlds };
  }

  async function placeAtOnce(customerId: string, servers: ApiWorld[]) {
    const answers = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) => {
        const w = servers[i % servers.length]!;
        return (i % 2 === 0 ? w.operator : w.supervisor).post('/api/orders', manualOrder(customerId, { mode: 'prepaid' }));
      }),
    );
    const placed = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused.map((a) => a.json().code)).toEqual(Array(ORDERS - AFFORDABLE).fill('balance_insufficient'));
    expect(refused.every((a) => a.status === 422)).toBe(true);
    expect(placed).toHaveLength(AFFORDABLE);
    // Every answer names the balance after its own debit: all different, down to the last 1,00 €.
    const balances = placed.map((a) => a.json().prepaidBalanceCents as number).sort((x, y) => y - x);
    expect(balances).toEqual(Array.from({ length: AFFORDABLE }, (_, i) => 100 + (AFFORDABLE - 1 - i) * ORDER_CENTS));
    for (const w of servers) expect(await prepaidBalance(w.app.sales, customerId)).toBe(100);
    const events = await allEvents(servers[0]!.store);
    expect(events.filter((e) => e.type === 'PrepaidDebited')).toHaveLength(AFFORDABLE);
    expect(events.filter((e) => e.type === 'OrderPlaced')).toHaveLength(AFFORDABLE);
    expect(events.filter((e) => e.type === 'PrepaidCredited')).toHaveLength(0);
  }

  it('from one server: forty-five placed, five refused for the balance, none for the race', async () => {
    const { customerId, worlds: servers } = await shop(1);
    await placeAtOnce(customerId, servers);
  }, 180_000);

  it('from three servers on one log, round-robin: the same', async () => {
    const { customerId, worlds: servers } = await shop(3);
    await placeAtOnce(customerId, servers);
    // Every read side shows the orders: each server's own read models follow the shared log.
    for (const w of servers) {
      const listed = expectStatus(await w.operator.get(`/api/orders?filter=${encodeURIComponent(JSON.stringify({ customerId }))}&range=[0,99]`), 200).json();
      expect(listed).toHaveLength(AFFORDABLE);
    }
  }, 180_000);
});
