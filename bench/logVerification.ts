// The verifiable log (events/logChain.ts): walking and checking the hash chain of 1,000,000 events
// of an embedded store, events shaped like the back office's (catalogue metadata, ~150 bytes of
// data), in this process as `npm run verify-log` does (the server runs the same walk in a worker
// thread). Target: under 10 s. The cost of the chain on appends is in bench/eventStore.ts's figures.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../events/adapters/sqlite';
import { verifyLog } from '../events/logVerifier';
import type { EventToAppend } from '../events/port';
import type { BenchModule, Figure } from './run';

const EVENTS = 1_000_000;
const BATCH = 10_000;

function eventOf(i: number): EventToAppend {
  return {
    id: randomUUID(),
    type: 'OrderPaymentReceived',
    data: { orderId: `c0ffee00-0000-4000-8000-${String(i).padStart(12, '0')}`, paymentId: randomUUID(), amountCents: 2684 + (i % 100), method: 'bank_transfer', receivedAt: '2026-11-24T09:00:00.000Z' },
    metadata: {
      actor: { userId: 'u-accountant-1', role: 'accountant' },
      at: '2026-11-24T09:00:00.000Z',
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
    },
  };
}

async function run(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-verify-log-'));
  const file = join(dir, 'events.db');
  try {
    const writer = createSqliteStore({ file });
    const t0 = performance.now();
    for (let i = 0; i < EVENTS; i += BATCH) {
      await writer.append(`orders-${i / BATCH}`, Array.from({ length: BATCH }, (_, j) => eventOf(i + j)), { expectedRevision: 'no_stream' });
    }
    const writeSeconds = (performance.now() - t0) / 1000;
    await writer.close();

    const store = createSqliteStore({ file, checkpointer: false });
    const t1 = performance.now();
    const verification = await verifyLog(store);
    const seconds = (performance.now() - t1) / 1000;
    await store.close();
    if (!verification.ok || verification.verified !== EVENTS) throw new Error(`verification of the bench log failed: ${JSON.stringify(verification)}`);
    return [
      { name: 'verify-log, 1,000,000 events (SQLite)', value: seconds, unit: 's', target: { atMost: 10 } },
      { name: 'verify-log rate', value: EVENTS / seconds, unit: 'events/s' },
      { name: 'writing them, chained (batches of 10,000)', value: EVENTS / writeSeconds, unit: 'events/s', note: 'setup, informative' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const logVerificationBench: BenchModule = { name: 'log verification', run };
