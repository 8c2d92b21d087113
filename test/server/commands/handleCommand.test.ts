// The command write path keeps folded states between commands; these tests hold it to the log:
// a kept state must never hide what another writer (another process on the same file) appended.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { createSqliteStore } from '../../../events/adapters/sqlite';
import { prepaidEventShapes, type PrepaidEvent } from '../../../domain/prepaid/events';
import type { EventStore } from '../../../events/port';
import { handleCommand, loadAggregate } from '../../../server/commands/handle';
import { debitForOrder, prepaidAggregate, streamOf, topUp } from '../../../domain/prepaid/decider';
import { DomainError } from '../../../domain/shared/errors';
import { systemContext } from '../../../server/security/bootstrap';
import { tempDir } from '../../support/tmp';

const catalogue = new EventCatalogue<PrepaidEvent>(prepaidEventShapes);
const NOW = new Date('2026-05-04T10:00:00.000Z');
const open: Array<{ close(): Promise<void> }> = [];
const dirs: Array<{ remove(): void }> = [];

afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

/** Two stores on one file: two processes of the back office sharing the embedded log. */
function twoWriters(): [EventStore, EventStore] {
  const dir = tempDir('handle-');
  dirs.push(dir);
  const file = join(dir.path, 'events.db');
  const stores: [EventStore, EventStore] = [createSqliteStore({ file }), createSqliteStore({ file })];
  open.push(...stores);
  return stores;
}

const debit = (store: EventStore, orderId: string, amountCents: number) =>
  handleCommand({ store, catalogue }, streamOf('c1'), prepaidAggregate, (s) => debitForOrder({ customerId: 'c1', orderId, amountCents, at: NOW.toISOString() }, s), systemContext());

describe('the command write path', () => {
  it('decides on what another writer appended since this one last read the stream', async () => {
    const [a, b] = twoWriters();
    await handleCommand({ store: a, catalogue }, streamOf('c1'), prepaidAggregate, (s) =>
      topUp({ customerId: 'c1', topUpId: 't1', amountReceivedCents: 10_180, method: 'bank_transfer', reference: 'bonifico', receivedOn: '2026-05-04', at: NOW.toISOString() }, s),
    systemContext());
    expect((await loadAggregate({ store: a, catalogue }, streamOf('c1'), prepaidAggregate)).state.balanceCents).toBe(10_000);

    await debit(b, 'o-b', 8_000); // the other process spends most of the balance
    // This process last folded the account at 100,00 €; it must see 20,00 € now and refuse 50,00 €.
    await expect(debit(a, 'o-a', 5_000)).rejects.toSatisfy((e) => e instanceof DomainError && e.code === 'balance_insufficient');
    const after = await loadAggregate({ store: a, catalogue }, streamOf('c1'), prepaidAggregate);
    expect(after.state.balanceCents).toBe(2_000);
    expect(after.revision).toBe(1);
  });

  it('a debit already made by the other writer is not made twice', async () => {
    const [a, b] = twoWriters();
    await handleCommand({ store: a, catalogue }, streamOf('c1'), prepaidAggregate, (s) =>
      topUp({ customerId: 'c1', topUpId: 't1', amountReceivedCents: 10_180, method: 'bank_transfer', reference: 'bonifico', receivedOn: '2026-05-04', at: NOW.toISOString() }, s),
    systemContext());
    await loadAggregate({ store: a, catalogue }, streamOf('c1'), prepaidAggregate);
    await debit(b, 'o-1', 3_000);
    const again = await debit(a, 'o-1', 3_000);
    expect(again.events).toEqual([]);
    expect((await a.readStream(streamOf('c1'))).map((e) => e.type)).toEqual(['PrepaidToppedUp', 'PrepaidDebited']);
  });
});
