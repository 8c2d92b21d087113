// The reactors' common machinery: units side by side up to the reactor's concurrency, never one
// unit twice at once, each done once.
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createSqliteStore } from '../../../events/adapters/sqlite';
import { catalogue, type DomainEvent } from '../../../events/index';
import type { EventStore } from '../../../events/port';
import { EVENTS_BETWEEN_YIELDS, followLog } from '../../../server/reactors/followLog';
import { Reactor, type Decoded } from '../../../server/reactors/reactor';
import { defaultSalesSettings } from '../../../server/features/deps';
import { systemContext } from '../../../server/security/bootstrap';
import { tempDir } from '../../support/tmp';

const opened: Array<{ store: EventStore; dir: { remove(): void } }> = [];
afterEach(async () => {
  for (const { store, dir } of opened.splice(0)) {
    await store.close();
    dir.remove();
  }
});

/** Schedules one unit per paid order; each unit waits until it is released (`release`, or all at once). */
class Recorder extends Reactor<string> {
  readonly name = 'recorder';
  protected override readonly concurrency = 3;
  protected readonly observes = new Set<Decoded['type']>(['OrderPaid']);
  running = 0;
  mostAtOnce = 0;
  readonly runs: string[] = [];
  private readonly gates = new Map<string, () => void>();
  private open = false;

  release(orderId?: string): void {
    if (orderId === undefined) {
      this.open = true;
      for (const resolve of this.gates.values()) resolve();
    } else this.gates.get(orderId)?.();
  }

  protected observe(event: Decoded): void {
    if (event.type !== 'OrderPaid') return;
    this.schedule(event.data.orderId, event.data.orderId);
  }

  protected async perform(orderId: string): Promise<void> {
    this.runs.push(orderId);
    this.running++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    if (!this.open) await new Promise<void>((resolve) => this.gates.set(orderId, resolve));
    this.running--;
  }
}

async function fivePaidOrders(): Promise<EventStore> {
  const dir = tempDir('reactor-');
  const store = createSqliteStore({ file: join(dir.path, 'events.db') });
  opened.push({ store, dir });
  const paid = (orderId: string): DomainEvent => ({ type: 'OrderPaid', data: { orderId, amountCents: 100, via: 'prepaid', paidAt: '2026-11-24T09:00:00.000Z' } });
  for (const id of ['o1', 'o2', 'o3', 'o4', 'o5']) {
    await store.append(`order-${id}`, [catalogue.encode(paid(id), systemContext())], { expectedRevision: 'no_stream' });
  }
  return store;
}

const depsOf = (store: EventStore, busy?: () => boolean) => ({
  store,
  catalogue,
  clock: () => new Date(),
  ids: { uuid: () => crypto.randomUUID() },
  settings: defaultSalesSettings,
  busy,
});

it('runs up to its concurrency of units side by side, each unit once', async () => {
  const reactor = new Recorder(depsOf(await fivePaidOrders()));
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

it('while requests are being answered, runs one unit at a time; side by side again once they stop', async () => {
  let requests = 1;
  const reactor = new Recorder(depsOf(await fivePaidOrders(), () => requests > 0));
  reactor.start();
  await expect.poll(() => reactor.runs.length).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(reactor.runs).toEqual(['o1']);

  requests = 0;
  reactor.release('o1'); // the next unit to start finds the server quiet: two more join it
  await expect.poll(() => reactor.runs.length).toBe(4);
  expect(reactor.mostAtOnce).toBe(3);
  reactor.release();
  await reactor.idle();
  expect([...reactor.runs].sort()).toEqual(['o1', 'o2', 'o3', 'o4', 'o5']);
  await reactor.stop();
});

/** Each unit takes `unitMs`; records when each starts and ends. */
class Timed extends Reactor<string> {
  readonly name = 'timed';
  protected override readonly concurrency = 3;
  protected readonly observes = new Set<Decoded['type']>(['OrderPaid']);
  readonly spans: Array<{ start: number; end: number }> = [];
  unitMs = 40;

  protected observe(event: Decoded): void {
    if (event.type !== 'OrderPaid') return;
    this.schedule(event.data.orderId, event.data.orderId);
  }

  protected async perform(): Promise<void> {
    const start = performance.now();
    await new Promise((resolve) => setTimeout(resolve, this.unitMs));
    this.spans.push({ start, end: performance.now() });
  }
}

it('while requests are being answered, each unit is followed by a pause as long as itself', async () => {
  const reactor = new Timed(depsOf(await fivePaidOrders(), () => true));
  reactor.start();
  await expect.poll(() => reactor.spans.length, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
  await reactor.stop();
  const [a, b, c] = reactor.spans;
  // One at a time, and the next starts no sooner than the previous one took (timers never fire early).
  expect(b!.start - a!.end).toBeGreaterThanOrEqual(reactor.unitMs - 5);
  expect(c!.start - b!.end).toBeGreaterThanOrEqual(reactor.unitMs - 5);
});

it('replaying a long log at start, the followers let the event loop answer meanwhile', async () => {
  const dir = tempDir('reactor-');
  const store = createSqliteStore({ file: join(dir.path, 'events.db') });
  opened.push({ store, dir });
  const total = 10 * EVENTS_BETWEEN_YIELDS;
  for (let i = 0; i < total; i += 500) {
    await store.append(`note-${i}`, Array.from({ length: 500 }, (_, j) => ({ id: crypto.randomUUID(), type: 'Note', data: { i: i + j }, metadata: {} })), { expectedRevision: 'no_stream' });
  }
  let accepted = 0;
  let caughtUp!: () => void;
  const done = new Promise<void>((resolve) => (caughtUp = resolve));
  const following = followLog(store, [{ accept: () => accepted++, caughtUp: () => caughtUp(), failed: (error) => { throw error; } }]);
  // A request arriving as the replay starts: answered long before the replay ends.
  const seenByTheRequest = await new Promise<number>((resolve) => setImmediate(() => resolve(accepted)));
  await done;
  await following.stop();
  expect(accepted).toBe(total);
  expect(seenByTheRequest).toBeLessThanOrEqual(2 * EVENTS_BETWEEN_YIELDS);
});
