// The writer's thread of an embedded store on disk (started by events/adapters/sqlite.ts): its own
// connection, on which every group of appends is written and committed. A COMMIT with
// synchronous=FULL waits for the fsync of the log, 2 ms and more while the disk is busy (measured
// in the orders benchmark, where it held the event loop a fifth of the time); here it holds only
// this thread. SQLite makes a commit visible to readers after that fsync, so no other connection
// ever reads an event that a crash of the machine could still take back.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { createGroupWriter } from './sqliteWriter.mjs';

const { file, autocheckpointPages } = workerData;
const db = new Database(file, { fileMustExist: true });
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
db.pragma(`wal_autocheckpoint = ${autocheckpointPages}`);
const writeGroup = createGroupWriter(db);

parentPort.on('message', (message) => {
  if (message.type === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ id: message.id, outcomes: writeGroup(message.group, message.created) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, failed: { name: error?.name, message: String(error?.message ?? error), code: error?.code } });
  }
});
