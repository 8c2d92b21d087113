import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
