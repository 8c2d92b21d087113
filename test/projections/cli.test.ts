import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import { runCli, type CliDeps } from '../../projections/cli';
import { openReadModelDb } from '../../projections/readModelDb';
import { ProjectionRunner } from '../../projections/runner';
import { tempDir } from '../support/tmp';
import { appendMix, buildFromScratch, customersProjection, dump, testCatalogue, totalsProjection } from './fixtures';

let dir: { path: string; remove(): void };
let head: number;

beforeEach(async () => {
  dir = tempDir('projections-cli-');
  const store = createSqliteStore({ file: join(dir.path, 'events.db') });
  head = await appendMix(store, 0, 1500, 100);
  await store.close();
});

afterEach(() => dir.remove());

function io() {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      env: { DATA_DIR: dir.path },
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      progressEveryMs: 1,
    },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

/** Builds the read models once with a buggy `totals` (it counts every event twice). */
async function buildOnceWithABuggyTotals(): Promise<void> {
  const store = createSqliteStore({ file: join(dir.path, 'events.db') });
  const db = openReadModelDb(join(dir.path, 'read.db'));
  const correct = totalsProjection();
  const buggy = { ...correct, apply: (...args: Parameters<typeof correct.apply>) => (correct.apply(...args), correct.apply(...args)) };
  const runner = new ProjectionRunner({ store, catalogue: testCatalogue, db, projections: [customersProjection(), buggy] });
  await runner.start();
  await runner.whenCaughtUp();
  await runner.stop();
  db.close();
  await store.close();
}

async function scratch(): Promise<Record<string, unknown[]>> {
  const store = createSqliteStore({ file: join(dir.path, 'events.db') });
  try {
    return await buildFromScratch(store, [customersProjection(), totalsProjection()], join(dir.path, 'scratch.db'));
  } finally {
    await store.close();
  }
}

function readModels(): { rows: Record<string, unknown[]>; checkpoints: unknown[] } {
  const db = openReadModelDb(join(dir.path, 'read.db'));
  try {
    return {
      rows: dump(db),
      checkpoints: db.prepare('SELECT name, version, serving, position, created_at FROM _projections ORDER BY name').all(),
    };
  } finally {
    db.close();
  }
}

const deps: CliDeps = { projections: [customersProjection(), totalsProjection()], catalogue: testCatalogue };

describe('projections CLI', () => {
  it('rebuild <name> drops and rebuilds that projection only, with a progress bar and events per second', async () => {
    await buildOnceWithABuggyTotals();
    const before = readModels();
    const expected = await scratch();
    expect(before.rows.totals).not.toEqual(expected.totals);

    const out = io();
    expect(await runCli(['rebuild', 'totals'], deps, out.io)).toBe(0);
    const after = readModels();
    expect(after.rows).toEqual(expected);
    // customers was left alone: same row, created at the first build.
    expect(after.checkpoints[0]).toEqual(before.checkpoints[0]);
    expect(out.stderr()).toContain(`rebuilding totals from ${head.toLocaleString('en-US')} events`);
    expect(out.stderr()).toMatch(/\r\[#{30}\] 100\.0% {2}position 1,500\/1,500 {2}1,500 events {2}[\d,]+ events\/s/);
    expect(out.stderr()).toMatch(/rebuilt 1 of 1 projection\(s\) over 1,500 events in [\d.]+ s \([\d,]+ events\/s\)\n$/);
  });

  it('rebuild without a name rebuilds them all', async () => {
    await buildOnceWithABuggyTotals();
    const out = io();
    expect(await runCli(['rebuild'], deps, out.io)).toBe(0);
    expect(readModels().rows).toEqual(await scratch());
    expect(out.stderr()).toContain('rebuilt 2 of 2 projection(s)');

    const status = io();
    expect(await runCli(['status'], deps, status.io)).toBe(0);
    expect(status.stdout()).toMatch(/^customers v1 \(serving\) {2}position 1,500 {2}updated .*\ntotals v1 \(serving\) {2}position 1,500/);
  });

  it('reports a projection that fails during the rebuild, and exits with 1', async () => {
    const failing = { ...customersProjection({ failOn: (e) => e.position === 702 }) };
    const out = io();
    expect(await runCli(['rebuild'], { ...deps, projections: [failing, totalsProjection()] }, out.io)).toBe(1);
    expect(out.stderr()).toMatch(/FAILED customers v1 at event 702 \(OrderPlaced in order-701\): cannot handle OrderPlaced at 702/);
    expect(out.stderr()).toContain('rebuilt 1 of 2 projection(s)');
  });

  it('refuses unknown names, unknown commands, and a read-model database in use by a running server', async () => {
    const unknown = io();
    expect(await runCli(['rebuild', 'nope'], deps, unknown.io)).toBe(2);
    expect(unknown.stderr()).toBe('no projection named nope; known: customers, totals\n');
    const wrong = io();
    expect(await runCli(['rebuilt'], deps, wrong.io)).toBe(2);
    expect(wrong.stderr()).toMatch(/^unknown command rebuilt\nusage:/);

    await buildOnceWithABuggyTotals();
    const db = openReadModelDb(join(dir.path, 'read.db'));
    db.prepare(
      'INSERT OR REPLACE INTO _projection_runner (id, owner, pid, host, started_at, heartbeat_at) VALUES (1, ?, ?, ?, ?, ?)',
    ).run('the-server', process.ppid, hostname(), Date.now(), Date.now());
    db.close();
    const busy = io();
    expect(await runCli(['rebuild'], deps, busy.io)).toBe(1);
    expect(busy.stderr()).toMatch(/in use by another projection runner \(pid \d+ on .*\); stop it first/);
  });
});
