// The contract of EventStoreDB persistent subscriptions as the reactors use them (competing
// consumers, issue #21), through the real @eventstore/db-client: against the wire-compatible test
// server always, and against a real node when EVENTSTORE_URL is set (e.g.
// `esdb://127.0.0.1:2113?tls=false`); that second run is the one skipped otherwise.
//
// Every test works on its own streams and group names, so a real node's other data does not matter.
import {
  END,
  EventStoreDBClient,
  PersistentSubscriptionDoesNotExistError,
  PersistentSubscriptionExistsError,
  START,
  jsonEvent,
  persistentSubscriptionToAllSettingsFromDefaults,
  persistentSubscriptionToStreamSettingsFromDefaults,
  streamNameFilter,
  type PersistentSubscriptionToAll,
  type PersistentSubscriptionToAllResolvedEvent,
} from '@eventstore/db-client';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreTestServer } from './eventstoredb/testServer';

const WAIT_MS = 20_000;

interface Target {
  client(): EventStoreDBClient;
}

/** Consumes a group, handing each message to `handle`, and records what it saw. */
function consume(
  client: EventStoreDBClient,
  group: string,
  handle: (event: PersistentSubscriptionToAllResolvedEvent, sub: PersistentSubscriptionToAll) => Promise<void> | void,
  bufferSize = 10,
) {
  const subscription = client.subscribeToPersistentSubscriptionToAll(group, { bufferSize });
  subscription.on('error', () => {});
  const confirmed = new Promise<void>((resolve) => subscription.once('confirmation', () => resolve()));
  const done = (async () => {
    try {
      for await (const event of subscription) await handle(event, subscription);
    } catch {
      // ended by unsubscribe or a dropped connection
    }
  })();
  return {
    confirmed,
    async stop() {
      await subscription.unsubscribe();
      await done;
    },
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function untilAsync(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function contract(target: Target) {
  const run = randomUUID().slice(0, 8);
  let n = 0;
  /** A fresh stream prefix and group name for one test. */
  const fresh = () => {
    n++;
    return { prefix: `ps${run}-${n}-`, group: `g${run}-${n}` };
  };
  const append = (stream: string, count: number, type = 'Thing') =>
    target.client().appendToStream(
      stream,
      Array.from({ length: count }, (_, i) => jsonEvent({ type, data: { i } })),
    );
  const toAll = async (prefix: string, group: string, changes: Parameters<typeof persistentSubscriptionToAllSettingsFromDefaults>[0] = {}) =>
    target.client().createPersistentSubscriptionToAll(
      group,
      persistentSubscriptionToAllSettingsFromDefaults({ startFrom: START, ...changes }),
      { filter: streamNameFilter({ prefixes: [prefix] }) },
    );

  it('two consumers in one round-robin group share the events, each event to one of them', async () => {
    const { prefix, group } = fresh();
    await toAll(prefix, group, { startFrom: END });
    const seen = { a: [] as string[], b: [] as string[] };
    const a = consume(target.client(), group, async (e, s) => {
      seen.a.push(e.event!.id);
      await s.ack(e);
    }, 2);
    const b = consume(target.client(), group, async (e, s) => {
      seen.b.push(e.event!.id);
      await s.ack(e);
    }, 2);
    await Promise.all([a.confirmed, b.confirmed]);
    await append(`${prefix}one`, 10);
    await append(`${prefix}two`, 10);
    await until(() => seen.a.length + seen.b.length >= 20, '20 deliveries');
    await Promise.all([a.stop(), b.stop()]);
    const all = [...seen.a, ...seen.b];
    expect(new Set(all).size).toBe(20);
    expect(all).toHaveLength(20);
    expect(seen.a.length).toBeGreaterThan(0);
    expect(seen.b.length).toBeGreaterThan(0);
  });

  it('an event its consumer did not ack goes to another consumer when the first one disconnects', async () => {
    const { prefix, group } = fresh();
    await toAll(prefix, group);
    const held: string[] = [];
    const a = consume(target.client(), group, (e) => {
      held.push(e.event!.id); // never acked
    }, 1);
    await a.confirmed;
    await append(`${prefix}order`, 1);
    await until(() => held.length === 1, 'the first delivery');
    const taken: Array<{ id: string; retryCount: number }> = [];
    const b = consume(target.client(), group, async (e, s) => {
      taken.push({ id: e.event!.id, retryCount: e.retryCount });
      await s.ack(e);
    });
    await b.confirmed;
    await a.stop();
    await until(() => taken.length === 1, 'the redelivery');
    expect(taken[0]!.id).toBe(held[0]);
    await b.stop();
  });

  it('a nack with retry delivers the event again, until maxRetryCount; then it is parked, and replayParked brings it back', async () => {
    const { prefix, group } = fresh();
    await toAll(prefix, group, { maxRetryCount: 2 });
    const poison = (await append(`${prefix}poison`, 1, 'Poison')).position;
    expect(poison).toBeDefined();
    const deliveries: Array<{ type: string; retryCount: number }> = [];
    let replayed = false;
    const c = consume(target.client(), group, async (e, s) => {
      deliveries.push({ type: e.event!.type, retryCount: e.retryCount });
      if (e.event!.type === 'Poison' && !replayed) await s.nack('retry', 'cannot handle it', e);
      else await s.ack(e);
    });
    await c.confirmed;
    await until(() => deliveries.filter((d) => d.type === 'Poison').length === 3, 'three deliveries of the poison event');
    // Parked now: an event written after it arrives, and the poison event does not come again.
    await append(`${prefix}after`, 1, 'After');
    await until(() => deliveries.some((d) => d.type === 'After'), 'the next event');
    expect(deliveries.filter((d) => d.type === 'Poison').map((d) => d.retryCount)).toEqual([0, 1, 2]);
    // The group's statistics count it (what the back office shows operators).
    const parked = async () => (await target.client().getPersistentSubscriptionToAllInfo(group)).stats.parkedMessageCount;
    await untilAsync(async () => (await parked()) === 1n, 'the parked count');

    replayed = true;
    await target.client().replayParkedMessagesToAll(group);
    await until(() => deliveries.filter((d) => d.type === 'Poison').length === 4, 'the replayed poison event');
    await untilAsync(async () => (await parked()) === 0n, 'no event parked after the replay');
    await c.stop();
  });

  it('a nack with park keeps the event away until its parked messages are replayed; skip drops it', async () => {
    const { prefix, group } = fresh();
    await toAll(prefix, group);
    await append(`${prefix}x`, 1, 'ToPark');
    await append(`${prefix}x`, 1, 'ToSkip');
    const seen: string[] = [];
    let parkedOnce = false;
    const c = consume(target.client(), group, async (e, s) => {
      seen.push(e.event!.type);
      if (e.event!.type === 'ToPark' && !parkedOnce) {
        parkedOnce = true;
        await s.nack('park', 'poison', e);
      } else if (e.event!.type === 'ToSkip') await s.nack('skip', 'not for us', e);
      else await s.ack(e);
    });
    await c.confirmed;
    await until(() => seen.includes('ToSkip'), 'both events');
    await append(`${prefix}x`, 1, 'Marker');
    await until(() => seen.includes('Marker'), 'the marker');
    expect(seen.filter((t) => t === 'ToPark')).toHaveLength(1);
    await target.client().replayParkedMessagesToAll(group);
    await until(() => seen.filter((t) => t === 'ToPark').length === 2, 'the replayed event');
    expect(seen.filter((t) => t === 'ToSkip')).toHaveLength(1);
    await c.stop();
  });

  it('a group on one stream starts at its first event, and groups are created once', async () => {
    const { prefix, group } = fresh();
    const stream = `${prefix}stream`;
    await append(stream, 3);
    await target.client().createPersistentSubscriptionToStream(stream, group, persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START }));
    const again = await target
      .client()
      .createPersistentSubscriptionToStream(stream, group, persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START }))
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(PersistentSubscriptionExistsError);
    const revisions: bigint[] = [];
    const subscription = target.client().subscribeToPersistentSubscriptionToStream(stream, group);
    subscription.on('error', () => {});
    for await (const e of subscription) {
      revisions.push(e.event!.revision);
      await subscription.ack(e);
      if (revisions.length === 3) break;
    }
    await subscription.unsubscribe();
    expect(revisions).toEqual([0n, 1n, 2n]);

    const missing = await target.client().replayParkedMessagesToAll(`${group}-missing`).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
    await target.client().deletePersistentSubscriptionToStream(stream, group);
    const deleted = await target.client().deletePersistentSubscriptionToStream(stream, group).catch((e: unknown) => e);
    expect(deleted).toBeInstanceOf(PersistentSubscriptionDoesNotExistError);
  });

  it('a group on $all with an existing name is refused; an update keeps the group going with new settings', async () => {
    const { prefix, group } = fresh();
    await toAll(prefix, group);
    expect(await toAll(prefix, group).catch((e: unknown) => e)).toBeInstanceOf(PersistentSubscriptionExistsError);
    await target.client().updatePersistentSubscriptionToAll(group, persistentSubscriptionToAllSettingsFromDefaults({ startFrom: START, maxRetryCount: 0 }));
    await append(`${prefix}u`, 1, 'Poison');
    const seen: number[] = [];
    const c = consume(target.client(), group, async (e, s) => {
      seen.push(e.retryCount);
      if (e.event!.type === 'Poison') await s.nack('retry', 'no', e);
      else await s.ack(e);
    });
    await c.confirmed;
    await append(`${prefix}u`, 1, 'After');
    await until(() => seen.length >= 2, 'the next event');
    // maxRetryCount 0: parked at its first nack.
    expect(seen).toEqual([0, 0]);
    await c.stop();
  });
}

