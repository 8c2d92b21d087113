// The test server against the real @eventstore/db-client, for EventStoreDB's documented
// behaviour the adapter relies on: if these hold, the adapter's tests say something about a real
// server too.
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStoreTestServer, type TestServerOptions } from './testServer';

const servers: EventStoreTestServer[] = [];
const clients: EventStoreDBClient[] = [];

async function connect(options: TestServerOptions = {}) {
  const server = await EventStoreTestServer.start(options);
  const client = EventStoreDBClient.connectionString(server.connectionString);
  servers.push(server);
  clients.push(client);
  return { server, client };
}

afterEach(async () => {
  for (const client of clients.splice(0)) await client.dispose();
  for (const server of servers.splice(0)) await server.stop();
});

const ev = (type: string, data: Record<string, unknown> = {}, id = randomUUID()) => jsonEvent({ id, type, data });

async function all<T>(read: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of read) out.push(item);
  return out;
}

const types = (events: Array<ResolvedEvent | AllStreamResolvedEvent>) => events.map((e) => e.event!.type);

for (const [mode, options] of [
  ['BatchAppend', {}],
  ['Append', { serverFeatures: false }],
] as const) {
  describe(`appends over ${mode}`, () => {
    it('check the expected revision and answer the current one', async () => {
      const { client } = await connect(options);
      const first = await client.appendToStream('s', [ev('A'), ev('B')], { expectedRevision: 'no_stream' });
      expect(first.nextExpectedRevision).toBe(1n);
      expect(first.position!.commit).toBe(first.position!.prepare);
      const wrong = await client.appendToStream('s', [ev('C')], { expectedRevision: 5n }).catch((e) => e);
      expect(wrong).toBeInstanceOf(WrongExpectedVersionError);
      expect(wrong).toMatchObject({ streamName: 's', expectedVersion: 5n, actualVersion: 1n });
      const missing = await client.appendToStream('t', [ev('C')], { expectedRevision: 'stream_exists' }).catch((e) => e);
      expect(missing).toMatchObject({ streamName: 't', expectedVersion: 'stream_exists', actualVersion: 'no_stream' });
    });

    it('are idempotent: a retry answers the original revision and position and writes nothing', async () => {
      const { client, server } = await connect(options);
      await client.appendToStream('s', [ev('Opened')], { expectedRevision: 'no_stream' });
      const batch = [ev('Paid'), ev('Shipped')];
      const original = await client.appendToStream('s', batch, { expectedRevision: 0n });
      await client.appendToStream('s', [ev('Closed')], { expectedRevision: 2n });
      const retried = await client.appendToStream('s', batch, { expectedRevision: 0n });
      expect(retried.nextExpectedRevision).toBe(2n);
      expect(retried.position).toEqual(original.position);
      // With `any`, recently written ids are recognised too.
      const viaAny = await client.appendToStream('s', batch, { expectedRevision: 'any' });
      expect(viaAny.position).toEqual(original.position);
      expect(server.log.streamEvents('s')).toHaveLength(4);
      // Different ids after an older revision: a conflict, not a retry.
      const conflict = await client.appendToStream('s', [ev('Paid')], { expectedRevision: 0n }).catch((e) => e);
      expect(conflict).toBeInstanceOf(WrongExpectedVersionError);
      expect(conflict).toMatchObject({ actualVersion: 3n });
    });
  });
}

