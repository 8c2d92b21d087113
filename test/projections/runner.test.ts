import type Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import type { EventStore, RecordedEvent } from '../../events/port';
import type { Projection } from '../../projections/projection';
import { openReadModelDb } from '../../projections/readModelDb';
import { ProjectionRunner, RunnerBusyError, type RunnerCatalogue, type RunnerLogger } from '../../projections/runner';
import { tempDir } from '../support/tmp';
import {
  appendMix,
  appendRaw,
  buildFromScratch,
  customersProjection,
  dump,
  memoryLogger,
  notesProjection,
  schemaObjects,
  testCatalogue,
  totalsProjection,
} from './fixtures';

let dir: { path: string; remove(): void };
let store: EventStore;
let cleanups: Array<() => Promise<void>>;

beforeEach(() => {
  dir = tempDir('projections-');
  store = createSqliteStore({ file: join(dir.path, 'events.db') });
  cleanups = [];
});

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await store.close();
  dir.remove();
});

interface OpenOptions {
  batchSize?: number;
  logger?: RunnerLogger;
  catalogue?: RunnerCatalogue;
}

function open(projections: Projection<any>[], options: OpenOptions = {}): { db: Database.Database; runner: ProjectionRunner } {
  const db = openReadModelDb(join(dir.path, 'read.db'));
  const runner = new ProjectionRunner({
    store,
    catalogue: options.catalogue ?? testCatalogue,
    db,
    projections,
    batchSize: options.batchSize ?? 50,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const close = async () => {
    await runner.stop();
    if (db.open) db.close();
  };
  cleanups.push(close);
  return { db, runner };
}

async function stopAndClose(opened: { db: Database.Database; runner: ProjectionRunner }): Promise<void> {
  await opened.runner.stop();
  opened.db.close();
}

const scratch = (projections: Projection<any>[], tables?: string[]) =>
  buildFromScratch(store, projections, join(dir.path, `scratch-${Math.random().toString(36).slice(2)}.db`), tables);

async function firstEvent(predicate: (event: RecordedEvent) => boolean): Promise<RecordedEvent> {
  for await (const event of store.readAll()) if (predicate(event)) return event;
  throw new Error('no such event');
}

const byName = (runner: ProjectionRunner, name: string) => runner.snapshot().find((s) => s.name === name)!;

describe('projection runner', () => {
  it('builds the read models behind views, and resumes after a restart without applying anything twice', async () => {
    const head1 = await appendMix(store, 0, 500);
    let opened = open([customersProjection(), totalsProjection()], { batchSize: 37 });
    await opened.runner.start();
    await opened.runner.whenCaughtUp();
    expect(opened.runner.snapshot()).toEqual([
      { name: 'customers', version: 1, servingVersion: 1, state: 'live', position: head1, error: null },
      { name: 'totals', version: 1, servingVersion: 1, state: 'live', position: head1, error: null },
    ]);
    expect(schemaObjects(opened.db)).toMatchObject({
      customers: 'view',
      customers__v1: 'table',
      totals: 'view',
      totals__v1: 'table',
      _projections: 'table',
    });
    expect(dump(opened.db).totals).toEqual([
      { key: 'CustomerRegistered', value: 50 },
      { key: 'Noted', value: 50 },
      { key: 'OrderPlaced', value: 350 },
      { key: 'amount', value: expect.any(Number) },
    ]);
    await stopAndClose(opened);

    const head2 = await appendMix(store, 500, 800);
    opened = open([customersProjection(), totalsProjection()], { batchSize: 37 });
    await opened.runner.start();
    await opened.runner.whenCaughtUp();
    expect(opened.runner.snapshot().map((s) => s.position)).toEqual([head2, head2]);
    expect(dump(opened.db)).toEqual(await scratch([customersProjection(), totalsProjection()]));
  });

  it('stopped mid-stream, it resumes from its checkpoint to the same read model as a build from scratch', async () => {
    const head = await appendMix(store, 0, 3000);
    let opened = open([customersProjection(), totalsProjection()], { batchSize: 10 });
    await opened.runner.start();
    expect(await opened.runner.waitFor(1000, undefined, 5000)).toBe(true);
    await stopAndClose(opened);
    const stoppedAt = opened.runner.snapshot().map((s) => s.position);
    for (const position of stoppedAt) {
      expect(position).toBeGreaterThanOrEqual(1000);
      expect(position).toBeLessThan(head);
    }

    opened = open([customersProjection(), totalsProjection()], { batchSize: 10 });
    await opened.runner.start();
    await opened.runner.whenCaughtUp();
    expect(dump(opened.db)).toEqual(await scratch([customersProjection(), totalsProjection()]));
  });

  it('a projection that throws stops at that event with the error in its status and the log; the others go on; fixed and restarted, it resumes', async () => {
    const head = await appendMix(store, 0, 400);
    const bad = await firstEvent((e) => e.type === 'OrderPlaced' && (e.data as { customerId: string }).customerId === 'c-13');
    const logger = memoryLogger();
    let opened = open(
      [customersProjection({ failOn: (e) => e.position === bad.position }), totalsProjection(), notesProjection()],
      { batchSize: 50, logger },
    );
    await opened.runner.start();
    await opened.runner.whenCaughtUp();

    const failed = byName(opened.runner, 'customers');
    expect(failed).toMatchObject({ state: 'failed', position: bad.position - 1 });
    expect(failed.error).toMatchObject({
      message: `cannot handle OrderPlaced at ${bad.position}`,
      eventPosition: bad.position,
      eventId: bad.id,
      eventType: 'OrderPlaced',
      stream: bad.stream,
    });
    expect(byName(opened.runner, 'totals')).toMatchObject({ state: 'live', position: head });
    expect(byName(opened.runner, 'notes')).toMatchObject({ state: 'live', position: head });
    const logged = logger.lines.find((line) => line.level === 'error');
    expect(logged?.msg).toContain(`projection customers v1 failed at event ${bad.position}`);
    expect(logged?.obj).toMatchObject({ projection: 'customers', eventId: bad.id });
    const stored = opened.db.prepare("SELECT position, error FROM _projections WHERE name = 'customers'").get() as {
      position: number;
      error: string;
    };
    expect(stored.position).toBe(bad.position - 1);
    expect(JSON.parse(stored.error)).toMatchObject({ eventPosition: bad.position });
    // The events of its batch before the failing one are applied, the failing one is not.
    const rows = opened.db.prepare('SELECT id, orders FROM customers ORDER BY id').all() as Array<{ id: string; orders: number }>;
    expect(rows).toHaveLength(14);
    expect(rows.find((r) => r.id === 'c-13')).toEqual({ id: 'c-13', orders: 0 });

    const status = (await opened.runner.status()).find((s) => s.name === 'customers')!;
    expect(status).toMatchObject({ state: 'failed', head, lagEvents: head - (bad.position - 1), lagEventsExact: true });

    // While it is stopped, the others follow new events.
    const head2 = await appendMix(store, 400, 450);
    expect(await opened.runner.waitFor(head2, ['totals', 'notes'])).toBe(true);
    expect(await opened.runner.waitFor(head2, ['customers'], 5000)).toBe(false);
    expect(byName(opened.runner, 'customers').position).toBe(bad.position - 1);
    await stopAndClose(opened);

    opened = open([customersProjection(), totalsProjection(), notesProjection()], { batchSize: 50 });
    await opened.runner.start();
    await opened.runner.whenCaughtUp();
    expect(opened.runner.snapshot().map((s) => [s.name, s.state, s.position, s.error])).toEqual([
      ['customers', 'live', head2, null],
      ['totals', 'live', head2, null],
      ['notes', 'live', head2, null],
    ]);
    expect(dump(opened.db)).toEqual(await scratch([customersProjection(), totalsProjection()]));
  });

  it('events of unknown or unhandled types only advance the checkpoint; a handled event that fails to decode fails the projection', async () => {
    await appendMix(store, 0, 20);
    await appendRaw(store, 'Mystery', { whatever: true });
    const head = await appendRaw(store, 'Noted', { text: 'after the mystery' });
    const decoded: string[] = [];
    const spying: RunnerCatalogue = {
      has: (type) => testCatalogue.has(type),
      decode: (event) => {
        decoded.push(event.type);
        return testCatalogue.decode(event);
      },
    };
    let opened = open([customersProjection()], { catalogue: spying });
    await opened.runner.start();
    await opened.runner.whenCaughtUp();
    expect(byName(opened.runner, 'customers')).toMatchObject({ state: 'live', position: head });
    expect(new Set(decoded)).toEqual(new Set(['CustomerRegistered', 'CustomerRenamed', 'OrderPlaced']));
    await stopAndClose(opened);

    const broken = await appendRaw(store, 'CustomerRegistered', { customerId: 'c-broken' });
    const after = await appendRaw(store, 'Noted', { text: 'still going' });
    opened = open([customersProjection(), notesProjection()]);
    await opened.runner.start();
    await opened.runner.whenCaughtUp();
    expect(byName(opened.runner, 'customers')).toMatchObject({ state: 'failed', position: broken - 1 });
    expect(byName(opened.runner, 'customers').error?.message).toMatch(/CustomerRegistered .*name/s);
    expect(byName(opened.runner, 'notes')).toMatchObject({ state: 'live', position: after });
    expect(opened.db.prepare('SELECT text FROM notes ORDER BY position').pluck().all()).toEqual([
      'note 9',
      'note 19',
      'after the mystery',
      'still going',
    ]);
  });

  it('a new version rebuilds into fresh tables while the old one serves, then swaps the views and drops the old tables', async () => {
    const head1 = await appendMix(store, 0, 300);
    let opened = open([customersProjection(), totalsProjection()]);
    await opened.runner.start();
    await opened.runner.whenCaughtUp();
    const v1 = dump(opened.db, ['customers']);
    await stopAndClose(opened);
    const head2 = await appendMix(store, 300, 2000);

    // First attempt at version 2 fails midway: version 1 keeps serving, untouched.
    const seen: Array<{ rows: number; view: string }> = [];
    const probe = (db: Database.Database, position: number) => {
      if (position !== 102) return;
      const view = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'customers'").pluck().get() as string;
      seen.push({ rows: db.prepare('SELECT count(*) FROM customers').pluck().get() as number, view });
    };
    opened = open([customersProjection({ version: 2, probe, failOn: (e) => e.position === 1502 }), totalsProjection()]);
    await opened.runner.start();
    await opened.runner.whenCaughtUp();
    expect(seen).toEqual([{ rows: 30, view: expect.stringContaining('customers__v1') }]);
    expect(byName(opened.runner, 'customers')).toMatchObject({ version: 2, servingVersion: 1, state: 'failed', position: 1501 });
    expect(byName(opened.runner, 'totals')).toMatchObject({ state: 'live', position: head2 });
    expect(schemaObjects(opened.db)).toMatchObject({ customers: 'view', customers__v1: 'table', customers__v2: 'table' });
    expect(dump(opened.db, ['customers'])).toEqual(v1);
    expect(head1).toBe(300);
    await stopAndClose(opened);

    // Fixed: the rebuild resumes; the other projection stays live meanwhile; then the swap.
    opened = open([customersProjection({ version: 2 }), totalsProjection()], { batchSize: 5 });
    await opened.runner.start();
    const head3 = await appendMix(store, 2000, 2001);
    expect(await opened.runner.waitFor(head3, ['totals'])).toBe(true);
    expect(byName(opened.runner, 'customers')).toMatchObject({ state: 'rebuilding', servingVersion: 1 });
    expect(byName(opened.runner, 'customers').position).toBeLessThan(head3);
    expect(dump(opened.db, ['customers'])).toEqual(v1);

    await opened.runner.whenCaughtUp();
    expect(byName(opened.runner, 'customers')).toMatchObject({ version: 2, servingVersion: 2, state: 'live', position: head3 });
    const objects = schemaObjects(opened.db);
    expect(objects).toMatchObject({ customers: 'view', customers__v2: 'table' });
    expect(objects).not.toHaveProperty('customers__v1');
    expect(opened.db.prepare("SELECT version, serving FROM _projections WHERE name = 'customers'").all()).toEqual([
      { version: 2, serving: 1 },
    ]);
    const rebuilt = dump(opened.db, ['customers']);
    expect(rebuilt.customers![0]).toHaveProperty('upper_name');
    expect(rebuilt).toEqual(await scratch([customersProjection({ version: 2 })], ['customers']));

    // The rebuilt projection joined the live lane: new events reach both.
    const head4 = await appendMix(store, 2001, 2011);
    expect(await opened.runner.waitFor(head4)).toBe(true);
    expect(dump(opened.db)).toEqual(await scratch([customersProjection({ version: 2 }), totalsProjection()]));
  });

  it('refuses tables changed without a version change', async () => {
    await appendMix(store, 0, 10);
    let opened = open([customersProjection()]);
    await opened.runner.start();
    await opened.runner.whenCaughtUp();
    await stopAndClose(opened);
    opened = open([{ ...customersProjection(), tables: ['customers', 'customer_notes'] }]);
    await opened.runner.start();
    expect(byName(opened.runner, 'customers')).toMatchObject({ state: 'failed', servingVersion: 1 });
    expect(byName(opened.runner, 'customers').error?.message).toMatch(/without a version change/);
  });

  it('waitFor resolves when the projections reach a position, or false after the timeout', async () => {
    const opened = open([customersProjection(), totalsProjection()]);
    await opened.runner.start();
    await opened.runner.whenCaughtUp();
    expect(opened.runner.snapshot().map((s) => s.state)).toEqual(['live', 'live']);

    const waiting = opened.runner.waitFor(1, ['customers']);
    const position = await appendMix(store, 0, 1);
    expect(position).toBe(1);
    expect(await waiting).toBe(true);
    expect(await opened.runner.waitFor(position)).toBe(true);

    const started = performance.now();
    expect(await opened.runner.waitFor(position + 10, ['totals'], 60)).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    expect(() => opened.runner.waitFor(1, ['nope'])).toThrow(/no projection named nope/);

    await opened.runner.stop();
    expect(await opened.runner.waitFor(position + 10)).toBe(false);
  });

  it('status reports the head, the lag in events and in seconds, and each state', async () => {
    const opened = open([customersProjection({ failOn: (e) => e.position === 101 }), totalsProjection()]);
    await opened.runner.start();
    await opened.runner.whenCaughtUp();
    expect(await opened.runner.status()).toEqual([
      expect.objectContaining({ name: 'customers', state: 'live', position: 0, head: 0, lagEvents: 0, lagSeconds: null }),
      expect.objectContaining({ name: 'totals', state: 'live', position: 0, head: 0, lagEvents: 0, lagSeconds: null }),
    ]);

    const clock = vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-03-01T10:00:00.000Z'));
    try {
      await appendMix(store, 0, 100);
      clock.mockReturnValue(Date.parse('2026-03-01T10:01:30.000Z'));
      await appendMix(store, 100, 200);
    } finally {
      clock.mockRestore();
    }
    expect(await opened.runner.waitFor(200, ['totals'])).toBe(true);
    const [customers, totals] = await opened.runner.status();
    expect(customers).toMatchObject({ state: 'failed', position: 100, head: 200, lagEvents: 100, lagSeconds: 90 });
    expect(customers!.error?.eventPosition).toBe(101);
    expect(totals).toMatchObject({ state: 'live', position: 200, head: 200, lagEvents: 0, lagSeconds: 0, error: null });
  });

  it('takes a lease on the read-model database: a second live runner is refused, a dead one is taken over', async () => {
    const opened = open([totalsProjection()]);
    opened.db.exec(`CREATE TABLE IF NOT EXISTS _projection_runner (
      id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL,
      started_at INTEGER NOT NULL, heartbeat_at INTEGER NOT NULL)`);
    const lease = opened.db.prepare(
      'INSERT OR REPLACE INTO _projection_runner (id, owner, pid, host, started_at, heartbeat_at) VALUES (1, ?, ?, ?, ?, ?)',
    );
    lease.run('someone-else', process.ppid, hostname(), Date.now(), Date.now());
    await expect(opened.runner.start()).rejects.toThrow(RunnerBusyError);

    lease.run('someone-dead', 2 ** 22 + 12345, hostname(), Date.now(), Date.now());
    const second = open([totalsProjection()]);
    await second.runner.start();
    expect(opened.db.prepare('SELECT pid FROM _projection_runner').pluck().get()).toBe(process.pid);
    await second.runner.stop();
    expect(opened.db.prepare('SELECT count(*) FROM _projection_runner').pluck().get()).toBe(0);
  });
});
