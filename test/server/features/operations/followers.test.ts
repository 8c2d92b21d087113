// How far behind the log's head a follower is, in events, on both stores: the embedded store's
// positions are contiguous (head − position), EventStoreDB's are byte offsets, so there the events
// after the position are read and counted. What /health and /metrics report as each lag.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStoreDbStore } from '../../../../events/adapters/eventstoredb';
import { createSqliteStore } from '../../../../events/adapters/sqlite';
import type { EventStore } from '../../../../events/port';
import { lagCounter } from '../../../../server/features/operations/followers';
import { EventStoreTestServer } from '../../../events/eventstoredb/testServer';
import { tempDir } from '../../../support/tmp';

async function appendOne(store: EventStore): Promise<number> {
  const { position } = await store.append(`lag-${randomUUID()}`, [{ id: randomUUID(), type: 'LagProbe', data: {}, metadata: {} }], {
    expectedRevision: 'no_stream',
  });
  return position;
}

describe.each(['sqlite', 'eventstoredb'] as const)('the lag of a follower on %s', (kind) => {
  let store: EventStore;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    if (kind === 'sqlite') {
      const dir = tempDir('bo-lag-');
      store = createSqliteStore({ file: join(dir.path, 'events.db') });
      stop = async () => {
        await store.close();
        dir.remove();
      };
    } else {
      const server = await EventStoreTestServer.start({});
      store = createEventStoreDbStore(server.connectionString);
      stop = async () => {
        await store.close();
        await server.stop();
      };
    }
  }, 60_000);
  afterAll(() => stop?.());

  it('counts the events after its position, none at the head or beyond', async () => {
    const seen = await appendOne(store);
    for (let i = 0; i < 4; i++) await appendOne(store);
    const head = await store.headPosition();
    const lagOf = lagCounter(store, head);
    expect(await lagOf(seen)).toEqual({ events: 4, exact: true });
    expect(await lagOf(head)).toEqual({ events: 0, exact: true });
    expect(await lagOf(head + 1)).toEqual({ events: 0, exact: true });
    expect(await lagOf(0)).toEqual({ events: 5, exact: true });
  });
});
