// `npm run verify-log` on a real embedded log file: a byte changed in an event's data, a row
// deleted, an event written before the chain, an exported head given back; and every run is
// recorded on the log as LogVerified.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../events/adapters/sqlite';
import { catalogue } from '../../../events/index';
import { LOG_VERIFICATIONS_STREAM } from '../../../domain/logVerification/events';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const tsxLoader = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

function verifyLogCli(dataDir: string, args: string[] = []): Promise<{ code: number; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, join(root, 'server/cli/verifyLog.ts'), ...args], {
    cwd: root,
    env: { ...process.env, INIT_CWD: '', DATA_DIR: dataDir, EVENT_STORE: 'sqlite' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  return once(child, 'exit').then(([code]) => ({ code: code as number, out, err }));
}

const note = (i: number) => ({ id: randomUUID(), type: 'Noted', data: { i, text: `note ${i}` }, metadata: { actor: 'test' } });

let dataDir: string;
let file: string;

async function writeLog(count: number): Promise<void> {
  const store = createSqliteStore({ file });
  try {
    for (let i = 0; i < count; i++) await store.append(`notes-${i % 3}`, [note(i)], { expectedRevision: 'any' });
  } finally {
    await store.close();
  }
}

function onFile<T>(act: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return act(db);
  } finally {
    db.close();
  }
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'verify-log-'));
  file = join(dataDir, 'events.db');
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm run verify-log', { timeout: 60_000 }, () => {
  it('verifies an untouched log, prints the count and the head, and records the run as LogVerified', async () => {
    await writeLog(12);
    const run = await verifyLogCli(dataDir);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('Log verified: 12 events chained');
    const head = /head: (\d+:[0-9a-f]{64})/.exec(run.out)![1]!;
    const last = onFile((db) => db.prepare('SELECT position, metadata FROM events WHERE position = 12').get() as { position: number; metadata: string });
    expect(head).toBe(`12:${JSON.parse(last.metadata).chain.hash}`);

    const store = createSqliteStore({ file });
    try {
      const [recorded] = await store.readStream(LOG_VERIFICATIONS_STREAM);
      const decoded = catalogue.decode(recorded!);
      expect(decoded.type).toBe('LogVerified');
      expect(decoded.data).toMatchObject({ via: 'cli', ok: true, verified: 12, beforeChain: 0, head: { position: 12 }, broken: null });
    } finally {
      await store.close();
    }
    // The second run verifies the first run's record too, and proves the exported head.
    const again = await verifyLogCli(dataDir, ['--expect-head', head]);
    expect(again.code).toBe(0);
    expect(again.out).toContain('Log verified: 13 events chained');
  });

  it("finds a byte changed in an event's data: names the position, the stream and that its content was altered", async () => {
    await writeLog(10);
    onFile((db) => db.prepare(`UPDATE events SET data = replace(data, 'note 6', 'note 9') WHERE position = 7`).run());
    const run = await verifyLogCli(dataDir);
    expect(run.code).toBe(1);
    expect(run.out).toContain('first broken link at position 7, stream notes-0, revision 2');
    expect(run.out).toContain('content altered');
    expect(run.out).toContain('6 events verified before it');
  });

  it('finds a deleted event: the one after it no longer links to the event before it', async () => {
    await writeLog(10);
    onFile((db) => db.prepare('DELETE FROM events WHERE position = 4').run());
    const run = await verifyLogCli(dataDir);
    expect(run.code).toBe(1);
    expect(run.out).toContain('first broken link at position 5, stream notes-1, revision 1');
    expect(run.out).toContain('link to the previous event broken (an event missing or reordered)');
  });

  it('proves an exported head, and fails when the event at its position no longer has that hash', async () => {
    await writeLog(6);
    const first = await verifyLogCli(dataDir);
    const head = /head: (\d+:[0-9a-f]{64})/.exec(first.out)![1]!;
    // Rewriting history from the start consistently (every hash recomputed) still changes the head.
    const forged = head.replace(/:./, (m) => (m === ':0' ? ':1' : ':0'));
    const run = await verifyLogCli(dataDir, ['--expect-head', forged]);
    expect(run.code).toBe(1);
    expect(run.out).toContain('Exported head NOT proved: the event at position 6 has hash');
    const beyond = await verifyLogCli(dataDir, ['--expect-head', `999:${'a'.repeat(64)}`]);
    expect(beyond.code).toBe(1);
    expect(beyond.out).toContain("before the exported head's position 999");
    const bad = await verifyLogCli(dataDir, ['--expect-head', 'twelve']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--expect-head: a head is <position>:<sha256 hex>, got "twelve"');
  });

  it('accepts events written before the chain only as the start of the log, and says how many', async () => {
    await writeLog(3);
    // The log as older code left it: no link in any metadata.
    onFile((db) => db.prepare(`UPDATE events SET metadata = '{"actor":"test"}'`).run());
    await writeLog(2);
    const run = await verifyLogCli(dataDir);
    expect(run.code).toBe(0);
    expect(run.out).toContain('Log verified: 2 events chained, after 3 written before the chain began');
    // An event without a link after the chain began is not accepted.
    onFile((db) => db.prepare(`UPDATE events SET metadata = '{"actor":"test"}' WHERE position = 5`).run());
    const broken = await verifyLogCli(dataDir);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('first broken link at position 5');
    expect(broken.out).toContain('no link after the chain began');
  });
});
