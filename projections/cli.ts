// Projection maintenance on the configured store (EVENT_STORE, DATA_DIR... as for the server):
//
//   tsx projections/cli.ts rebuild [name...]   drop the named projections (default: all) and build
//                                              them again from the first event, with a progress bar
//   tsx projections/cli.ts status              checkpoints, lag and last errors, as stored
//
// A rebuild takes the runner's lease on the read-model database, so it refuses to run while the
// server (or another rebuild) is running: stop the server first. The projections serve from their
// fresh tables during the rebuild (the server is down anyway); a projection that fails during the
// rebuild stops at its event, the command reports it and exits with 1, and the next start of the
// server resumes it from its checkpoint.
//
// The projections come from projections/index.ts (`export const projections`), the catalogue from
// events/index.ts (`export const catalogue`).
import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEventStore } from '../events/open';
import { ConfigError, loadStoreChoice } from '../events/storeConfig';
import type { Projection } from './projection';
import type { ReadAheadOptions } from './readAhead';
import { openReadModelDb, readModelFile } from './readModelDb';
import { ProjectionRunner, RunnerBusyError, type RunnerCatalogue, type RunnerLogger } from './runner';

export interface CliDeps {
  projections: readonly Projection<any>[];
  catalogue: RunnerCatalogue;
  /** Where a rebuild's read-ahead thread finds the same catalogue (projections/readAhead.ts). */
  readAhead?: ReadAheadOptions | undefined;
}

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Milliseconds between progress-bar redraws. */
  progressEveryMs?: number;
}

const USAGE = `usage:
  tsx projections/cli.ts rebuild [name...]   rebuild the named projections (default: all) from the first event
  tsx projections/cli.ts status              show each projection's checkpoint, lag and last error
`;

