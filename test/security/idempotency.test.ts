import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import { tempDir } from '../support/tmp';
import { addUser, allEvents, login, startApp, type TestApp } from './support';

describe('Idempotency-Key on commands', () => {
  let t: TestApp;
  let cookie: string;
  beforeEach(async () => {
    t = await startApp();
    await addUser(t.store, 'ada', ['admin']);
    cookie = await login(t.app, 'ada');
  });
  afterEach(() => t.close());

  const createUser = (key: string | undefined, username = 'mario') =>
    t.app.inject({
      method: 'POST',
      url: '/api/staff-users',
      headers: { cookie, ...(key ? { 'idempotency-key': key } : {}) },
      payload: { username, displayName: 'Mario Rossi', roles: ['operator'], password: 'a long enough password' },
    });

  it('a repeated command with the same key gets the first answer and appends nothing', async () => {
    const first = await createUser('key-1');
    expect(first.statusCode).toBe(201);
    const eventsAfterFirst = (await allEvents(t.store)).length;

    const again = await createUser('key-1');
    expect(again.statusCode).toBe(first.statusCode);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await allEvents(t.store)).length).toBe(eventsAfterFirst);
  });

  it('a refusal is replayed too, and the same key for another request is refused', async () => {
    await createUser(undefined, 'luigi');
    const refused = await createUser('key-2', 'luigi');
    expect(refused.statusCode).toBe(409);
    const replayed = await createUser('key-2', 'luigi');
    expect(replayed.statusCode).toBe(409);
    expect(replayed.json()).toEqual(refused.json());

    const reused = await createUser('key-2', 'someone-else');
    expect(reused.statusCode).toBe(422);
    expect(reused.json()).toMatchObject({ code: 'idempotency_key_reused', message: expect.stringMatching(/Idempotency-Key/) });
  });

  it('without a key, or with another key, the command runs again', async () => {
    expect((await createUser("key-3", "anna")).statusCode).toBe(201);
    expect((await createUser('key-4', 'anna')).statusCode).toBe(409);
  });
});

// A key is claimed in server.db before its command runs and answered after it; a process killed in
// between leaves the claim without an answer. These tests leave such a claim and restart.
describe('Idempotency-Key across a restart that cut a command short', () => {
  const serverDb = (dir: string) => new Database(join(dir, 'server.db'));
  const createUser = (t: TestApp, cookie: string, key: string, username: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/staff-users',
      headers: { cookie, 'idempotency-key': key },
      payload: { username, displayName: 'Mario Rossi', roles: ['operator'], password: 'a long enough password' },
    });
  const usersNamed = async (store: TestApp['store'], username: string) =>
    (await allEvents(store)).filter((e) => e.type === 'StaffUserCreated' && (e.data as { username: string }).username === username);

  let dir: { path: string; remove(): void };
  beforeEach(() => {
    dir = tempDir('bo-idempotency-');
  });
  afterEach(() => dir.remove());

  it('a retry of a command that took effect is told so, and nothing is done twice', async () => {
    const first = await startApp({ dataDir: dir.path });
    await addUser(first.store, 'ada', ['admin']);
    let cookie = await login(first.app, 'ada');
    const headBefore = await first.store.headPosition();
    expect((await createUser(first, cookie, 'key-done', 'mario')).statusCode).toBe(201);
    await first.close();
    // What a kill between the append and the answer leaves: the claim, without its answer.
    const db = serverDb(dir.path);
    db.prepare("UPDATE idempotent_answers SET status = 0, payload = NULL, after_position = ? WHERE key = 'key-done'").run(headBefore);
    db.close();

    const restarted = await startApp({ dataDir: dir.path });
    try {
      cookie = await login(restarted.app, 'ada');
      const retry = await createUser(restarted, cookie, 'key-done', 'mario');
      expect(retry.statusCode).toBe(409);
      expect(retry.json()).toMatchObject({
        code: 'idempotency_key_done_before_restart',
        message: expect.stringMatching(/^Idempotency-Key: this request was carried out/),
      });
      expect(await usersNamed(restarted.store, 'mario')).toHaveLength(1);
    } finally {
      await restarted.close();
    }
  });

  it('a retry of a command that did not take effect runs it, once', async () => {
    const first = await startApp({ dataDir: dir.path });
    await addUser(first.store, 'ada', ['admin']);
    const head = await first.store.headPosition();
    await first.close();
    // Killed after the claim, before the command appended anything.
    const db = serverDb(dir.path);
    const userId = (await usersOf(dir.path)).get('ada')!;
    db.prepare(
      "INSERT INTO idempotent_answers (user_id, key, request_hash, status, created, after_position) VALUES (?, 'key-cut', 'h', 0, ?, ?)",
    ).run(userId, Date.now(), head);
    db.close();

    const restarted = await startApp({ dataDir: dir.path });
    try {
      const cookie = await login(restarted.app, 'ada');
      const retry = await createUser(restarted, cookie, 'key-cut', 'luigi');
      expect(retry.statusCode).toBe(201);
      const again = await createUser(restarted, cookie, 'key-cut', 'luigi');
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await usersNamed(restarted.store, 'luigi')).toHaveLength(1);
    } finally {
      await restarted.close();
    }
  });
});

/** Usernames → user ids, from the event log of a data directory. */
async function usersOf(dataDir: string): Promise<Map<string, string>> {
  const store = createSqliteStore({ file: join(dataDir, 'events.db') });
  try {
    const users = new Map<string, string>();
    for (const e of await allEvents(store)) {
      if (e.type === 'StaffUserCreated') {
        const data = e.data as { userId: string; username: string };
        users.set(data.username, data.userId);
      }
    }
    return users;
  } finally {
    await store.close();
  }
}
