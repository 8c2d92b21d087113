// The back office's real projections survive a kill mid-stream (SIGKILL while they build, then a
// restart that resumes from the checkpoints) with the very read models a build from scratch gives:
// nothing applied twice, nothing skipped. And a version change rebuilds a read model into fresh
// tables, swaps it in and drops the old ones.
import type Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { createSqliteStore } from '../../../events/adapters/sqlite';
import { catalogue } from '../../../events/index';
import type { EventStore } from '../../../events/port';
import { projections } from '../../../projections/index';
import type { Projection } from '../../../projections/projection';
import { ordersProjection } from '../../../projections/readModels/orders';
import { openReadModelDb } from '../../../projections/readModelDb';
import { ProjectionRunner } from '../../../projections/runner';
import { tempDir } from '../../support/tmp';
import { seedAll } from './fixtures';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const logicalTables = projections.flatMap((p) => [...p.tables]);

/** Every row of every read model, in a stable order (all columns). */
function dump(db: Database.Database): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const table of logicalTables) {
    const columns = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).map((c) => `"${c}"`);
    out[table] = db.prepare(`SELECT * FROM ${table} ORDER BY ${columns.join(', ')}`).all();
  }
  return out;
}

async function build(store: EventStore, file: string, list: Projection<any>[] = projections) {
  const db = openReadModelDb(file);
  const runner = new ProjectionRunner({ store, catalogue, db, projections: list, batchSize: 500 });
  await runner.start();
  await runner.whenCaughtUp();
  return { db, runner };
}

it('killed with SIGKILL mid-stream, the read models resume to exactly what a build from scratch gives; a version change rebuilds one', async () => {
  const dir = tempDir('read-crash-');
  const store = createSqliteStore({ file: join(dir.path, 'events.db') });
  try {
    const { head } = await seedAll(store, 20);
    const threshold = Math.floor(head / 3);

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/server/read/crashChild.ts', dir.path], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = once(child, 'exit');
    let lastSeen = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const positions = chunk.toString().trim().split('\n').map(Number).filter(Number.isFinite);
        lastSeen = Math.max(lastSeen, ...positions);
        if (lastSeen >= threshold) resolve();
      });
      void exited.then(() => reject(new Error(`the child exited early: ${stderr}`)));
    });
    child.kill('SIGKILL');
    await exited;

    // Killed mid-stream: every projection has a checkpoint, none at the head.
    const check = openReadModelDb(join(dir.path, 'read.db'));
    const checkpoints = check.prepare('SELECT name, position FROM _projections ORDER BY name').all() as { name: string; position: number }[];
    check.close();
    expect(checkpoints).toHaveLength(projections.length);
    for (const { name, position } of checkpoints) {
      expect(position, name).toBeGreaterThanOrEqual(threshold);
      expect(position, name).toBeLessThan(head);
    }

    // Restarted: resumes from the checkpoints (the lease of the dead child is taken over).
    const resumed = await build(store, join(dir.path, 'read.db'));
    expect(resumed.runner.snapshot().every((s) => s.state === 'live' && s.position === head && s.error === null)).toBe(true);
    const afterRestart = dump(resumed.db);
    const scratch = await build(store, join(dir.path, 'scratch.db'));
    const fromScratch = dump(scratch.db);
    await scratch.runner.stop();
    scratch.db.close();
    expect(afterRestart.orders).toHaveLength(100);
    expect(afterRestart.audit_events).toHaveLength(head);
    expect(afterRestart).toEqual(fromScratch);

    // A new version of the orders projection (a copy of it, version + 1): rebuilt from the first
    // event into fresh tables, swapped in, the old tables dropped; the other read models untouched.
    await resumed.runner.stop();
    resumed.db.close();
    const bumped = { ...ordersProjection, version: ordersProjection.version + 1 };
    const rebuilt = await build(store, join(dir.path, 'read.db'), projections.map((p) => (p.name === 'orders' ? bumped : p)));
    const orders = rebuilt.runner.snapshot().find((s) => s.name === 'orders')!;
    expect(orders).toMatchObject({ version: bumped.version, servingVersion: bumped.version, state: 'live', position: head, error: null });
    const tables = rebuilt.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'order%'`).pluck().all() as string[];
    expect(tables.sort()).toEqual([`order_customers__v${bumped.version}`, `orders__v${bumped.version}`, `orders_terms__v${bumped.version}`]);
    expect(rebuilt.db.prepare(`SELECT version FROM _projections WHERE name = 'orders'`).pluck().all()).toEqual([bumped.version]);
    expect(dump(rebuilt.db)).toEqual(fromScratch);
    await rebuilt.runner.stop();
    rebuilt.db.close();
  } finally {
    await store.close();
    dir.remove();
  }
}, 120_000);