describe('appends', () => {
  it('over the maximum append size are refused', async () => {
    const { client } = await connect({ maxAppendSize: 1000 });
    const error = await client
      .appendToStream('big', [ev('Big', { pad: 'x'.repeat(2000) })], { expectedRevision: 'any' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect(error.maxAppendSize).toBe(1000);
  });
});

describe('reads', () => {
  it('read a stream forwards and backwards; a missing stream is stream_not_found', async () => {
    const { client } = await connect();
    await client.appendToStream('s', ['A', 'B', 'C', 'D'].map((t) => ev(t)), { expectedRevision: 'no_stream' });
    expect(types(await all(client.readStream('s')))).toEqual(['A', 'B', 'C', 'D']);
    expect(types(await all(client.readStream('s', { fromRevision: 1n, maxCount: 2 })))).toEqual(['B', 'C']);
    expect(types(await all(client.readStream('s', { direction: BACKWARDS, fromRevision: END })))).toEqual([
      'D',
      'C',
      'B',
      'A',
    ]);
    expect(types(await all(client.readStream('s', { direction: BACKWARDS, fromRevision: 1n })))).toEqual(['B', 'A']);
    expect(await all(client.readStream('s', { fromRevision: 10n }))).toEqual([]);
    await expect(all(client.readStream('nothing-here'))).rejects.toBeInstanceOf(StreamNotFoundError);

    const [first] = await all(client.readStream('s', { maxCount: 1 }));
    expect(Math.abs(first!.event!.created.getTime() - Date.now())).toBeLessThan(10_000);
  });

  it('read $all with system events; forwards includes the start position, backwards excludes it', async () => {
    const { client } = await connect();
    await client.appendToStream('s', ['A', 'B', 'C'].map((t) => ev(t)), { expectedRevision: 'no_stream' });
    const everything = await all(client.readAll());
    expect(types(everything)).toEqual(['$epoch-information', '$settings', '$metadata', '$statsCollected', 'A', 'B', 'C']);
    const positions = everything.map((e) => e.event!.position.commit);
    for (let i = 1; i < positions.length; i++) expect(positions[i]! - positions[i - 1]!).toBeGreaterThan(1n);

    const b = everything[5]!.event!.position;
    expect(types(await all(client.readAll({ fromPosition: b, direction: FORWARDS })))).toEqual(['B', 'C']);
    expect(types(await all(client.readAll({ fromPosition: b, direction: BACKWARDS, maxCount: 2 })))).toEqual([
      'A',
      '$statsCollected',
    ]);
    expect(types(await all(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 })))).toEqual(['C']);
    expect(await all(client.readAll({ fromPosition: END }))).toEqual([]);
  });
});

describe('subscriptions', () => {
  it('to $all: confirmation, exclusive start, caught_up, live events, system events filtered out', async () => {
    const { client, server } = await connect();
    await client.appendToStream('s', ['A', 'B', 'C'].map((t) => ev(t)), { expectedRevision: 'no_stream' });
    const [a] = await all(client.readStream('s', { maxCount: 1 }));
    const subscription = client.subscribeToAll({ fromPosition: a!.event!.position!, filter: excludeSystemEvents() });
    const marks: string[] = [];
    subscription.on('confirmation', () => marks.push('confirmation'));
    subscription.on('caughtUp', () => {
      marks.push('caughtUp');
      server.appendSystemEvent();
      void client.appendToStream('s', [ev('D')], { expectedRevision: 2n });
    });
    for await (const resolved of subscription) {
      marks.push(resolved.event!.type);
      if (resolved.event!.type === 'D') break;
    }
    await subscription.unsubscribe();
    expect(marks).toEqual(['confirmation', 'B', 'C', 'caughtUp', 'D']);
  });

  it('to $all from the end, filtered by stream prefix', async () => {
    const { client } = await connect();
    await client.appendToStream('order-1', [ev('Old')], { expectedRevision: 'no_stream' });
    const subscription = client.subscribeToAll({
      fromPosition: END,
      filter: streamNameFilter({ prefixes: ['order-'] }),
    });
    subscription.once('caughtUp', () => {
      void client
        .appendToStream('customer-1', [ev('Ignored')], { expectedRevision: 'any' })
        .then(() => client.appendToStream('order-2', [ev('New')], { expectedRevision: 'any' }));
    });
    const got: string[] = [];
    for await (const resolved of subscription) {
      got.push(`${resolved.event!.streamId}:${resolved.event!.type}`);
      break;
    }
    await subscription.unsubscribe();
    expect(got).toEqual(['order-2:New']);
  });

  it('to a stream: an exclusive start revision, and a missing stream just waits', async () => {
    const { client } = await connect();
    await client.appendToStream('s', ['A', 'B', 'C'].map((t) => ev(t)), { expectedRevision: 'no_stream' });
    const fromB = client.subscribeToStream('s', { fromRevision: 1n });
    const got: string[] = [];
    for await (const resolved of fromB) {
      got.push(resolved.event!.type);
      break;
    }
    await fromB.unsubscribe();
    expect(got).toEqual(['C']);

    const waiting = client.subscribeToStream('later', { fromRevision: START });
    waiting.once('caughtUp', () => void client.appendToStream('later', [ev('Now')], { expectedRevision: 'no_stream' }));
    for await (const resolved of waiting) {
      expect(resolved.event!.type).toBe('Now');
      break;
    }
    await waiting.unsubscribe();
  });
});
