// What the API answers when the store's disk is full or an EventStoreDB is away: the error handler
// (503 disk_full / store_unavailable, never a 500) and /health (503 degraded, with the reason).
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import errorHandler, { DISK_FULL_MESSAGE, STORE_UNAVAILABLE_MESSAGE } from '../../server/plugins/app/errorHandler';
import health from '../../server/features/operations/health';

class UnavailableError extends Error {}

async function appThrowing(error: unknown) {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(errorHandler);
  app.post('/command', async () => {
    throw error;
  });
  await app.ready();
  return app;
}

async function healthOver(headPosition: () => Promise<number>) {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('eventStore', { kind: 'eventstoredb', headPosition } as never);
  await app.register(health);
  await app.ready();
  return app;
}

describe('a full disk, a store away', () => {
  it('SQLITE_FULL and ENOSPC (also as a cause) answer 503 disk_full with a message saying so', async () => {
    const sqliteFull = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    for (const error of [sqliteFull, enospc, new Error('append failed', { cause: sqliteFull })]) {
      const app = await appThrowing(error);
      const res = await app.inject({ method: 'POST', url: '/command' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('30');
      expect(res.json()).toEqual({ statusCode: 503, code: 'disk_full', message: DISK_FULL_MESSAGE });
      expect(DISK_FULL_MESSAGE).toMatch(/^the server's disk is full: /);
      await app.close();
    }
  });

  it("an EventStoreDB client's UnavailableError answers 503 store_unavailable; anything else stays a 500", async () => {
    let app = await appThrowing(new UnavailableError('14 UNAVAILABLE: Channel closed before call started'));
    let res = await app.inject({ method: 'POST', url: '/command' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ statusCode: 503, code: 'store_unavailable', message: STORE_UNAVAILABLE_MESSAGE });
    await app.close();
    app = await appThrowing(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }));
    res = await app.inject({ method: 'POST', url: '/command' });
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('internal_error');
    await app.close();
  });

  it('/health: ok with the head position; 503 degraded with the reason when the store fails or does not answer', async () => {
    let app = await healthOver(async () => 42);
    const none = { projections: {}, reactors: {}, persistentConsumers: false };
    expect((await app.inject({ url: '/health' })).json()).toEqual({
      status: 'ok',
      store: 'eventstoredb',
      headPosition: 42,
      eventStore: { kind: 'eventstoredb', connected: true },
      ...none,
    });
    await app.close();

    app = await healthOver(() => Promise.reject(new UnavailableError('14 UNAVAILABLE: No connection established')));
    let res = await app.inject({ url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'degraded',
      store: 'eventstoredb',
      headPosition: null,
      problem: 'the event store does not answer: 14 UNAVAILABLE: No connection established',
      eventStore: { kind: 'eventstoredb', connected: false },
      ...none,
    });
    await app.close();

    app = await healthOver(() => new Promise<number>(() => {}));
    res = await app.inject({ url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json().problem).toBe('the event store does not answer: no answer in 2000 ms');
    await app.close();
  });
});
