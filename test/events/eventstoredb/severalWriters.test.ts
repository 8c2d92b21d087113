// Several servers appending to one EventStoreDB: each chains its appends to the head of $all it
// read, so two of them may chain to the same head; the next append joins the fork again. The log
// verifies, and every event stays followed by a later one (so none can be deleted unseen).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEventStoreDbStore } from '../../../events/adapters/eventstoredb';
import { followedBy } from '../../../events/logChain';
import { verifyLog } from '../../../events/logVerifier';
import type { EventStore, RecordedEvent } from '../../../events/port';
import { EventStoreTestServer } from './testServer';

let server: EventStoreTestServer;
let writers: EventStore[];

beforeAll(async () => {
  server = await EventStoreTestServer.start();
  writers = [0, 1, 2].map(() => createEventStoreDbStore(server.connectionString, { reconnectDelayMs: 20 }));
}, 60_000);
afterAll(async () => {
  await Promise.all(writers.map((w) => w.close()));
  await server.stop();
}, 60_000);

it('three writers appending at once: the log verifies, forks join again, no event is left unfollowed', async () => {
  const perWriter = 15;
  await Promise.all(
    writers.map(async (writer, w) => {
      for (let i = 0; i < perWriter; i++) {
        await writer.append(`writer${w}-${i}`, [{ id: randomUUID(), type: 'Noted', data: { w, i }, metadata: {} }], { expectedRevision: 'no_stream' });
      }
    }),
  );
  // The last appends of the three may end in a fork; the next append joins it.
  await writers[2]!.append('after-all', [{ id: randomUUID(), type: 'Noted', data: {}, metadata: {} }], { expectedRevision: 'no_stream' });
  const all: RecordedEvent[] = [];
  for await (const e of writers[0]!.readAll()) all.push(e);
  expect(all).toHaveLength(3 * perWriter + 1);

  const verification = await verifyLog(writers[1]!);
  expect(verification).toMatchObject({ ok: true, broken: null, verified: 3 * perWriter + 1, head: { position: all.at(-1)!.position } });

  // Every event but the last is followed by a later one: a fork never stays open.
  const followed = new Set(all.flatMap((e) => followedBy(e.chain!)));
  expect(all.slice(0, -1).filter((e) => !followed.has(e.chain!.hash)).map((e) => e.stream)).toEqual([]);
}, 60_000);
