// Issue #21: Idempotency-Key claims live in the event store, so a retry that a load balancer sends to
// another server gets the first answer, on both stores (two apps on one SQLite file, two apps on one
// EventStoreDB test server): replayed, not run again; the key with another request refused there
// too; a request still running on the other server told so until that server's lease runs out;
// a key free again after a day.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStoreDbStore } from '../../../events/adapters/eventstoredb';
import { createSqliteStore } from '../../../events/adapters/sqlite';
import type { EventStore } from '../../../events/port';
import { appendEvents } from '../../../server/commands/handle';
import { idempotencyStreamOf, requestFingerprint } from '../../../server/plugins/app/idempotency';
import { EventStoreTestServer } from '../../events/eventstoredb/testServer';
import { tempDir } from '../../support/tmp';
import { addGuideProducts, allEvents, DAY, expectStatus, manualOrder, registerPerson, startApi, topUp, type ApiWorld } from './support';

const logs: Array<[name: string, open: () => Promise<{ first(): EventStore; another(): EventStore; stop(): Promise<void> }>]> = [
  [
    'SQLite (two apps on one file)',
    async () => {
      const dir = tempDir('bo-idem-servers-');
      const file = join(dir.path, 'events.db');
      return { first: () => createSqliteStore({ file }), another: () => createSqliteStore({ file }), stop: async () => dir.remove() };
    },
  ],
  [
    'EventStoreDB (two apps on one test server)',
    async () => {
      const server = await EventStoreTestServer.start({});
      const open = () => createEventStoreDbStore(server.connectionString);
      return { first: open, another: open, stop: () => server.stop() };
    },
  ],
];

describe.each(logs)('Idempotency-Key across two servers on %s', (_name, open) => {
  let a: ApiWorld;
  let b: ApiWorld;
  let stop = async () => {};
  let customerId = '';
  let operatorId = '';
  beforeAll(async () => {
    const log = await open();
    stop = log.stop;
    a = await startApi({ reactors: false, store: log.first() });
    await addGuideProducts(a);
    customerId = await registerPerson(a);
    await topUp(a, customerId, 20_000);
    b = await startApi({ reactors: false, store: log.another() });
    operatorId = expectStatus(await a.operator.get('/api/auth/me'), 200).json().id as string;
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await stop();
  });

  const orders = async () => (await allEvents(a.store)).filter((e) => e.type === 'OrderPlaced');

  it('an order answered by one server is answered the same by the other, placed once; the key with another order is refused there', async () => {
    const headers = { 'idempotency-key': `desk-${randomUUID()}` };
    const body = manualOrder(customerId, { mode: 'prepaid' });
    const first = expectStatus(await a.operator.post('/api/orders', body, headers), 201);
    const placed = (await orders()).length;
    const head = await a.store.headPosition();
    const again = await b.operator.post('/api/orders', body, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await b.store.headPosition()).toBe(head);
    expect(await orders()).toHaveLength(placed);
    const reused = expectStatus(await b.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' }, 'RIN-FIRMA'), headers), 422).json();
    expect(reused).toMatchObject({ code: 'idempotency_key_reused', message: expect.stringMatching(/Idempotency-Key/) });
  }, 60_000);

  it('while the first server still runs the request, the other says so; once its lease is over, the other takes the key and runs it', async () => {
    const key = `desk-${randomUUID()}`;
    const body = manualOrder(customerId, { mode: 'prepaid' });
    // Server A has claimed the key and not answered yet (it is still running, or it stopped).
    const at = b.clock.now().toISOString();
    const ctx = { actor: { userId: operatorId, role: 'operator' as const }, at, correlationId: randomUUID(), causationId: null, idempotencyKey: key };
    await appendEvents(a.app.sales, idempotencyStreamOf(operatorId, key), [
      { type: 'IdempotencyKeyClaimed', data: { userId: operatorId, fingerprint: requestFingerprint(operatorId, key, 'POST', '/api/orders', body), claimedAt: at, holder: { server: 'server-a', run: 'run-1' } } },
    ], 'no_stream', ctx);
    const busy = expectStatus(await b.operator.post('/api/orders', body, { 'idempotency-key': key }), 409).json();
    expect(busy).toMatchObject({ code: 'idempotency_key_in_flight' });
    const placed = (await orders()).length;
    b.clock.advance(2 * 60_000);
    const taken = expectStatus(await b.operator.post('/api/orders', body, { 'idempotency-key': key }), 201);
    expect(taken.headers.get('idempotent-replayed')).toBeNull();
    expect(await orders()).toHaveLength(placed + 1);
    // Answered now: server A's clock, behind, replays it too.
    const replayed = expectStatus(await a.operator.post('/api/orders', body, { 'idempotency-key': key }), 201);
    expect(replayed.json()).toEqual(taken.json());
  }, 60_000);

  it('a day later the key is free again: another request with it runs', async () => {
    const headers = { 'idempotency-key': `desk-${randomUUID()}` };
    const first = expectStatus(await b.supervisor.post('/api/customers', { kind: 'person', name: 'Laura', surname: 'Bianchi', codiceFiscale: 'BNCLRA85T45F205L', email: 'laura@example.it', billingAddress: { street: 'Via del Corso 10', postalCode: '00186', city: 'Roma', province: 'RM' } }, headers), 201);
    expect(first.json().id).toEqual(expect.any(String));
    a.clock.advance(DAY);
    const other = await a.supervisor.post('/api/customers', { kind: 'person', name: 'Laura', surname: 'Bianchi', codiceFiscale: 'BNCLRA85T45F205L', email: 'laura.b@example.it', billingAddress: { street: 'Via del Corso 10', postalCode: '00186', city: 'Roma', province: 'RM' } }, headers);
    expect(other.status).not.toBe(422); // not idempotency_key_reused: the old claim is over
    expect(other.headers.get('idempotent-replayed')).toBeNull();
  }, 60_000);
});
