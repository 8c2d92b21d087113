// Backup and restore of the embedded event log (one SQLite file), for `npm run backup` and
// `npm run restore` (server/cli/). Only the log is copied: the read models and the server's own
// file (sessions) are rebuilt or started afresh from it; Idempotency-Key claims are in the log.
//
// The copy is taken with SQLite's online backup API while the server goes on writing. That API
// copies the file in steps and, when another connection commits between two steps, starts over
// from the first page; under a steady stream of appends it would never finish (measured here: a
// 45 MB log with a commit every millisecond, 3,500 restarts in 15 s and no copy). So the backup's
// connection opens a read transaction first and holds it until the last step: every step then
// copies the same snapshot, the copy holds exactly the events committed when it began, and the
// figures read at that moment are what the copy must hold. In WAL mode a reader never blocks a
// writer; the only cost is that checkpoints cannot pass the snapshot, so the server's -wal file
// grows by what is appended during the copy and is folded back afterwards.
import Database from 'better-sqlite3';
import { closeSync, constants, copyFileSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { EVENT_LOG_FILE } from '../open';

/** A backup or restore that cannot go on; the message says what is wrong, in one line. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

export interface LogFigures {
  events: number;
  /** Position of the first and last event; null when the log is empty. */
  firstPosition: number | null;
  lastPosition: number | null;
  /** The last event's id, type and recording time (UTC); null when the log is empty. */
  lastEvent: { id: string; type: string; recordedAt: string } | null;
  bytes: number;
}

/** Pages copied per step (4 KiB each): small steps keep this process answering a Ctrl-C. */
export const PAGES_PER_STEP = 256;

const EVENT_COLUMNS = ['position', 'id', 'stream', 'revision', 'type', 'data', 'metadata', 'created'];