describe('persistent subscriptions on the test server', () => {
  let server: EventStoreTestServer;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    server = await EventStoreTestServer.start();
    client = EventStoreDBClient.connectionString(server.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await server.stop();
  });
  contract({ client: () => client });

  // As a server dies (kill -9 of the back office): its connection drops, and what it held goes to
  // the other consumers at once, not after the message timeout (60 s here). EventStoreDB does the
  // same: a client whose connection closes is removed from the group and its in-flight messages
  // are retried (counted as a retry).
  it('the events held by a consumer whose process is killed go to another consumer at once, not after the message timeout', async () => {
    const group = `killed-${randomUUID().slice(0, 8)}`;
    const prefix = `${group}-`;
    await client.createPersistentSubscriptionToAll(
      group,
      persistentSubscriptionToAllSettingsFromDefaults({ startFrom: START, messageTimeout: 60_000 }),
      { filter: streamNameFilter({ prefixes: [prefix] }) },
    );
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const holder = spawn(process.execPath, ['--import', 'tsx', 'test/events/eventstoredb/holdingConsumer.ts', server.connectionString, group], { cwd: root });
    try {
      let out = '';
      holder.stdout.on('data', (chunk) => (out += chunk));
      await until(() => out.includes('confirmed'), 'the consumer process joining');
      await client.appendToStream(`${prefix}order`, [jsonEvent({ type: 'OrderPaid', data: { n: 1 } }), jsonEvent({ type: 'OrderPaid', data: { n: 2 } })]);
      await until(() => (out.match(/^held /gm) ?? []).length === 2, 'the consumer process holding both events');
      const held = [...out.matchAll(/^held (\S+)/gm)].map((m) => m[1]);

      const taken: Array<{ id: string; retryCount: number }> = [];
      const other = consume(client, group, async (e, s) => {
        taken.push({ id: e.event!.id, retryCount: e.retryCount });
        await s.ack(e);
      });
      await other.confirmed;
      const killedAt = Date.now();
      holder.kill('SIGKILL');
      await until(() => taken.length === 2, 'the other consumer taking what the killed one held');
      expect(Date.now() - killedAt).toBeLessThan(30_000); // well before the 60 s message timeout
      expect(taken.map((t) => t.id).sort()).toEqual([...held].sort());
      expect(taken.every((t) => t.retryCount === 1)).toBe(true);
      // The acks are on their way when the handler has the events: the group settles a moment later.
      await until(() => server.persistent.view('$all', group)?.inFlight === 0, 'the acks of the other consumer');
      expect(server.persistent.view('$all', group)).toMatchObject({ inFlight: 0, retrying: 0, parked: 0, consumers: 1 });
      await other.stop();
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

const realNode = process.env.EVENTSTORE_URL;
describe.skipIf(!realNode)('persistent subscriptions on a real node (EVENTSTORE_URL; skipped when unset)', () => {
  let client: EventStoreDBClient;
  beforeAll(() => {
    client = EventStoreDBClient.connectionString(realNode!);
  });
  afterAll(async () => {
    await client?.dispose();
  });
  contract({ client: () => client });
});
