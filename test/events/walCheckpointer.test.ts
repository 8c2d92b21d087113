// WAL checkpoints run on a thread of their own (events/adapters/walCheckpointer.ts): while the
// event store and the read models stay open and busy, what they committed reaches their database
// files (a copy of the file alone, without its -wal, holds it), and a process that used them still
// exits by itself when its work is done.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import { CHECKPOINT_INTERVAL_MS } from '../../events/adapters/walCheckpointer';
import { openReadModelDb } from '../../projections/readModelDb';
import { ProjectionRunner } from '../../projections/runner';
import { appendMix, customersProjection, testCatalogue } from '../projections/fixtures';
import { tempDir } from '../support/tmp';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Rows of `sql` in a copy of `file` taken without its WAL: what the database file itself holds. */
function countInFileAlone(file: string, sql: string, dir: string): number {
  const copy = join(dir, `copy-${randomUUID()}.db`);
  copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Waits until `count` gives `expected` (a copy taken too early may not even hold the table yet). */
async function eventually(count: () => number, expected: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: unknown;
    try {
      last = count();
      if (last === expected) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`expected ${expected}, still ${String(last)}`);
    await new Promise((r) => setTimeout(r, CHECKPOINT_INTERVAL_MS / 2));
  }
}

describe('WAL checkpoints off the writers', () => {
  const dirs: Array<{ path: string; remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it('the event log and the read models reach their database files while they stay open', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const eventsFile = join(dir.path, 'events.db');
    const store = createSqliteStore({ file: eventsFile });
    const db = openReadModelDb(join(dir.path, 'read.db'));
    const runner = new ProjectionRunner({ store, catalogue: testCatalogue, db, projections: [customersProjection()] });
    try {
      await runner.start();
      const head = await appendMix(store, 0, 200);
      expect(await runner.waitFor(head, undefined, 5_000)).toBe(true);
      const customers = db.prepare('SELECT count(*) FROM customers').pluck().get() as number;
      expect(customers).toBeGreaterThan(0);
      // Far below SQLite's own auto-checkpoint (1,000 pages): without the checkpointer the rows
      // would stay in the -wal files until the connections close.
      await eventually(() => countInFileAlone(eventsFile, 'SELECT count(*) FROM events', dir.path), 200);
      await eventually(() => countInFileAlone(join(dir.path, 'read.db'), 'SELECT count(*) FROM customers', dir.path), customers);
    } finally {
      await runner.stop();
      db.close();
      await store.close();
    }
  });

  it('a process that used the store exits by itself once its work is done', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const script = `
      import { createSqliteStore } from './events/adapters/sqlite.ts';
      const store = createSqliteStore({ file: ${JSON.stringify(join(dir.path, 'events.db'))} });
      await store.append('order-1', [{ id: crypto.randomUUID(), type: 'Placed', data: {}, metadata: {} }], { expectedRevision: 'no_stream' });
      await new Promise((r) => setTimeout(r, ${CHECKPOINT_INTERVAL_MS * 3}));
      await store.close();
      console.log('closed');
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const [code, signal] = await once(child, 'exit');
    clearTimeout(timer);
    expect(out).toContain('closed');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // The checkpointer ran there too (it does not take the flags of the process, here --input-type).
    expect(stderr).not.toContain('WAL checkpointer');
  });
});