const BAR_WIDTH = 30;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/** Runs one command; resolves with the exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps, io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'rebuild' && command !== 'status') {
    io.stderr.write(command === undefined || command === 'help' || command === '--help' ? USAGE : `unknown command ${command}\n${USAGE}`);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
  const known = new Map(deps.projections.map((p) => [p.name, p]));
  const unknown = args.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    io.stderr.write(`no projection named ${unknown.join(', ')}; known: ${[...known.keys()].join(', ') || 'none'}\n`);
    return 2;
  }
  let config;
  try {
    config = loadStoreChoice(io.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`Configuration error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (command === 'status') return status(readModelFile(config.dataDir), io);

  const selected = args.length > 0 ? args.map((name) => known.get(name)!) : [...deps.projections];
  const store = await openEventStore(config);
  const db = openReadModelDb(readModelFile(config.dataDir));
  const problems: string[] = [];
  const logger: RunnerLogger = {
    info() {},
    warn: (obj, msg) => void problems.push(msg),
    error: () => {},
  };
  const runner = new ProjectionRunner({
    store,
    catalogue: deps.catalogue,
    db,
    projections: selected,
    logger,
    ...(deps.readAhead ? { readAhead: deps.readAhead } : {}),
  });
  try {
    try {
      await runner.start({ rebuild: selected.map((p) => p.name) });
    } catch (error) {
      if (error instanceof RunnerBusyError) {
        io.stderr.write(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
    const head = await store.headPosition();
    const names = selected.map((p) => p.name);
    io.stderr.write(`rebuilding ${names.join(', ')} from ${fmt(head)} events (${store.kind} store, ${readModelFile(config.dataDir)})\n`);

    const started = performance.now();
    let last = { at: started, events: 0 };
    let rate = 0;
    const draw = (final: boolean) => {
      const now = performance.now();
      const events = runner.eventsRead;
      if (final) rate = events / Math.max((now - started) / 1000, 1e-6);
      else if (now - last.at >= 250) {
        rate = (events - last.events) / ((now - last.at) / 1000);
        last = { at: now, events };
      }
      const healthy = runner.snapshot().filter((s) => s.state !== 'failed');
      const position = healthy.length > 0 ? Math.min(...healthy.map((s) => s.position)) : head;
      const fraction = head > 0 ? Math.min(1, position / head) : 1;
      const filled = Math.round(fraction * BAR_WIDTH);
      const bar = '#'.repeat(filled) + '-'.repeat(BAR_WIDTH - filled);
      const eta = rate > 0 && head > position ? `  ETA ${duration((head - position) / rate)}` : '';
      const line =
        `[${bar}] ${(fraction * 100).toFixed(1).padStart(5)}%  position ${fmt(position)}/${fmt(head)}  ` +
        `${fmt(events)} events  ${fmt(rate)} events/s${final ? '' : eta}`;
      io.stderr.write(`\r${line.padEnd(110)}`);
    };
    const timer = setInterval(() => draw(false), io.progressEveryMs ?? 200);
    try {
      await runner.whenCaughtUp();
    } finally {
      clearInterval(timer);
    }
    draw(true);
    const seconds = (performance.now() - started) / 1000;
    io.stderr.write('\n');

    const failed = runner.snapshot().filter((s) => s.error);
    for (const p of failed) {
      const at = p.error!.eventPosition === null ? '' : ` at event ${p.error!.eventPosition} (${p.error!.eventType} in ${p.error!.stream})`;
      io.stderr.write(`FAILED ${p.name} v${p.version}${at}: ${p.error!.message}\n`);
    }
    for (const problem of problems) io.stderr.write(`warning: ${problem}\n`);
    io.stderr.write(
      `rebuilt ${names.length - failed.length} of ${names.length} projection(s) over ${fmt(runner.eventsRead)} events ` +
        `in ${duration(seconds)} (${fmt(runner.eventsRead / Math.max(seconds, 1e-6))} events/s)\n`,
    );
    return failed.length > 0 ? 1 : 0;
  } finally {
    await runner.stop();
    db.close();
    await store.close();
  }
}

interface StoredCheckpoint {
  name: string;
  version: number;
  serving: number;
  position: number;
  error: string | null;
  updated_at: number;
}

function status(file: string, io: CliIo): number {
  if (!existsSync(file)) {
    io.stderr.write(`no read models yet (${file} does not exist)\n`);
    return 1;
  }
  const db: Database.Database = openReadModelDb(file, { readonly: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE name = '_projections'").get();
    const rows = table
      ? db.prepare<[], StoredCheckpoint>('SELECT * FROM _projections ORDER BY name, version').all()
      : [];
    if (rows.length === 0) io.stdout.write('no projection has run yet\n');
    for (const row of rows) {
      const error = row.error ? `  FAILED: ${(JSON.parse(row.error) as { message: string }).message}` : '';
      io.stdout.write(
        `${row.name} v${row.version}${row.serving ? ' (serving)' : ' (rebuilding)'}  position ${fmt(row.position)}  ` +
          `updated ${new Date(row.updated_at).toISOString()}${error}\n`,
      );
    }
    return 0;
  } finally {
    db.close();
  }
}

async function loadDeps(): Promise<CliDeps> {
  const { catalogue } = await import('../events/index');
  // A variable specifier: the list of projections may not exist yet when this file is type-checked.
  const projectionsModule = './index';
  let loaded: { projections?: readonly Projection<any>[]; readAhead?: ReadAheadOptions };
  try {
    loaded = (await import(projectionsModule)) as typeof loaded;
  } catch (error) {
    throw new Error(`cannot load projections/index.ts (export const projections = [...]): ${(error as Error).message}`);
  }
  if (!Array.isArray(loaded.projections)) throw new Error('projections/index.ts must export `projections`, an array');
  return { projections: loaded.projections, catalogue, readAhead: loaded.readAhead };
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const io: CliIo = { env: process.env, stdout: process.stdout, stderr: process.stderr };
  const argv = process.argv.slice(2);
  try {
    const needsDeps = argv[0] === 'rebuild' || argv[0] === 'status';
    const deps = needsDeps ? await loadDeps() : { projections: [], catalogue: { has: () => false, decode: () => { throw new Error('no catalogue'); } } };
    process.exitCode = await runCli(argv, deps, io);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof Error && error.stack && process.env.DEBUG) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  }
}
