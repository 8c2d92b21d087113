// The WAL checkpointer's thread (started by events/adapters/walCheckpointer.ts). Plain JavaScript:
// it needs nothing but better-sqlite3, and starts without the TypeScript loader.
//
// For each file it is given it keeps a connection and runs a PASSIVE checkpoint every interval:
// the pages committed since are copied into the database file (with its fsyncs) here, while the
// writers go on; a passive checkpoint never waits for a reader or a writer. A release is answered
// once the file's connection is closed, so that the writer closes last (and its close, as ever,
// folds the log into the file and removes it).
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { intervalMs } = workerData;
/** file → { db, holders } */
const files = new Map();

function failed(file, error) {
  parentPort.postMessage({ type: 'failed', file, message: String(error?.message ?? error) });
}

parentPort.on('message', (message) => {
  const kept = files.get(message.file);
  if (message.type === 'keep') {
    if (kept) {
      kept.holders++;
      return;
    }
    try {
      const db = new Database(message.file, { fileMustExist: true });
      db.pragma(`synchronous = ${message.synchronous}`);
      files.set(message.file, { db, holders: 1 });
    } catch (error) {
      // Gone already (a store opened and closed at once, its directory removed): nothing to keep.
      if (existsSync(message.file)) failed(message.file, error);
      files.set(message.file, { db: null, holders: 1 });
    }
  } else if (message.type === 'release') {
    if (kept && --kept.holders === 0) {
      files.delete(message.file);
      kept.db?.close();
    }
    parentPort.postMessage({ type: 'released', id: message.id });
  }
});

setInterval(() => {
  for (const [file, kept] of files) {
    if (!kept.db) continue;
    try {
      kept.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      // Busy: the writers' own auto-checkpoint is the fallback; try again next time.
      if (!/busy|locked/i.test(String(error?.message))) failed(file, error);
    }
  }
}, intervalMs);
