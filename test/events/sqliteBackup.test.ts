// The embedded log's backup and restore (events/adapters/sqliteBackup.ts) on real files: a copy
// taken while another connection keeps appending holds exactly a prefix of the log, every event
// acknowledged before it began included; and the refusals, each with a message naming the problem.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import { backupEventLog, backupFileName, BackupError, restoreEventLog } from '../../events/adapters/sqliteBackup';
import type { EventStore } from '../../events/port';
import { tempDir } from '../support/tmp';

const dirs: Array<{ remove(): void }> = [];
const stores: EventStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  dirs.splice(0).forEach((d) => d.remove());
});

function dir(): string {
  const d = tempDir('bo-backup-');
  dirs.push(d);
  return d.path;
}

function openStore(file: string): EventStore {
  const store = createSqliteStore({ file });
  stores.push(store);
  return store;
}

const event = (i: number) => ({ id: randomUUID(), type: 'LoadEvent', data: { i, text: 'x'.repeat(300) }, metadata: { actor: 'test' } });

/** Every row of a log file, in position order, as stored. */
function rows(file: string): Array<{ position: number; id: string; data: string }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT position, id, data FROM events ORDER BY position').all() as Array<{ position: number; id: string; data: string }>;
  } finally {
    db.close();
  }
}

