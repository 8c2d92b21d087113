// Where the followers of the log (reactors, the e-mail outbox) keep what they know: the position of
// the last event they took in and their work list at that position. A start then reads the log only
// after it, instead of from the first event.
//
// A checkpoint is written after the events it covers, never before: a follower restarted from an
// older one sees again events it had seen, and every unit of work is idempotent, so that costs a
// repeat in effect-free form, never a loss. Each checkpoint carries its follower's format version;
// one of another version is ignored and the follower replays the log from the start, once.
//
// The followers' checkpoints are written together, in one transaction, and not synced to the disk
// at each commit (WAL with synchronous = NORMAL): a power cut may lose the last ones, which only
// sends the followers back to an older, still true, checkpoint. Eight commits with an fsync each,
// every second, on the event loop, were 5.8% of its samples in a profile of the orders bench.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Checkpoint {
  /** Position of the last event the state includes. */
  position: number;
  /** The follower's own state at that position (JSON). */
  state: unknown;
}

export interface SavedCheckpoint {
  name: string;
  version: number;
  checkpoint: Checkpoint;
}

export interface CheckpointStore {
  load(name: string, version: number): Checkpoint | undefined;
  /** Writes them all or none. */
  save(checkpoints: readonly SavedCheckpoint[]): void;
  close(): void;
}

/** A table in an SQLite file (the server's `DATA_DIR/server.db`); ':memory:' for throwaway ones. */
export function sqliteCheckpointStore(file: string): CheckpointStore {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS follower_checkpoints (
    name     TEXT PRIMARY KEY,
    version  INTEGER NOT NULL,
    position INTEGER NOT NULL,
    state    TEXT NOT NULL,
    saved_at INTEGER NOT NULL
  )`);
  const select = db.prepare<[string], { version: number; position: number; state: string }>(
    'SELECT version, position, state FROM follower_checkpoints WHERE name = ?',
  );
  const upsert = db.prepare(
    `INSERT INTO follower_checkpoints (name, version, position, state, saved_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position, state = excluded.state, saved_at = excluded.saved_at`,
  );
  return {
    load(name, version) {
      const row = select.get(name);
      if (!row || row.version !== version) return undefined;
      return { position: row.position, state: JSON.parse(row.state) };
    },
    save: db.transaction((checkpoints: readonly SavedCheckpoint[]) => {
      const now = Date.now();
      for (const { name, version, checkpoint } of checkpoints) upsert.run(name, version, checkpoint.position, JSON.stringify(checkpoint.state), now);
    }),
    close() {
      db.close();
    },
  };
}
