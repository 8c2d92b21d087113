// Conflicts between writers in two processes: two SQLite connections on one file, two EventStoreDB
// clients on one (test) server, each the write path of its own back-office server. Within one
// server the commands on a stream take turns; across servers the loser of a race reads again,
// decides again on what the winner appended, after a jittered pause, within a time budget, and only
// then is refused `concurrent_change`.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEventStoreDbStore } from '../../../events/adapters/eventstoredb';
import { createSqliteStore } from '../../../events/adapters/sqlite';
import { EventCatalogue } from '../../../events/eventCatalogue';
import type { EventStore } from '../../../events/port';
import { debitForOrder, prepaidAggregate, streamOf, topUp } from '../../../domain/prepaid/decider';
import { prepaidEventShapes, type PrepaidEvent } from '../../../domain/prepaid/events';
import { DomainError } from '../../../domain/shared/errors';
import { backoffDelay, DEFAULT_CONFLICT_RETRY, nextPause } from '../../../server/commands/conflictRetry';
import { handleCommand, type CommandDeps } from '../../../server/commands/handle';
import { systemContext } from '../../../server/security/bootstrap';
import { EventStoreTestServer } from '../../events/eventstoredb/testServer';
import { tempDir } from '../../support/tmp';

const catalogue = new EventCatalogue<PrepaidEvent>(prepaidEventShapes);
const AT = '2026-05-04T10:00:00.000Z';

describe('the pause between attempts', () => {
  it('is drawn between 0 and a cap that doubles from the first pause up to the largest, and no retry but the first starts past the budget', () => {
    const policy = { budgetMs: 1_000, firstDelayMs: 5, maxDelayMs: 200 };
    const caps = [1, 2, 3, 4, 5, 6, 7, 8, 20].map((retry) => backoffDelay(policy, retry, () => 0.999_999) + 1);
    expect(caps).toEqual([5, 10, 20, 40, 80, 160, 200, 200, 200]);
    for (let retry = 1; retry < 12; retry++) expect(backoffDelay(policy, retry, () => 0)).toBe(0);
    expect(nextPause(policy, 3, 500, () => 0.5)).toBe(10);
    expect(nextPause(policy, 3, 995, () => 0.5)).toBeNull();
    expect(nextPause(policy, 1, 5_000, () => 0.5)).toBe(2); // a first conflict is always retried
    expect(DEFAULT_CONFLICT_RETRY.budgetMs).toBe(2_000);
  });
});

/** Two writers on one log, as two servers see it, and how to end them. */
interface TwoServers {
  a: EventStore;
  b: EventStore;
  close(): Promise<void>;
}

const logs: Array<[name: string, open: () => Promise<TwoServers>]> = [
  [
    'SQLite (two connections on one file)',
    async () => {
      const dir = tempDir('conflict-retry-');
      const file = join(dir.path, 'events.db');
      const a = createSqliteStore({ file });
      const b = createSqliteStore({ file });
      return { a, b, close: async () => { await a.close(); await b.close(); dir.remove(); } };
    },
  ],
  [
    'EventStoreDB (two clients on one test server)',
    async () => {
      const server = await EventStoreTestServer.start({});
      const a = createEventStoreDbStore(server.connectionString);
      const b = createEventStoreDbStore(server.connectionString);
      return { a, b, close: async () => { await a.close(); await b.close(); await server.stop(); } };
    },
  ],
];

/** The store, with `before` run ahead of each of its appends: another server getting there first. */
function overtaken(store: EventStore, before: () => Promise<void>): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'append') {
        return async (...args: Parameters<EventStore['append']>) => {
          await before();
          return target.append(...args);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe.each(logs)('conflicts across servers on %s', (_name, open) => {
  let servers: TwoServers;
  let customer = 0;
  beforeAll(async () => {
    servers = await open();
  }, 30_000);
  afterAll(async () => {
    await servers?.close();
  });
  let customerId = '';
  afterEach(() => {
    customerId = '';
  });

  const deps = (store: EventStore, retry?: CommandDeps['conflictRetry']): CommandDeps => ({ store, catalogue, conflictRetry: retry });
  const credit = async (store: EventStore, cents: number) => {
    customerId = `c${++customer}`;
    await handleCommand(deps(store), streamOf(customerId), prepaidAggregate, (s) =>
      topUp({ customerId, topUpId: 't1', amountReceivedCents: cents, method: 'bank_transfer', reference: 'bonifico', receivedOn: '2026-05-04', at: AT, settings: { feeRateBp: 0 } }, s),
    systemContext());
  };
  const debit = (d: CommandDeps, orderId: string, amountCents: number) =>
    handleCommand(d, streamOf(customerId), prepaidAggregate, (s) => debitForOrder({ customerId, orderId, amountCents, at: AT }, s), systemContext());
  const balancesOf = async (store: EventStore) =>
    (await store.readStream(streamOf(customerId))).map((e) => (e.data as { balanceAfterCents?: number }).balanceAfterCents);

  it('fifty debits on one account, twenty-five from each server at once: all taken, each on the balance the one before left', async () => {
    await credit(servers.a, 50 * 1_000);
    // A budget no loaded test machine reaches: the outcome is checked here, not the speed (the
    // budget itself is the last test's).
    const race = { budgetMs: 30_000 };
    const sent = Array.from({ length: 50 }, (_, i) => debit(deps(i % 2 === 0 ? servers.a : servers.b, race), `o-${i}`, 1_000));
    const results = await Promise.allSettled(sent);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const balances = (await balancesOf(servers.b)).slice(1);
    expect(balances).toEqual(Array.from({ length: 50 }, (_, i) => 49_000 - i * 1_000));
  }, 60_000);

  it('a server overtaken by the other one decides again on what it appended: refused for the balance, not for the race', async () => {
    await credit(servers.a, 5_000);
    let raced = false;
    const a = overtaken(servers.a, async () => {
      if (raced) return;
      raced = true;
      await debit(deps(servers.b), 'o-b', 4_000); // the other server spends most of it first
    });
    const refused = await debit(deps(a), 'o-a', 3_000).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe('balance_insufficient');
    expect(await balancesOf(servers.a)).toEqual([5_000, 1_000]);
  }, 30_000);

  it('overtaken by a debit that leaves enough, the retry appends after it', async () => {
    await credit(servers.a, 5_000);
    let raced = false;
    const a = overtaken(servers.a, async () => {
      if (raced) return;
      raced = true;
      await debit(deps(servers.b), 'o-b', 1_000);
    });
    const taken = await debit(deps(a), 'o-a', 3_000);
    expect(taken.events).toHaveLength(1);
    expect(taken.revision).toBe(2);
    expect(await balancesOf(servers.b)).toEqual([5_000, 4_000, 1_000]);
  }, 30_000);

  it('a stream the other server keeps changing: retried until the budget is spent, then refused concurrent_change', async () => {
    await credit(servers.a, 100_000);
    let overtakes = 0;
    const a = overtaken(servers.a, async () => {
      overtakes++;
      await debit(deps(servers.b), `o-b-${overtakes}`, 10);
    });
    const refused = await debit(deps(a, { budgetMs: 150, firstDelayMs: 2, maxDelayMs: 20 }), 'o-a', 1_000).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'concurrent_change', kind: 'conflict' });
    expect(overtakes).toBeGreaterThanOrEqual(2); // read again and tried again: a first conflict is always retried
    const balances = await balancesOf(servers.b);
    expect(balances).toHaveLength(1 + overtakes); // the other server's debits only
    expect(balances.at(-1)).toBe(100_000 - 10 * overtakes);
  }, 30_000);
});
