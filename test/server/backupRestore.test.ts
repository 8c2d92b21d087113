// `npm run backup` and `npm run restore` as an operator runs them: the commands as child processes
// on real data directories. A backup is taken while orders are placed over HTTP, restored into an
// empty directory, and a real server process started on it rebuilds its read models from the log
// and shows every order acknowledged before the backup began.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import { addGuideProducts, expectStatus, manualOrder, PASSWORD, PIVAS, romeAddress, startApi, topUp, type ApiWorld } from './api/support';
import { startServer, type ServerProcess } from '../support/process';
import { tempDir } from '../support/tmp';

const root = fileURLToPath(new URL('../..', import.meta.url));
// By file, so that the commands also run from a folder outside the project (as cron would).
const tsxLoader = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

const dirs: Array<{ remove(): void }> = [];
const servers: ServerProcess[] = [];
let world: ApiWorld | undefined;
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.child.kill('SIGTERM');
    await s.exit;
  }
  await world?.close();
  world = undefined;
  dirs.splice(0).forEach((d) => d.remove());
});

function dir(): string {
  const d = tempDir('bo-backup-cli-');
  dirs.push(d);
  return d.path;
}

interface Run {
  code: number;
  out: string;
  err: string;
}

function run(command: 'backup' | 'restore', args: string[], env: Record<string, string>, cwd = root): Promise<Run> {
  const child = spawn(process.execPath, ['--import', tsxLoader, join(root, 'server/cli', `${command}.ts`), ...args], {
    cwd,
    env: { ...process.env, INIT_CWD: '', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  return once(child, 'exit').then(([code]) => ({ code: code as number, out, err }));
}

/** Every event of a log file as stored, in position order. */
function logRows(file: string): Array<{ position: number; id: string; type: string; data: string }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT position, id, type, data FROM events ORDER BY position').all() as Array<{ position: number; id: string; type: string; data: string }>;
  } finally {
    db.close();
  }
}

async function login(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(response.status).toBe(200);
  return response.headers.getSetCookie().find((c) => c.startsWith('bo_session='))!.split(';')[0]!;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('backup and restore of the embedded store', () => {
  it('a backup taken while orders are placed over HTTP restores into an empty directory, and the server started on it shows every order acknowledged before the backup began', { timeout: 120_000 }, async () => {
    world = await startApi({ reactors: true });
    const live = world;
    await addGuideProducts(live);
    const customers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await live.operator.post('/api/customers', {
        kind: 'firm',
        name: `Studio ${i}`,
        partitaIva: PIVAS[i],
        email: `studio${i}@example.it`,
        billingAddress: romeAddress,
      });
      const id = expectStatus(answer, 201).json().id as string;
      await topUp(live, id, 1_000_000);
      customers.push(id);
    }

    // Orders placed and paid from the prepaid balance, one after the other per customer, until told
    // to stop; the fulfilment reactors append coupons, invoices and e-mails beside them.
    const acknowledged: string[] = [];
    const refused: string[] = [];
    let placing = true;
    const load = customers.map(async (customerId) => {
      while (placing) {
        const answer = await live.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' }));
        if (answer.status === 201) acknowledged.push(answer.json().id as string);
        else refused.push(`${answer.status} ${answer.text.slice(0, 200)}`);
      }
    });
    await eventually(async () => acknowledged.length >= 15);

    const target = join(dir(), 'before-upgrade.db');
    const ackedBeforeBackup = acknowledged.slice();
    const backup = await run('backup', [target], { DATA_DIR: live.dataDir });
    const ackedDuringBackup = acknowledged.length - ackedBeforeBackup.length;
    const ackedAfterBackup = () => acknowledged.slice(ackedBeforeBackup.length + ackedDuringBackup);
    await eventually(async () => ackedAfterBackup().length >= 2);
    placing = false;
    await Promise.all(load);

    expect(backup.err).toBe('');
    expect(backup.code).toBe(0);
    expect(refused).toEqual([]);
    expect(ackedDuringBackup).toBeGreaterThan(0); // the log was written to while the command ran
    const lines = backup.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Backed up ${join(live.dataDir, 'events.db')} to ${target} in \\d+\\.\\d s$`));
    expect(lines[1]).toMatch(/^ {2}events: {5}\d+, positions 1 to \d+$/);
    expect(lines[2]).toMatch(/^ {2}last event: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}\w+ {2}[0-9a-f-]{36}$/);
    expect(backup.out).toContain('SQLite integrity check ok');
    expect(backup.out).toContain('not in it:  the read models (read.db');
    const copiedEvents = Number(/events: +(\d+)/.exec(backup.out)![1]);

    // The copy is the log as it was at one moment: its first events, exactly.
    const copied = logRows(target);
    expect(copied).toHaveLength(copiedEvents);
    const liveRows = logRows(join(live.dataDir, 'events.db'));
    expect(liveRows.length).toBeGreaterThan(copied.length);
    expect(copied).toEqual(liveRows.slice(0, copied.length));
    const notInBackup = ackedAfterBackup();
    world = undefined;
    await live.close();

    const restored = join(dir(), 'restored', 'data'); // absent: restore creates it
    const restore = await run('restore', [target], { DATA_DIR: restored });
    expect(restore.err).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.out.split('\n')[0]).toBe(`Restored ${target} as ${join(restored, 'events.db')}`);
    expect(restore.out).toContain(`  events:     ${copiedEvents}, positions 1 to ${copied.at(-1)!.position}`);
    expect(readdirSync(restored)).toEqual(['events.db']); // no read.db, no server.db

    const server = await startServer({ DATA_DIR: restored });
    servers.push(server);
    const cookie = await login(server.url, 'operatore');
    const health = (await (await fetch(`${server.url}/health`)).json()) as { headPosition: number };
    expect(health.headPosition).toBeGreaterThanOrEqual(copied.at(-1)!.position); // its reactors may append after start
    // The read models, started from an empty read.db, catch up with the restored log.
    await eventually(async () => {
      const statuses = (await (await fetch(`${server.url}/api/projections`, { headers: { cookie } })).json()) as Array<{ state: string; position: number }>;
      expect(statuses.filter((s) => s.state === 'failed')).toEqual([]);
      return statuses.length > 0 && statuses.every((s) => s.position >= copied.at(-1)!.position);
    });
    for (const orderId of ackedBeforeBackup) {
      const answer = await fetch(`${server.url}/api/orders/${orderId}`, { headers: { cookie } });
      expect(answer.status, orderId).toBe(200);
      expect(await answer.json()).toMatchObject({ id: orderId });
    }
    for (const orderId of notInBackup) {
      expect((await fetch(`${server.url}/api/orders/${orderId}`, { headers: { cookie } })).status).toBe(404);
    }
    expect(existsSync(join(restored, 'server.db'))).toBe(true);
    expect(existsSync(join(restored, 'read.db'))).toBe(true);

    servers.splice(0);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    const db = new Database(join(restored, 'events.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('refuses, with one line naming the problem: a non-empty data directory, a missing or damaged backup, a missing log, an existing target', { timeout: 120_000 }, async () => {
    const live = dir();
    const store = createSqliteStore({ file: join(live, 'events.db') });
    await store.append('s-1', [{ id: crypto.randomUUID(), type: 'Something', data: { a: 1 }, metadata: {} }], { expectedRevision: 'no_stream' });
    await store.close();
    const liveBytes = readFileSync(join(live, 'events.db'));

    // The default target, from wherever the command is run.
    const cwd = dir();
    const made = await run('backup', [], { DATA_DIR: live }, cwd);
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    const [name] = readdirSync(join(cwd, 'backups'));
    expect(name).toMatch(/^events-\d{8}T\d{6}Z\.db$/);
    const backupFile = join(cwd, 'backups', name!);
    // A path typed relative to where `npm run` was started (npm moves to the project's folder).
    const relative = await run('backup', ['backups/second.db'], { DATA_DIR: live, INIT_CWD: cwd });
    expect(relative.code).toBe(0);
    expect(existsSync(join(cwd, 'backups', 'second.db'))).toBe(true);

    const oneLine = (r: Run, text: string) => {
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toBe(`${text}\n`);
    };
    oneLine(
      await run('restore', [backupFile], { DATA_DIR: live }),
      `restore failed: DATA_DIR ${live} is not empty (events.db): a restore goes only into an empty directory, so that it never replaces a log; move that one aside or set DATA_DIR to a new directory`,
    );
    expect(readFileSync(join(live, 'events.db')).equals(liveBytes)).toBe(true);

    const fresh = join(dir(), 'fresh');
    oneLine(await run('restore', [join(cwd, 'nope.db')], { DATA_DIR: fresh }), `restore failed: no backup file at ${join(cwd, 'nope.db')}`);
    const damaged = join(cwd, 'damaged.db');
    const bytes = readFileSync(backupFile);
    bytes.fill(0x41, 0, 16); // the header's magic string gone
    writeFileSync(damaged, bytes);
    oneLine(
      await run('restore', [damaged], { DATA_DIR: fresh }),
      `restore failed: the backup ${damaged} is not an SQLite database (not an event log backup, or damaged)`,
    );
    expect(existsSync(fresh)).toBe(false);
    const none = await run('restore', [], { DATA_DIR: fresh });
    expect(none.code).toBe(1);
    expect(none.err).toContain('restore failed: give exactly one backup file (got 0)');

    const empty = dir();
    oneLine(await run('backup', [join(cwd, 'x.db')], { DATA_DIR: empty }), `backup failed: no event log at ${join(empty, 'events.db')} (is DATA_DIR right?)`);
    oneLine(await run('backup', [join(cwd, 'x.db')], { DATA_DIR: join(empty, 'missing') }), `backup failed: no data directory at ${join(empty, 'missing')} (DATA_DIR)`);
    oneLine(
      await run('backup', [backupFile], { DATA_DIR: live }),
      `backup failed: ${backupFile} exists already: a backup never replaces a file; choose another name`,
    );
    mkdirSync(join(cwd, 'shelf'));
    oneLine(
      await run('backup', [join(cwd, 'shelf', 'not-mounted', 'x.db')], { DATA_DIR: live }),
      `backup failed: the folder ${join(cwd, 'shelf', 'not-mounted')} does not exist (create it, or check that its disk is mounted)`,
    );
    oneLine(
      await run('backup', [], { DATA_DIR: live, EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'esdb://localhost:2113?tls=false' }),
      'backup failed: EVENT_STORE is eventstoredb; npm run backup handles the embedded store only. Back up EventStoreDB with its own procedure (README, "Operations").',
    );
  });

  it('a write that fails in the middle of the copy (here the file-size limit, as a full disk would) ends in one line, and leaves no partial file', async () => {
    const live = dir();
    const store = createSqliteStore({ file: join(live, 'events.db') });
    for (let batch = 0; batch < 3; batch++) {
      const events = Array.from({ length: 1000 }, (_, i) => ({ id: crypto.randomUUID(), type: 'Something', data: { i, text: 'x'.repeat(500) }, metadata: {} }));
      await store.append(`s-${batch}`, events, { expectedRevision: 'no_stream' });
    }
    await store.close();
    const out = dir();
    // The shell ignores SIGXFSZ and exec keeps it ignored: a write past 300 KB fails with EFBIG
    // instead of killing the process.
    const child = spawn('sh', ['-c', `ulimit -f 600; trap '' XFSZ; exec "$0" "$@"`, process.execPath, '--import', tsxLoader, join(root, 'server/cli/backup.ts'), join(out, 'x.db')], {
      cwd: root,
      env: { ...process.env, INIT_CWD: '', DATA_DIR: live },
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(err).toMatch(new RegExp(`^backup failed: cannot write the backup ${join(out, 'x.db')}: .*(I/O|disk|full).*\n$`));
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(live)).toEqual(['events.db']);
  });
});
