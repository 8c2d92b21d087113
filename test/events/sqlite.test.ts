import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import { verifyLog } from '../../events/logVerifier';
import { WrongExpectedRevisionError } from '../../events/port';
import { runEventStoreContract } from './contract';

const root = fileURLToPath(new URL('../..', import.meta.url));

runEventStoreContract('embedded SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'es-sqlite-'));
  const store = createSqliteStore({ file: join(dir, 'events.db') });
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const placed = (i: number) => [{ id: randomUUID(), type: 'Placed', data: { i }, metadata: {} }];

describe('appends written together (one group, one transaction)', () => {
  it("a group the database refuses is rejected whole with the database's reason, writes nothing, and the next append works", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-group-'));
    const file = join(dir, 'events.db');
    const store = createSqliteStore({ file });
    try {
      await store.append('order-1', placed(1), { expectedRevision: 'no_stream' });
      const other = new Database(file);
      other.exec("CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.type = 'Refused' BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END");
      other.close();
      // Asked in the same turn: one group, one transaction.
      const refused = store.append('order-2', [{ id: randomUUID(), type: 'Refused', data: {}, metadata: {} }], { expectedRevision: 'no_stream' });
      const beside = store.append('order-3', placed(3), { expectedRevision: 'no_stream' });
      await expect(refused).rejects.toThrow('refused by a trigger');
      await expect(beside).rejects.toThrow('refused by a trigger');
      expect(await store.readStream('order-2')).toEqual([]);
      expect(await store.readStream('order-3')).toEqual([]);
      expect((await store.append('order-3', placed(3), { expectedRevision: 'no_stream' })).nextRevision).toBe(0);
      expect(await store.headPosition()).toBe(2);
      // The refused group's links were not kept: the next event chains to the one stored before it.
      expect((await verifyLog(store)).ok).toBe(true);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an event JSON cannot hold fails its own append only, not the one asked beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-group-'));
    const store = createSqliteStore({ file: join(dir, 'events.db') });
    try {
      const unserialisable = store.append('order-1', [{ id: randomUUID(), type: 'Placed', data: { n: 1n }, metadata: {} }], { expectedRevision: 'no_stream' });
      const fine = store.append('order-2', placed(2), { expectedRevision: 'no_stream' });
      await expect(unserialisable).rejects.toThrow(/BigInt/);
      expect(await fine).toEqual({ nextRevision: 0, position: 1 });
      expect(await store.readStream('order-1')).toEqual([]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an append whose ids are taken is judged apart (a retry answers the first result, another is a conflict), and the rest of its group is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-group-'));
    const store = createSqliteStore({ file: join(dir, 'events.db') });
    try {
      const opened = placed(0);
      const first = await store.append('order-1', opened, { expectedRevision: 'no_stream' });
      const twoEvents = [...placed(1), ...placed(2)];
      await store.append('order-2', twoEvents, { expectedRevision: 'no_stream' });
      // Asked in the same turn: one group, in which only the appends with taken ids are refused or answered.
      const asked = [
        store.append('order-3', placed(3), { expectedRevision: 'no_stream' }),
        store.append('order-1', opened, { expectedRevision: 'any' }), // a retry: stored once
        store.append('order-1', opened, { expectedRevision: 'no_stream' }), // a retry: stored once
        store.append('order-4', opened, { expectedRevision: 'any' }), // an id of another stream
        store.append('order-2', [...placed(4), twoEvents[1]!], { expectedRevision: 1 }), // its second id is taken
        store.append('order-5', placed(5), { expectedRevision: 'no_stream' }),
      ];
      const [three, retryAny, retryNoStream, otherStream, secondTaken, five] = await Promise.allSettled(asked);
      expect(three).toEqual({ status: 'fulfilled', value: { nextRevision: 0, position: 4 } });
      expect(retryAny).toEqual({ status: 'fulfilled', value: first });
      expect(retryNoStream).toEqual({ status: 'fulfilled', value: first });
      for (const refused of [otherStream, secondTaken]) {
        expect(refused).toMatchObject({ status: 'rejected', reason: expect.any(WrongExpectedRevisionError) });
      }
      expect(five).toEqual({ status: 'fulfilled', value: { nextRevision: 0, position: 5 } });
      expect(await store.readStream('order-1')).toHaveLength(1);
      expect(await store.readStream('order-2')).toHaveLength(2);
      expect(await store.readStream('order-4')).toEqual([]);
      expect(await store.headPosition()).toBe(5);
      expect((await verifyLog(store)).ok).toBe(true);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('two connections to one file (the server and its projections thread)', () => {
  it("a live subscription on one connection is woken by the other's appends", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-sqlite-two-'));
    const writer = createSqliteStore({ file: join(dir, 'events.db') });
    const reader = createSqliteStore({ file: join(dir, 'events.db') });
    try {
      expect(reader.address).toEqual({ kind: 'sqlite', file: join(dir, 'events.db') });
      const subscription = reader.subscribeToAll();
      await subscription.caughtUp;
      const seen: string[] = [];
      const following = (async () => {
        for await (const event of subscription) {
          seen.push(event.type);
          if (seen.length === 2) return;
        }
      })();
      await writer.append('s-1', [{ id: randomUUID(), type: 'First', data: {}, metadata: {} }], { expectedRevision: 'no_stream' });
      await writer.append('s-1', [{ id: randomUUID(), type: 'Second', data: {}, metadata: {} }], { expectedRevision: 0 });
      // Woken by the other connection at once (the poll for other processes' commits is slower).
      await following;
      expect(seen).toEqual(['First', 'Second']);
    } finally {
      await reader.close();
      await writer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a stream read to its end on one connection shows the other's appends to it at the next read", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-sqlite-two-'));
    const one = createSqliteStore({ file: join(dir, 'events.db') });
    const other = createSqliteStore({ file: join(dir, 'events.db') });
    try {
      await one.append('order-1', placed(1), { expectedRevision: 'no_stream' });
      // Read to the end (as a command catching up on the state it keeps), and again: nothing new.
      expect(await one.readStream('order-1', { fromRevision: 1 })).toEqual([]);
      expect(await one.readStream('order-1', { fromRevision: 1 })).toEqual([]);
      expect(await one.readStream('order-2')).toEqual([]);
      await other.append('order-1', placed(2), { expectedRevision: 0 });
      await other.append('order-2', placed(3), { expectedRevision: 'no_stream' });
      expect((await one.readStream('order-1', { fromRevision: 1 })).map((e) => e.data)).toEqual([{ i: 2 }]);
      expect((await one.readStream('order-2')).map((e) => e.data)).toEqual([{ i: 3 }]);
      // And its own appends, after those.
      await one.append('order-1', placed(4), { expectedRevision: 1 });
      expect((await one.readStream('order-1', { fromRevision: 2 })).map((e) => e.data)).toEqual([{ i: 4 }]);
      expect(await one.readStream('order-1', { fromRevision: 3 })).toEqual([]);
      // The other's append after this connection's own: not hidden by what this one wrote last.
      await other.append('order-1', placed(5), { expectedRevision: 2 });
      expect((await one.readStream('order-1', { fromRevision: 3 })).map((e) => e.data)).toEqual([{ i: 5 }]);
    } finally {
      await other.close();
      await one.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a subscription delivers both connections\' events, in log order, however their commits interleave', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-sqlite-two-'));
    const a = createSqliteStore({ file: join(dir, 'events.db') });
    const b = createSqliteStore({ file: join(dir, 'events.db') });
    try {
      const subscription = a.subscribeToAll();
      const seen: number[] = [];
      const following = (async () => {
        for await (const event of subscription) {
          seen.push((event.data as { n: number }).n);
          if (seen.length === 40) return;
        }
      })();
      for (let n = 0; n < 40; n++) {
        const writer = n % 3 === 0 ? b : a; // runs of this connection's commits, broken by the other's
        await writer.append(`s-${n % 5}`, [{ id: randomUUID(), type: 'Counted', data: { n }, metadata: {} }], { expectedRevision: 'any' });
      }
      await following;
      expect(seen).toEqual(Array.from({ length: 40 }, (_, n) => n));
      const replay: number[] = [];
      for await (const event of a.readAll()) replay.push((event.data as { n: number }).n);
      expect(replay).toEqual(seen);
      // Each connection chains to the other's last event, not to the head it wrote itself.
      expect(await verifyLog(a)).toMatchObject({ ok: true, broken: null, head: { position: 40 } });
    } finally {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a live subscription sees another process's appends (a command-line tool beside the server)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-sqlite-process-'));
    const file = join(dir, 'events.db');
    const server = createSqliteStore({ file });
    try {
      await server.append('s-1', [{ id: randomUUID(), type: 'First', data: {}, metadata: {} }], { expectedRevision: 'no_stream' });
      const subscription = server.subscribeToAll();
      const seen: string[] = [];
      const following = (async () => {
        for await (const event of subscription) {
          seen.push(event.type);
          if (seen.length === 2) return;
        }
      })();
      await subscription.caughtUp;
      const script = `
        import { createSqliteStore } from './events/adapters/sqlite.ts';
        const store = createSqliteStore({ file: ${JSON.stringify(file)} });
        await store.append('s-1', [{ id: crypto.randomUUID(), type: 'FromTheTool', data: {}, metadata: {} }], { expectedRevision: 0 });
        await store.close();
      `;
      const tool = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
      expect(tool.status, tool.stderr).toBe(0);
      // The server itself commits nothing more: only the poll of SQLite's data_version can wake it.
      await following;
      expect(seen).toEqual(['First', 'FromTheTool']);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an in-memory store has no address: no one else can open it', async () => {
    const store = createSqliteStore({ file: ':memory:' });
    expect(store.address).toBeUndefined();
    await store.close();
  });
});

it('reads the log after a position in whole pages (a rebuild\'s read-ahead), the same events as readAll', async () => {
  const store = createSqliteStore({ file: ':memory:' });
  try {
    const writes: Promise<unknown>[] = [];
    for (let s = 0; s < 25; s++) {
      writes.push(store.append(`s-${s}`, Array.from({ length: 100 }, (_, i) => ({ id: randomUUID(), type: 'Placed', data: { i: s * 100 + i }, metadata: {} })), { expectedRevision: 'no_stream' }));
    }
    await Promise.all(writes);
    const pages: number[][] = [];
    for await (const page of store.readAllPages!({ after: 700 })) pages.push(page.map((event) => event.position));
    expect(pages.map((page) => page.length)).toEqual([1000, 800]);
    const all: number[] = [];
    for await (const event of store.readAll({ after: 700 })) all.push(event.position);
    expect(pages.flat()).toEqual(all);
    expect(all[0]).toBe(701);
    const none: unknown[] = [];
    for await (const page of store.readAllPages!({ after: 2_500 })) none.push(page);
    expect(none).toEqual([]);
  } finally {
    await store.close();
  }
});
