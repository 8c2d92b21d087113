// A lane far behind the log reads it on another thread (projections/readAhead.ts): the read models
// it builds must be the ones a runner reading on its own thread builds, a failure must stop the
// same projection at the same event, and anything wrong with the worker must cost speed, not the
// rebuild. Real event log and read models on disk, a real worker thread.
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import type { EventStore } from '../../events/port';
import type { Projection } from '../../projections/projection';
import { openReadModelDb } from '../../projections/readModelDb';
import type { ReadAheadOptions } from '../../projections/readAhead';
import { ProjectionRunner } from '../../projections/runner';
import { tempDir } from '../support/tmp';
import {
  appendMix,
  appendRaw,
  buildFromScratch,
  customersProjection,
  dump,
  memoryLogger,
  notesProjection,
  testCatalogue,
  totalsProjection,
} from './fixtures';

const fixtures = new URL('./fixtures.ts', import.meta.url);
const readAhead: ReadAheadOptions = { catalogue: { module: fixtures, name: 'testCatalogue' }, minEvents: 1 };
const READING_AHEAD = 'reading the log ahead on another thread';
const TABLES = ['customers', 'totals', 'notes'];

let dir: { path: string; remove(): void };
let store: EventStore;

beforeEach(() => {
  dir = tempDir('read-ahead-');
  store = createSqliteStore({ file: join(dir.path, 'events.db') });
});

afterEach(async () => {
  await store.close();
  dir.remove();
});

const all = (): Projection<any>[] => [customersProjection(), totalsProjection(), notesProjection()];

function runnerOf(file: string, options: { readAhead?: ReadAheadOptions; projections?: Projection<any>[] } = {}) {
  const db = openReadModelDb(join(dir.path, file));
  const logger = memoryLogger();
  const runner = new ProjectionRunner({
    store,
    catalogue: testCatalogue,
    db,
    projections: options.projections ?? all(),
    logger,
    batchSize: 97,
    ...(options.readAhead ? { readAhead: options.readAhead } : {}),
  });
  const close = async () => {
    await runner.stop();
    db.close();
  };
  return { db, runner, logger, close };
}

it('builds the read models a runner reading on its own thread builds, then follows live appends here', async () => {
  await appendMix(store, 0, 2_500);
  const { db, runner, logger, close } = runnerOf('ahead.db', { readAhead });
  try {
    await runner.start();
    await runner.whenCaughtUp();
    expect(logger.lines.map((line) => line.msg)).toContain(READING_AHEAD);
    expect(logger.lines.find((line) => line.msg.startsWith('read ahead to the end of the log'))?.obj).toMatchObject({ events: 2_500 });
    expect(dump(db, TABLES)).toEqual(await buildFromScratch(store, all(), join(dir.path, 'here.db'), TABLES));

    // Caught up, the lane reads on in this thread: appends made now show up as before.
    const head = await appendMix(store, 2_500, 2_730, 7);
    expect(await runner.waitFor(head)).toBe(true);
    expect(runner.snapshot().map((s) => [s.name, s.state, s.position])).toEqual(all().map((p) => [p.name, 'live', head]));
    expect(dump(db, TABLES)).toEqual(await buildFromScratch(store, all(), join(dir.path, 'here-2.db'), TABLES));
  } finally {
    await close();
  }
});

it('stops a projection at the event that does not decode, with the failure it has without a worker; the others go on', async () => {
  await appendMix(store, 0, 400);
  const broken = await appendRaw(store, 'CustomerRegistered', { customerId: 'c-broken', name: '' });
  const head = await appendMix(store, 400, 600);
  const ahead = runnerOf('ahead.db', { readAhead });
  const here = runnerOf('here.db');
  try {
    for (const { runner } of [ahead, here]) {
      await runner.start();
      await runner.whenCaughtUp();
    }
    const failed = (runner: ProjectionRunner) => runner.snapshot().map((s) => ({ name: s.name, state: s.state, position: s.position, error: s.error && { ...s.error, at: undefined } }));
    expect(ahead.logger.lines.map((line) => line.msg)).toContain(READING_AHEAD);
    expect(failed(ahead.runner)).toEqual(failed(here.runner));
    const customers = ahead.runner.snapshot().find((s) => s.name === 'customers')!;
    expect(customers).toMatchObject({ state: 'failed', position: broken - 1, error: { eventPosition: broken, eventType: 'CustomerRegistered' } });
    expect(customers.error!.message).toMatch(/name/);
    expect(ahead.runner.snapshot().find((s) => s.name === 'notes')).toMatchObject({ state: 'live', position: head });
    expect(dump(ahead.db, TABLES)).toEqual(dump(here.db, TABLES));
  } finally {
    await ahead.close();
    await here.close();
  }
});

it('starts no worker for a lag under minEvents', async () => {
  await appendMix(store, 0, 300);
  const { runner, logger, close } = runnerOf('small.db', { readAhead: { ...readAhead, minEvents: 301 } });
  try {
    await runner.start();
    await runner.whenCaughtUp();
    expect(logger.lines.map((line) => line.msg)).not.toContain(READING_AHEAD);
    expect(runner.snapshot().every((s) => s.state === 'live' && s.position === 300)).toBe(true);
  } finally {
    await close();
  }
});

it('says so and reads on in this thread when the worker fails, and the rebuild completes', async () => {
  await appendMix(store, 0, 1_000);
  const wrong: ReadAheadOptions = { ...readAhead, catalogue: { module: fixtures, name: 'noSuchCatalogue' } };
  const { db, runner, logger, close } = runnerOf('fallback.db', { readAhead: wrong });
  try {
    await runner.start();
    await runner.whenCaughtUp();
    const warning = logger.lines.find((line) => line.level === 'warn');
    expect(warning?.msg).toBe('reading ahead on another thread failed; reading on in this thread');
    expect(warning?.obj).toMatchObject({ after: 0, reason: expect.stringContaining('noSuchCatalogue') });
    expect(dump(db, TABLES)).toEqual(await buildFromScratch(store, all(), join(dir.path, 'here.db'), TABLES));
  } finally {
    await close();
  }
});

it('stops while reading ahead, and a restart resumes from the checkpoint to the same read models', async () => {
  await appendMix(store, 0, 6_000, 200);
  const first = runnerOf('resumed.db', { readAhead });
  await first.runner.start();
  await expect.poll(() => first.runner.eventsRead, { timeout: 10_000 }).toBeGreaterThan(0);
  await first.close();
  const stoppedAt = first.runner.snapshot().map((s) => s.position);
  expect(Math.min(...stoppedAt)).toBeLessThan(6_000);

  const second = runnerOf('resumed.db', { readAhead });
  try {
    await second.runner.start();
    await second.runner.whenCaughtUp();
    expect(second.runner.snapshot().every((s) => s.state === 'live' && s.position === 6_000)).toBe(true);
    expect(dump(second.db, TABLES)).toEqual(await buildFromScratch(store, all(), join(dir.path, 'here.db'), TABLES));
  } finally {
    await second.close();
  }
});