async function refusal(action: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(BackupError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('backup of the embedded event log', () => {
  it('finishes while another connection appends without pause, holding every event acknowledged before it began and nothing out of order', async () => {
    const data = dir();
    const log = join(data, 'events.db');
    const store = openStore(log);
    // About 9 MB: with 16 pages a step the copy takes a few hundred steps, and appends commit
    // between them. Without the snapshot the backup holds, SQLite restarts the copy at each and
    // this test times out (checked by taking the snapshot out).
    // Seeded in one transaction of plain inserts, in the store's own table: quicker than appends.
    const seeder = new Database(log);
    const insert = seeder.prepare('INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
    seeder.transaction(() => {
      for (let i = 0; i < 8000; i++) insert.run(randomUUID(), `seed-${i}`, 0, 'LoadEvent', JSON.stringify({ i, text: 'x'.repeat(1000) }), '{}', Date.now());
    })();
    seeder.close();
    const acknowledged: number[] = [];
    let appending = true;
    const load = (async () => {
      for (let i = 0; appending; i++) {
        const { position } = await store.append(`load-${i}`, [event(i)], { expectedRevision: 'no_stream' });
        acknowledged.push(position);
      }
    })();
    while (acknowledged.length < 20) await new Promise((r) => setTimeout(r, 5));

    const ackedBefore = acknowledged.length;
    const lastAckedBefore = acknowledged[ackedBefore - 1]!;
    const target = join(dir(), backupFileName());
    const report = await backupEventLog(log, target, { pagesPerStep: 16 });
    const ackedDuring = acknowledged.length - ackedBefore;
    appending = false;
    await load;

    expect(ackedDuring).toBeGreaterThan(0); // the log really moved while the copy was taken
    expect(report.figures.lastPosition).toBeGreaterThanOrEqual(lastAckedBefore);
    const copied = rows(target);
    expect(copied).toHaveLength(report.figures.events);
    expect(copied.at(-1)!.position).toBe(report.figures.lastPosition);
    // Exactly the first events of the live log, byte for byte.
    await store.close();
    const live = rows(log);
    expect(live.length).toBeGreaterThan(copied.length);
    expect(copied).toEqual(live.slice(0, copied.length));
    // One file, no -wal or -shm beside it, and nothing left of the temporary copy.
    expect(readdirSync(join(target, '..'))).toEqual([report.file.split('/').at(-1)]);
    const db = new Database(target, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('copies a log the server is not using and leaves its data directory as it was', async () => {
    const data = dir();
    const log = join(data, 'events.db');
    const store = openStore(log);
    await store.append('one', [event(1), event(2)], { expectedRevision: 'no_stream' });
    await store.close();
    const before = readdirSync(data);
    const report = await backupEventLog(log, join(dir(), 'copy.db'));
    expect(report.figures).toMatchObject({ events: 2, firstPosition: 1, lastPosition: 2, lastEvent: { type: 'LoadEvent' } });
    expect(report.figures.lastEvent!.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(readdirSync(data)).toEqual(before); // no -wal / -shm left for the server to trip on
  });

  it('refuses a missing log, a file that is not an event log, an existing target and a missing folder', async () => {
    const data = dir();
    const out = dir();
    expect(await refusal(() => backupEventLog(join(data, 'events.db'), join(out, 'a.db')))).toBe(`no event log at ${join(data, 'events.db')}`);

    const other = join(data, 'other.db');
    new Database(other).exec('CREATE TABLE t (x)');
    expect(await refusal(() => backupEventLog(other, join(out, 'a.db')))).toContain('not an event log (it has no events table)');
    writeFileSync(join(data, 'text.db'), 'not a database at all, just some text that is long enough to be read\n'.repeat(20));
    expect(await refusal(() => backupEventLog(join(data, 'text.db'), join(out, 'a.db')))).toContain('is not an SQLite database');

    const log = join(data, 'events.db');
    const store = openStore(log);
    await store.append('one', [event(1)], { expectedRevision: 'no_stream' });
    writeFileSync(join(out, 'taken.db'), 'an older backup');
    expect(await refusal(() => backupEventLog(log, join(out, 'taken.db')))).toContain('exists already: a backup never replaces a file');
    expect(readFileSync(join(out, 'taken.db'), 'utf8')).toBe('an older backup');
    expect(await refusal(() => backupEventLog(log, join(out, 'not-mounted', 'a.db')))).toContain('does not exist');
    expect(await refusal(() => backupEventLog(log, join(data, 'events-copy.db')))).toBe(
      `${join(data, 'events-copy.db')} is inside the data directory ${data}; put backups elsewhere, best on another disk`,
    );
    expect(readdirSync(out)).toEqual(['taken.db']);
  });
});

describe('restore of a backup', () => {
  async function backup(): Promise<string> {
    const log = join(dir(), 'events.db');
    const store = openStore(log);
    await store.append('one', [event(1), event(2), event(3)], { expectedRevision: 'no_stream' });
    const target = join(dir(), 'backup.db');
    await backupEventLog(log, target);
    return target;
  }

  it('into an absent or empty directory: the log the store then opens holds the events', async () => {
    const file = await backup();
    const fresh = join(dir(), 'new', 'data');
    expect(restoreEventLog(file, fresh)).toMatchObject({ events: 3, lastPosition: 3 });
    expect(readdirSync(fresh)).toEqual(['events.db']);
    const empty = dir();
    expect(restoreEventLog(file, empty)).toMatchObject({ events: 3 });
    const store = openStore(join(empty, 'events.db'));
    expect((await store.readStream('one')).map((e) => (e.data as { i: number }).i)).toEqual([1, 2, 3]);
    expect(await store.headPosition()).toBe(3);
  });

  it('refuses a directory that holds anything, and leaves it untouched', async () => {
    const file = await backup();
    const data = dir();
    const store = openStore(join(data, 'events.db'));
    await store.append('live', [event(9)], { expectedRevision: 'no_stream' });
    await store.close();
    const liveBytes = readFileSync(join(data, 'events.db'));
    const message = await refusal(() => restoreEventLog(file, data));
    expect(message).toBe(
      `DATA_DIR ${data} is not empty (events.db): a restore goes only into an empty directory, so that it never replaces a log; move that one aside or set DATA_DIR to a new directory`,
    );
    expect(readFileSync(join(data, 'events.db')).equals(liveBytes)).toBe(true);
    expect(readdirSync(data)).toEqual(['events.db']);

    const onlyHidden = dir();
    writeFileSync(join(onlyHidden, '.keep'), '');
    expect(await refusal(() => restoreEventLog(file, onlyHidden))).toContain('is not empty (.keep)');
    const notADir = join(dir(), 'file');
    writeFileSync(notADir, '');
    expect(await refusal(() => restoreEventLog(file, notADir))).toBe(`DATA_DIR ${notADir} is not a directory`);
  });

  it('refuses a missing, damaged or foreign backup and leaves no log behind', async () => {
    const good = await backup();
    const target = () => join(dir(), 'data');

    const missing = join(dir(), 'nope.db');
    const t1 = target();
    expect(await refusal(() => restoreEventLog(missing, t1))).toBe(`no backup file at ${missing}`);
    expect(existsSync(t1)).toBe(false);

    const folder = dir();
    expect(await refusal(() => restoreEventLog(folder, target()))).toContain('is not a file');

    // A page in the middle overwritten: SQLite's integrity check finds it.
    const damaged = join(dir(), 'damaged.db');
    writeFileSync(damaged, readFileSync(good));
    const pageSize = 4096;
    expect(statSync(damaged).size).toBeGreaterThan(2 * pageSize);
    const fd = openSync(damaged, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, statSync(damaged).size - pageSize);
    closeSync(fd);
    const t2 = dir();
    expect(await refusal(() => restoreEventLog(damaged, t2))).toMatch(/^the backup .*damaged\.db (fails SQLite's integrity check|is damaged): /);
    expect(readdirSync(t2)).toEqual([]);

    const truncated = join(dir(), 'truncated.db');
    writeFileSync(truncated, readFileSync(good).subarray(0, 100));
    expect(await refusal(() => restoreEventLog(truncated, target()))).toMatch(/^the backup .*truncated\.db (is damaged|is not an SQLite database)/);

    const text = join(dir(), 'notes.txt');
    writeFileSync(text, 'these are not the events you are looking for\n'.repeat(100));
    expect(await refusal(() => restoreEventLog(text, target()))).toBe(`the backup ${text} is not an SQLite database (not an event log backup, or damaged)`);

    const foreign = join(dir(), 'foreign.db');
    new Database(foreign).exec('CREATE TABLE events (position INTEGER PRIMARY KEY, id TEXT)');
    expect(await refusal(() => restoreEventLog(foreign, target()))).toBe(
      `the backup ${foreign} is not an event log of this back office (its events table lacks stream, revision, type, data, metadata, created)`,
    );
  });
});
