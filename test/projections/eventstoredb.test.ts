// The runner through the port on the EventStoreDB adapter (positions are byte offsets there, so the
// lag in events is counted), against the in-process wire-compatible test server.
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEventStoreDbStore } from '../../events/adapters/eventstoredb';
import type { EventStore } from '../../events/port';
import { openReadModelDb } from '../../projections/readModelDb';
import { ProjectionRunner } from '../../projections/runner';
import { ProjectionThread } from '../../projections/thread';
import { EventStoreTestServer } from '../events/eventstoredb/testServer';
import { addUser } from '../server/security/support';
import { tempDir } from '../support/tmp';
import { appendMix, buildFromScratch, customersProjection, dump, testCatalogue, totalsProjection } from './fixtures';

let dir: { path: string; remove(): void };
let server: EventStoreTestServer;
let store: EventStore;

beforeEach(async () => {
  dir = tempDir('projections-esdb-');
  server = await EventStoreTestServer.start({});
  store = createEventStoreDbStore(server.connectionString);
});

afterEach(async () => {
  await store.close();
  await server.stop();
  dir.remove();
});

const isOrderOf = (customerId: string) => (e: { type: string; data: unknown }) =>
  e.type === 'OrderPlaced' && (e.data as { customerId: string }).customerId === customerId;

it('on the EventStoreDB adapter: builds, fails and reports with a counted lag, follows live appends, resumes after a restart', async () => {
  await appendMix(store, 0, 300, 1);
  const open = (failing: boolean) => {
    const db = openReadModelDb(join(dir.path, 'read.db'));
    const runner = new ProjectionRunner({
      store,
      catalogue: testCatalogue,
      db,
      projections: [customersProjection(failing ? { failOn: isOrderOf('c-25') } : {}), totalsProjection()],
      batchSize: 40,
    });
    return { db, runner };
  };

  let { db, runner } = open(true);
  await runner.start();
  await runner.whenCaughtUp();
  let head = await store.headPosition();
  const [customers, totals] = await runner.status();
  // c-25's first order is the 252nd event: 49 events after it (itself included) are not handled.
  expect(customers).toMatchObject({ state: 'failed', head, lagEvents: 49, lagEventsExact: true });
  expect(customers!.error).toMatchObject({ eventType: 'OrderPlaced', stream: 'order-251' });
  expect(customers!.lagSeconds).toEqual(expect.any(Number));
  expect(totals).toMatchObject({ state: 'live', position: head, lagEvents: 0, lagSeconds: 0 });

  head = await appendMix(store, 300, 310, 1);
  expect(await runner.waitFor(head, ['totals'])).toBe(true);
  await runner.stop();
  db.close();

  await appendMix(store, 310, 400, 1);
  ({ db, runner } = open(false));
  await runner.start();
  await runner.whenCaughtUp();
  head = await store.headPosition();
  expect(runner.snapshot().map((s) => [s.state, s.position])).toEqual([
    ['live', head],
    ['live', head],
  ]);
  const resumed = dump(db);
  await runner.stop();
  db.close();
  expect(resumed).toEqual(
    await buildFromScratch(store, [customersProjection(), totalsProjection()], join(dir.path, 'scratch.db')),
  );
});

it("in the server's projections thread: its own client to EventStoreDB, the read models follow live appends", async () => {
  await addUser(store, 'anna', ['operator']);
  expect(store.address).toEqual({ kind: 'eventstoredb', connectionString: server.connectionString });
  const silent = { info() {}, warn() {}, error() {} };
  const thread = await ProjectionThread.start({ store: store.address!, readModelFile: join(dir.path, 'read.db') }, silent);
  try {
    await thread.whenCaughtUp();
    await addUser(store, 'bruno', ['accountant']);
    expect(await thread.waitFor(await store.headPosition(), ['staff-users'], 10_000)).toBe(true);
    const names = (thread.db.prepare('SELECT username FROM staff_users ORDER BY username').all() as { username: string }[]).map((r) => r.username);
    expect(names).toEqual(['anna', 'bruno']);
  } finally {
    await thread.stop();
  }
});

/** A runner on `file` reading ahead past `minEvents`, and what it said (messages and their objects). */
function readingAheadRunner(file: string, minEvents: number) {
  const said: Array<{ msg: string; obj: Record<string, unknown> }> = [];
  const db = openReadModelDb(join(dir.path, file));
  const runner = new ProjectionRunner({
    store,
    catalogue: testCatalogue,
    db,
    projections: [customersProjection(), totalsProjection()],
    batchSize: 40,
    logger: {
      info: (obj, msg) => void said.push({ msg, obj: obj as Record<string, unknown> }),
      warn: (obj, msg) => void said.push({ msg: `warning: ${msg}`, obj: obj as Record<string, unknown> }),
      error() {},
    },
    readAhead: { catalogue: { module: new URL('./fixtures.ts', import.meta.url), name: 'testCatalogue' }, minEvents },
  });
  return { db, runner, said, messages: () => said.map((line) => line.msg) };
}

it('on the EventStoreDB adapter: a lane still behind after minEvents read here hands the rest to another thread, its own connection, to the same read models', async () => {
  await appendMix(store, 0, 900, 20);
  const { db, runner, said, messages } = readingAheadRunner('ahead.db', 400);
  try {
    await runner.start();
    await runner.whenCaughtUp();
    // The first 400 were read here, once: the worker started after them and read the other 500.
    const started = said.find((line) => line.msg === 'reading the log ahead on another thread');
    const ended = said.find((line) => line.msg.startsWith('read ahead to the end of the log'));
    expect(started?.obj.after).toBe((await eventAtIndex(399)).position);
    expect(ended?.obj.events).toBe(500);
    expect(messages().filter((msg) => msg.startsWith('warning'))).toEqual([]);
    const head = await appendMix(store, 900, 920, 1);
    expect(await runner.waitFor(head)).toBe(true);
    expect(dump(db)).toEqual(await buildFromScratch(store, [customersProjection(), totalsProjection()], join(dir.path, 'here.db')));
  } finally {
    await runner.stop();
    db.close();
  }
});

it('on the EventStoreDB adapter: a lane that catches up within minEvents starts no worker', async () => {
  await appendMix(store, 0, 300, 20);
  const { db, runner, messages } = readingAheadRunner('near.db', 400);
  try {
    await runner.start();
    await runner.whenCaughtUp();
    expect(messages()).not.toContain('reading the log ahead on another thread');
    expect(runner.snapshot().every((s) => s.state === 'live')).toBe(true);
    expect(dump(db)).toEqual(await buildFromScratch(store, [customersProjection(), totalsProjection()], join(dir.path, 'here.db')));
  } finally {
    await runner.stop();
    db.close();
  }
});

/** The event at `index` (from 0) of the log. */
async function eventAtIndex(index: number) {
  let i = 0;
  for await (const event of store.readAll()) if (i++ === index) return event;
  throw new Error(`the log has no event ${index}`);
}