/** events-20261205T183012Z.db: UTC, sorts by time, no characters that trouble a file system. */
export function backupFileName(at: Date = new Date()): string {
  return `events-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.db`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The figures of an event log, read in the connection's current (or a fresh) read transaction. */
function readFigures(db: Database.Database, what: string): Omit<LogFigures, 'bytes'> {
  const table = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'events'").get();
  if (!table) throw new BackupError(`${what} is an SQLite database but not an event log (it has no events table)`);
  const columns = (db.pragma('table_info(events)') as Array<{ name: string }>).map((c) => c.name);
  const missing = EVENT_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new BackupError(`${what} is not an event log of this back office (its events table lacks ${missing.join(', ')})`);
  const counts = db.prepare('SELECT count(*) AS events, min(position) AS first, max(position) AS last FROM events').get() as {
    events: number;
    first: number | null;
    last: number | null;
  };
  const last = db.prepare('SELECT id, type, created FROM events ORDER BY position DESC LIMIT 1').get() as
    | { id: string; type: string; created: number }
    | undefined;
  return {
    events: counts.events,
    firstPosition: counts.first,
    lastPosition: counts.last,
    lastEvent: last ? { id: last.id, type: last.type, recordedAt: new Date(last.created).toISOString() } : null,
  };
}

/**
 * Checks a copy of an event log that this process owns (a backup just written, or a backup being
 * restored): SQLite's integrity check, the events table, every event's JSON. It turns the copy into
 * a single self-contained file (rollback journal instead of WAL) so that opening it later leaves
 * no -wal or -shm files beside it; the server switches its log to WAL when it opens it.
 * `what` names the file in messages, e.g. "the backup /mnt/nas/events-….db".
 */
export function verifyEventLogCopy(file: string, what: string): LogFigures {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (error) {
    throw new BackupError(`cannot open ${what}: ${messageOf(error)}`);
  }
  try {
    db.pragma('journal_mode = DELETE');
    const problems = (db.pragma('integrity_check(5)') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new BackupError(`${what} fails SQLite's integrity check: ${problems.join('; ')}`);
    }
    const figures = readFigures(db, what);
    const badJson = db.prepare('SELECT count(*) FROM events WHERE NOT json_valid(data) OR NOT json_valid(metadata)').pluck().get() as number;
    if (badJson > 0) throw new BackupError(`${what} is damaged: ${badJson} events hold data or metadata that is not JSON`);
    return { ...figures, bytes: statSync(file).size };
  } catch (error) {
    if (error instanceof BackupError) throw error;
    const code = (error as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB') throw new BackupError(`${what} is not an SQLite database (not an event log backup, or damaged)`);
    if (code.startsWith('SQLITE_CORRUPT')) throw new BackupError(`${what} is damaged: ${messageOf(error)}`);
    throw new BackupError(`cannot check ${what}: ${messageOf(error)}`);
  } finally {
    db.close();
  }
}

/** Makes a file's contents, then its name in its directory, durable. */
function syncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  try {
    syncFile(dir);
  } catch {
    // Some file systems (network shares) do not sync directories; the file itself is synced.
  }
}

/** Gives `from` the name `to`, never replacing a file that appeared there meanwhile. */
function publish(from: string, to: string): void {
  try {
    linkSync(from, to);
    unlinkSync(from);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new BackupError(`${to} exists already: a backup never replaces a file; choose another name`);
    // File systems without hard links (some network shares): a rename, after one more look.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
    if (existsSync(to)) throw new BackupError(`${to} exists already: a backup never replaces a file; choose another name`);
    renameSync(from, to);
  }
  syncDirectory(dirname(to));
}

function removeCopy(file: string): void {
  for (const f of [file, `${file}-journal`, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
}

export interface BackupOptions {
  pagesPerStep?: number;
  /** Aborting stops the copy between two steps; the partial copy is removed. */
  signal?: AbortSignal;
}

export interface BackupReport {
  file: string;
  /** What the copy holds: exactly the events the log held when the copy began. */
  figures: LogFigures;
  seconds: number;
}

/**
 * Copies the event log `source` (in use or not) to the new file `target`, checks the copy and
 * returns what it holds. The copy is written beside the target under a temporary name and takes
 * the target's name only once checked and synced, so a file of that name is always a whole backup.
 */
export async function backupEventLog(source: string, target: string, options: BackupOptions = {}): Promise<BackupReport> {
  const started = performance.now();
  if (!existsSync(source)) throw new BackupError(`no event log at ${source}`);
  if (existsSync(target)) throw new BackupError(`${target} exists already: a backup never replaces a file; choose another name`);
  if (!existsSync(dirname(target))) throw new BackupError(`the folder ${dirname(target)} does not exist (create it, or check that its disk is mounted)`);
  const dataDir = resolve(dirname(source));
  const targetDir = resolve(dirname(target));
  if (targetDir === dataDir || targetDir.startsWith(`${dataDir}${sep}`)) {
    // A copy there is lost with the data it should outlive, and it makes DATA_DIR unfit for a restore.
    throw new BackupError(`${target} is inside the data directory ${dataDir}; put backups elsewhere, best on another disk`);
  }
  const partial = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);

  let db: Database.Database;
  try {
    // Not read-only: when the server is stopped this connection creates the log's -wal and -shm
    // files, and only a read-write connection removes them again when it closes last (left behind,
    // owned by whoever ran the backup, they could keep the server from opening its log).
    db = new Database(source, { fileMustExist: true });
  } catch (error) {
    throw new BackupError(`cannot open the event log ${source}: ${messageOf(error)}`);
  }
  let snapshot: Omit<LogFigures, 'bytes'>;
  try {
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN');
    try {
      snapshot = readFigures(db, source); // the first read takes the snapshot the copy is made of
    } catch (error) {
      if (error instanceof BackupError) throw error;
      if ((error as { code?: string }).code === 'SQLITE_NOTADB') throw new BackupError(`${source} is not an SQLite database, so not an event log`);
      throw new BackupError(`cannot read the event log ${source}: ${messageOf(error)}`);
    }
    const pages = options.pagesPerStep ?? PAGES_PER_STEP;
    try {
      await db.backup(partial, {
        progress: () => {
          if (options.signal?.aborted) throw new BackupError('interrupted; no backup was written');
          return pages;
        },
      });
    } catch (error) {
      if (error instanceof BackupError) throw error;
      throw new BackupError(`cannot write the backup ${target}: ${messageOf(error)}`);
    }
    db.exec('COMMIT');
  } catch (error) {
    removeCopy(partial);
    throw error;
  } finally {
    db.close();
  }

  try {
    const figures = verifyEventLogCopy(partial, 'the copy just written');
    if (figures.events !== snapshot.events || figures.lastPosition !== snapshot.lastPosition) {
      throw new BackupError(
        `the copy holds ${figures.events} events up to position ${figures.lastPosition}, but the log held ${snapshot.events} up to ${snapshot.lastPosition} when the copy began`,
      );
    }
    syncFile(partial);
    publish(partial, target);
    return { file: target, figures, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    removeCopy(partial);
    if (error instanceof BackupError) throw error;
    throw new BackupError(`cannot write the backup ${target}: ${messageOf(error)}`);
  }
}

/**
 * Restores the backup `backupFile` as the event log of `dataDir`, which must be empty or absent: a
 * restore never replaces a log. The backup is copied in under a temporary name and checked there
 * (the bytes checked are the bytes the server will open); only then is it named events.db.
 */
export function restoreEventLog(backupFile: string, dataDir: string): LogFigures {
  let stat;
  try {
    stat = statSync(backupFile);
  } catch {
    throw new BackupError(`no backup file at ${backupFile}`);
  }
  if (!stat.isFile()) throw new BackupError(`${backupFile} is not a file; give the backup file itself, e.g. backups/events-20261205T183012Z.db`);

  let created = false;
  if (existsSync(dataDir)) {
    if (!statSync(dataDir).isDirectory()) throw new BackupError(`DATA_DIR ${dataDir} is not a directory`);
    const entries = readdirSync(dataDir);
    if (entries.length > 0) {
      const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
      throw new BackupError(
        `DATA_DIR ${dataDir} is not empty (${shown}): a restore goes only into an empty directory, so that it never replaces a log; move that one aside or set DATA_DIR to a new directory`,
      );
    }
  } else {
    mkdirSync(dataDir, { recursive: true });
    created = true;
  }

  const log = join(dataDir, EVENT_LOG_FILE);
  const working = `${log}.restoring`;
  try {
    copyFileSync(backupFile, working, constants.COPYFILE_EXCL);
    const figures = verifyEventLogCopy(working, `the backup ${backupFile}`);
    syncFile(working);
    renameSync(working, log);
    syncDirectory(dataDir);
    return figures;
  } catch (error) {
    removeCopy(working);
    if (created) rmdirSync(dataDir);
    if (error instanceof BackupError) throw error;
    throw new BackupError(`cannot restore into ${dataDir}: ${messageOf(error)}`);
  }
}

/** A few lines for a person: how many events, the last one, the check. */
export function describeLog(figures: LogFigures): string[] {
  const size = figures.bytes >= 1024 * 1024 ? `${(figures.bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(figures.bytes / 1024)} KB`;
  const events =
    figures.events === 0 ? 'none (an empty log)' : `${figures.events}, positions ${figures.firstPosition} to ${figures.lastPosition}`;
  const lines = [`  events:     ${events}`];
  if (figures.lastEvent) lines.push(`  last event: ${figures.lastEvent.recordedAt}  ${figures.lastEvent.type}  ${figures.lastEvent.id}`);
  lines.push(`  checked:    SQLite integrity check ok, every event's JSON readable; ${size}`);
  return lines;
}
