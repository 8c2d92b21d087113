import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import type { EventStore } from '../../events/port';
import { addUser, login } from '../server/security/support';
import { startTestApp } from '../support/app';
import { tempDir } from '../support/tmp';
import { appendMix, customersProjection, notesProjection, testCatalogue, totalsProjection } from './fixtures';

let dir: { path: string; remove(): void };
let store: EventStore;

beforeEach(() => {
  dir = tempDir('projections-route-');
  store = createSqliteStore({ file: join(dir.path, 'events.db') });
});

afterEach(async () => {
  await store.close();
  dir.remove();
});

it('GET /api/projections serves each projection state, position and lag; the runner stops before the store closes', async () => {
  // The staff user's events are unknown to the test catalogue: they only move the checkpoints.
  await addUser(store, 'desk', ['operator']);
  const before = await store.headPosition();
  const head = await appendMix(store, 0, 120);
  const failAt = before + 52;
  const { app } = await startTestApp({
    store,
    dataDir: dir.path,
    readSide: {
      projections: [customersProjection({ failOn: (e) => e.position === failAt }), totalsProjection(), notesProjection()],
      catalogue: testCatalogue,
    },
  });
  expect(existsSync(join(dir.path, 'read.db'))).toBe(true);
  await app.projections.whenCaughtUp();

  expect((await app.inject({ method: 'GET', url: '/api/projections' })).statusCode).toBe(401);
  const cookie = await login(app, 'desk');
  // The login is an event too (the session's start), after the last event these projections handle.
  const headNow = await store.headPosition();
  const response = await app.inject({ method: 'GET', url: '/api/projections', headers: { cookie } });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-range']).toBe('projections 0-2/3');
  const body = response.json();
  expect(body).toEqual([
    {
      id: 'customers',
      name: 'customers',
      version: 1,
      servingVersion: 1,
      state: 'failed',
      position: failAt - 1,
      head: headNow,
      lagEvents: headNow - (failAt - 1),
      lagEventsExact: true,
      lagSeconds: expect.any(Number),
      error: {
        message: `cannot handle OrderPlaced at ${failAt}`,
        eventPosition: failAt,
        eventId: expect.any(String),
        eventType: 'OrderPlaced',
        stream: 'order-51',
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    },
    expect.objectContaining({ id: 'totals', state: 'live', position: head, lagEvents: headNow - head, error: null }),
    expect.objectContaining({ id: 'notes', state: 'live', position: head, lagEvents: headNow - head, error: null }),
  ]);

  // The plugin's onClose runs before the event store's: the runner is stopped when the store closes.
  const runner = app.projections;
  const close = store.close.bind(store);
  let statesAtStoreClose: string[] = [];
  store.close = async () => {
    statesAtStoreClose = runner.snapshot().map((s) => s.state);
    return close();
  };
  await app.close();
  expect(statesAtStoreClose).toEqual(['failed', 'stopped', 'stopped']);
  expect(runner.db.open).toBe(false);
});

it('GET /api/projections/caught-up waits for the read models named: a failed one elsewhere does not hold them back', async () => {
  await addUser(store, 'desk', ['operator']);
  const before = await store.headPosition();
  const head = await appendMix(store, 0, 120);
  const { app } = await startTestApp({
    store,
    dataDir: dir.path,
    readSide: {
      projections: [customersProjection({ failOn: (e) => e.position === before + 52 }), totalsProjection(), notesProjection()],
      catalogue: testCatalogue,
    },
  });
  await app.projections.whenCaughtUp();
  const cookie = await login(app, 'desk');
  const caughtUp = async (query: string) => app.inject({ method: 'GET', url: `/api/projections/caught-up?position=${head}${query}`, headers: { cookie } });

  // Every read model: the failed one will never get there, so false at once.
  expect((await caughtUp('')).json()).toEqual({ position: head, caughtUp: false });
  // Those a command waited for, as its X-Read-Models-Behind-Projections said.
  expect((await caughtUp('&projections=totals,notes')).json()).toEqual({ position: head, caughtUp: true });
  expect((await caughtUp('&projections=customers')).json()).toEqual({ position: head, caughtUp: false });
  // A name this server does not run is refused, naming the field and those it runs.
  const unknown = await caughtUp('&projections=totals,orders');
  expect(unknown.statusCode).toBe(400);
  expect(unknown.json().errors).toEqual({ projections: 'projections: must name read models this server runs, separated by commas: customers, totals, notes' });
  await app.close();
});
