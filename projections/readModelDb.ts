// The read-model database: one SQLite file (`<dataDir>/read.db`) holding every projection's tables,
// the views readers query, and the runner's checkpoints.
//
// Durability is relaxed on purpose: WAL with synchronous=NORMAL, so a commit does not wait for an
// fsync. A power cut may lose the last commits, but never half of one (the checkpoint and the rows
// it covers commit together), and a read model can always be rebuilt from the event store.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ensurePrivateFile } from '../events/adapters/privateFiles';

export interface ReadModelDbOptions {
  /** Open for queries only (a second process inspecting the read models). */
  readonly?: boolean;
}

/** Where the read models live inside the data directory. */
export function readModelFile(dataDir: string): string {
  return join(dataDir, 'read.db');
}

/** Opens (and creates when missing) the read-model database; ':memory:' works for throwaway tests. */
export function openReadModelDb(file: string, options: ReadModelDbOptions = {}): Database.Database {
  if (!options.readonly) ensurePrivateFile(file);
  const db = new Database(file, { readonly: options.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  // A rebuild touches many pages in a row; a larger page cache (64 MB) and in-memory temporary
  // b-trees keep it off the disk as long as possible.
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  return db;
}
