import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { handleCommand } from '../../../server/commands/handle';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { debitForOrder, prepaidAggregate, streamOf as prepaidStream } from '../../../domain/prepaid/decider';
import { derivedId } from '../../../server/features/ids';
import { appendEvents } from '../../../server/commands/handle';
import { idempotencyStreamOf, requestFingerprint } from '../../../server/plugins/app/idempotency';
import { addGuideProducts, expectStatus, manualOrder, registerPerson, startApi, topUp, type ApiWorld } from '../api/support';
import { tempDir } from '../../support/tmp';
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

// A key is claimed in the event store before its command runs and answered after it; a process
// killed in between leaves the claim without an answer. The same server, started again, gives such
// claims up, and a retry runs the command again, which its key makes idempotent.
describe('Idempotency-Key across a restart that cut a command short', () => {
  let dir: { path: string; remove(): void };
  let world: ApiWorld | undefined;
  beforeEach(() => {
    dir = tempDir('bo-idempotency-');
  });
  afterEach(async () => {
    await world?.close();
    world = undefined;
    dir.remove();
  });

  /** What a kill leaves in the log: the claim of `key` by this server's run that was killed, without its answer. */
  const leaveClaimUnanswered = async (w: ApiWorld, userId: string, key: string, body: unknown) => {
    const server = readFileSync(join(dir.path, 'server.id'), 'utf8').trim();
    const at = w.clock.now().toISOString();
    const ctx = { actor: { userId, role: 'operator' as const }, at, correlationId: randomUUID(), causationId: null, idempotencyKey: key };
    await appendEvents(w.app.sales, idempotencyStreamOf(userId, key), [
      { type: 'IdempotencyKeyClaimed', data: { userId, fingerprint: requestFingerprint(userId, key, 'POST', '/api/orders', body), claimedAt: at, holder: { server, run: 'the run that was killed' } } },
    ], 'any', ctx);
  };
  const restart = async () => {
    await world!.close();
    world = await startApi({ dataDir: dir.path });
    return world;
  };
  const debitsOf = async (w: ApiWorld, customerId: string) =>
    (await allEvents(w.store)).filter((e) => e.type === 'PrepaidDebited' && (e.data as { customerId: string }).customerId === customerId);

  async function shopWithCredit() {
    world = await startApi({ dataDir: dir.path });
    await addGuideProducts(world);
    const customerId = await registerPerson(world);
    await topUp(world, customerId, 5_000);
    const me = expectStatus(await world.operator.get('/api/auth/me'), 200).json();
    return { w: world, customerId, operatorId: me.id as string };
  }

  it('a prepaid order killed after its debit, before it was placed, is placed by the retry, debited once', async () => {
    const { w, customerId, operatorId } = await shopWithCredit();
    const body = manualOrder(customerId, { mode: 'prepaid' });
    const total = expectStatus(await w.operator.post('/api/orders/quote', body), 200).json().totals.totalCents as number;
    // The first run got as far as the debit of the order its key names.
    const orderId = derivedId('http-order', operatorId, 'key-cut');
    const ctx = { actor: { userId: operatorId, role: 'operator' as const }, at: w.clock.now().toISOString(), correlationId: randomUUID(), causationId: null, idempotencyKey: 'key-cut' };
    await handleCommand(w.app.sales, prepaidStream(customerId), prepaidAggregate, (state) => debitForOrder({ customerId, orderId, amountCents: total, at: w.clock.now().toISOString() }, state), ctx);
    await leaveClaimUnanswered(w, operatorId, 'key-cut', body);

    const again = await restart();
    const retry = expectStatus(await again.operator.post('/api/orders', body, { 'idempotency-key': 'key-cut' }), 201).json();
    expect(retry).toMatchObject({ id: orderId, order: { status: 'paid' }, prepaidBalanceCents: 5_000 - total });
    expect(await debitsOf(again, customerId)).toHaveLength(1);
  });

  it('a retry of an order that was placed answers that order, debited once', async () => {
    const { w, customerId, operatorId } = await shopWithCredit();
    const body = manualOrder(customerId, { mode: 'prepaid' });
    const first = expectStatus(await w.operator.post('/api/orders', body, { 'idempotency-key': 'key-done' }), 201).json();
    await leaveClaimUnanswered(w, operatorId, 'key-done', body); // killed after the append, before the answer was kept

    const again = await restart();
    const retry = await again.operator.post('/api/orders', body, { 'idempotency-key': 'key-done' });
    expect(retry.status).toBeLessThan(300);
    expect(retry.json()).toMatchObject({ id: first.id, order: { status: 'paid' } });
    expect(await debitsOf(again, customerId)).toHaveLength(1);
  });
});
