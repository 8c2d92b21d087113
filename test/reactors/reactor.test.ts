// The reactors' common machinery: units side by side up to the reactor's concurrency, never one
// unit twice at once, each done once.
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import { catalogue, type DomainEvent } from '../../events/index';
import type { EventStore } from '../../events/port';
import { Reactor, type Decoded } from '../../server/reactors/reactor';
import { defaultSalesSettings } from '../../server/sales/deps';
import { systemContext } from '../../server/security/bootstrap';
import { tempDir } from '../support/tmp';

const opened: Array<{ store: EventStore; dir: { remove(): void } }> = [];
afterEach(async () => {
  for (const { store, dir } of opened.splice(0)) {
    await store.close();
    dir.remove();
  }
});

/** Schedules one unit per paid order; each unit waits for `release` before it finishes. */
class Recorder extends Reactor {
  readonly name = 'recorder';
  protected override readonly concurrency = 3;
  protected readonly observes = new Set<Decoded['type']>(['OrderPaid']);
  running = 0;
  mostAtOnce = 0;
  readonly runs: string[] = [];
  release!: () => void;
  private gate = new Promise<void>((resolve) => (this.release = resolve));

  protected observe(event: Decoded): void {
    if (event.type !== 'OrderPaid') return;
    const { orderId } = event.data;
    this.schedule(orderId, async () => {
      this.runs.push(orderId);
      this.running++;
      this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
      await this.gate;
      this.running--;
    });
  }
}

it('runs up to its concurrency of units side by side, each unit once', async () => {
  const dir = tempDir('reactor-');
  const store = createSqliteStore({ file: join(dir.path, 'events.db') });
  opened.push({ store, dir });
  const paid = (orderId: string): DomainEvent => ({ type: 'OrderPaid', data: { orderId, amount: 100, via: 'prepaid', paidAt: '2026-11-24T09:00:00.000Z' } });
  for (const id of ['o1', 'o2', 'o3', 'o4', 'o5']) {
    await store.append(`order-${id}`, [catalogue.encode(paid(id), systemContext())], { expectedRevision: 'no_stream' });
  }
  const reactor = new Recorder({ store, catalogue, clock: () => new Date(), ids: { uuid: () => crypto.randomUUID() }, settings: defaultSalesSettings });
  reactor.start();
  await expect.poll(() => reactor.runs.length).toBe(3);
  expect(reactor.mostAtOnce).toBe(3);
  reactor.release();
  await reactor.idle();
  expect([...reactor.runs].sort()).toEqual(['o1', 'o2', 'o3', 'o4', 'o5']);
  expect(reactor.mostAtOnce).toBe(3);
  expect(reactor.backlog).toBe(0);
  await reactor.stop();
});
