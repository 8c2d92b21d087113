// Where the followers of the log (reactors, the e-mail outbox) keep what they know: the position of
// the last event they took in and their work list at that position. A start then reads the log only
// after it, instead of from the first event.
//
// A checkpoint is written after the events it covers, never before: a follower restarted from an
// older one sees again events it had seen, and every unit of work is idempotent, so that costs a
// repeat in effect-free form, never a loss. Each checkpoint carries its follower's format version;
// one of another version is ignored and the follower replays the log from the start, once.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Checkpoint {
  /** Position of the last event the state includes. */
  position: number;
  /** The follower's own state at that position (JSON). */
  state: unknown;
}

export interface CheckpointStore {
  load(name: string, version: number): Checkpoint | undefined;
  save(name: string, version: number, checkpoint: Checkpoint): void;
  close(): void;
}

/** A table in an SQLite file (the server's `DATA_DIR/server.db`); ':memory:' for throwaway ones. */
export function sqliteCheckpointStore(file: string): CheckpointStore {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
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
    save(name, version, { position, state }) {
      upsert.run(name, version, position, JSON.stringify(state), Date.now());
    },
    close() {
      db.close();
    },
  };
}
