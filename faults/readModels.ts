// Read models against a fresh rebuild: the projections' own code rebuilds every read model from the
// log into a separate file, and each view of the server's read.db must hold the same rows.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogue } from '../events/index';
import { createSqliteStore } from '../events/adapters/sqlite';
import type { EventStore } from '../events/port';
import { projections } from '../projections/index';
import { openReadModelDb } from '../projections/readModelDb';
import { ProjectionRunner } from '../projections/runner';
import type { LogSource } from './log';
import type { Check } from './invariants';

async function openStore(source: LogSource): Promise<EventStore> {
  if (source.kind === 'sqlite') return createSqliteStore({ file: join(source.dataDir, 'events.db'), checkpointer: false });
  const { createEventStoreDbStore } = await import('../events/adapters/eventstoredb');
  return createEventStoreDbStore(source.url);
}

function viewsOf(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
}

function rowsOf(db: Database.Database, view: string): string[] {
  return (db.prepare(`SELECT * FROM "${view}"`).raw().all() as unknown[][]).map((row) => JSON.stringify(row)).sort();
}

/** Rebuilds every read model from the log (the server stopped) and compares it with `DATA_DIR/read.db`. */
export async function compareReadModels(source: LogSource, dataDir: string): Promise<{ check: Check; compared: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'faults-rebuild-'));
  const problems: string[] = [];
  let views = 0;
  let rows = 0;
  const store = await openStore(source);
  const fresh = openReadModelDb(join(dir, 'read.db'));
  const runner = new ProjectionRunner({ store, catalogue, db: fresh, projections, logger: { info() {}, warn() {}, error() {} } });
  try {
    await runner.start({ rebuild: projections.map((p) => p.name) });
    await runner.whenCaughtUp();
    for (const failed of runner.snapshot().filter((s) => s.error)) problems.push(`rebuild of ${failed.name} failed: ${failed.error!.message}`);
    await runner.stop();
    const live = new Database(join(dataDir, 'read.db'), { readonly: true, fileMustExist: true });
    try {
      const liveViews = viewsOf(live);
      const freshViews = viewsOf(fresh);
      for (const view of freshViews) {
        if (!liveViews.includes(view)) {
          problems.push(`view ${view} missing from the server's read models`);
          continue;
        }
        const a = rowsOf(live, view);
        const b = rowsOf(fresh, view);
        views++;
        rows += b.length;
        if (a.length !== b.length) {
          const liveRows = new Set(a);
          const extra = b.find((row) => !liveRows.has(row));
          problems.push(`${view}: ${a.length} rows, the rebuild has ${b.length}${extra ? `, e.g. ${extra.slice(0, 400)}` : ''}`);
        } else {
          const differing = a.flatMap((row, i) => (row !== b[i] ? [i] : []));
          const i = differing[0];
          if (i !== undefined) problems.push(`${view}: ${differing.length} of ${a.length} rows differ from the rebuild, e.g. ${a[i]!.slice(0, 400)} where the rebuild has ${b[i]!.slice(0, 400)}`);
        }
      }
    } finally {
      live.close();
    }
  } catch (error) {
    problems.push(`comparison failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await runner.stop().catch(() => {});
    fresh.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    check: { name: 'every read model equals a fresh rebuild', held: problems.length === 0, detail: problems.slice(0, 5) },
    compared: `read models: ${views} views, ${rows} rows compared with a fresh rebuild`,
  };
}
