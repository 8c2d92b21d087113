// Aggregates with a long history: a Registration Officer's prepaid account holds thousands of
// debits. Figures: loading it cold (a new store connection, so no folded state is kept: every event
// is read, decoded and folded), and one more debit once its state is kept.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../events/adapters/sqlite';
import { catalogue } from '../events/index';
import type { PrepaidEvent } from '../domain/prepaid/events';
import { handleCommand, loadAggregate, type CommandDeps } from '../server/commands/handle';
import { debitForOrder, prepaidAggregate, streamOf, topUp } from '../domain/prepaid/decider';
import { systemContext } from '../server/security/bootstrap';
import type { BenchModule, Figure } from './run';

const DEBITS = 20_000;
const CUSTOMER = 'c0ffee00-0000-4000-8000-000000000001';

async function run(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-aggregates-'));
  const file = join(dir, 'events.db');
  const ctx = systemContext();
  const stream = streamOf(CUSTOMER);
  try {
    const writer = createSqliteStore({ file });
    const now = new Date('2026-11-24T09:00:00Z');
    const funded = topUp({ customerId: CUSTOMER, topUpId: 'funding', amountReceivedCents: 100_000_000, method: 'bank_transfer', reference: 'bench', receivedOn: '2026-11-24', at: now.toISOString() }, prepaidAggregate.initialState());
    let state = funded.reduce(prepaidAggregate.evolve, prepaidAggregate.initialState());
    const history: PrepaidEvent[] = [...funded];
    for (let i = 0; i < DEBITS; i++) {
      const debited = debitForOrder({ customerId: CUSTOMER, orderId: `order-${i}`, amountCents: 2684, at: now.toISOString() }, state);
      state = debited.reduce(prepaidAggregate.evolve, state);
      history.push(...debited);
    }
    for (let i = 0; i < history.length; i += 1000) {
      await writer.append(stream, history.slice(i, i + 1000).map((e) => catalogue.encode(e, ctx)), { expectedRevision: i === 0 ? 'no_stream' : i - 1 });
    }
    await writer.close();

    const store = createSqliteStore({ file });
    const deps = { store, catalogue } as unknown as CommandDeps;
    let t = performance.now();
    const loaded = await loadAggregate(deps, stream, prepaidAggregate);
    const coldMs = performance.now() - t;
    if (loaded.state.debitedOrders.size !== DEBITS) throw new Error(`folded ${loaded.state.debitedOrders.size} debits`);
    const samples: number[] = [];
    for (let i = 0; i < 20; i++) {
      t = performance.now();
      await handleCommand(deps, stream, prepaidAggregate, (s) => debitForOrder({ customerId: CUSTOMER, orderId: `more-${i}`, amountCents: 2684, at: now.toISOString() }, s), ctx);
      samples.push(performance.now() - t);
    }
    await store.close();
    samples.sort((a, b) => a - b);
    return [
      { name: `cold load of a prepaid account with ${DEBITS.toLocaleString('en')} debits`, value: coldMs, unit: 'ms', note: 'read, decode and fold every event' },
      { name: 'one more debit on it, state kept (median of 20)', value: samples[10]!, unit: 'ms', note: 'read of nothing new, decision, append with fsync' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const aggregatesBench: BenchModule = { name: 'aggregates with a long history', run };
