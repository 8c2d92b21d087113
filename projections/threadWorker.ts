// The projections' own thread (started by projections/thread.ts): its own connections to the event
// store and to the read-model database, the runner, and messages to the host: its progress after
// every batch, its log lines, the answers to status requests. The server's event loop then spends
// nothing on applying events to the read models.
import type Database from 'better-sqlite3';
import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { catalogue } from '../events/index';
import { openStoreAt } from '../events/open';
import type { EventStore } from '../events/port';
import { projections, readAhead } from './index';
import { openReadModelDb } from './readModelDb';
import { ProjectionRunner, type RunnerLogger } from './runner';
import type { FromHost, ThreadSetup, ToHost } from './thread';

const setup = workerData as ThreadSetup;
const host = parentPort!;
const send = (message: ToHost) => host.postMessage(message);

const logAt =
  (level: 'info' | 'warn' | 'error') =>
  (obj: object, msg: string): void => {
    // Errors do not survive the structured clone whole: keep what a log line shows of them.
    const plain = Object.fromEntries(
      Object.entries(obj).map(([k, v]) => [k, v instanceof Error ? { type: v.name, message: v.message, stack: v.stack } : v]),
    );
    send({ type: 'log', level, obj: plain, msg });
  };
const logger: RunnerLogger = { info: logAt('info'), warn: logAt('warn'), error: logAt('error') };

let progressQueued = false;
/** One progress message per turn, however many times the runner reports within it. */
function reportProgress(): void {
  if (progressQueued) return;
  progressQueued = true;
  queueMicrotask(() => {
    progressQueued = false;
    send({ type: 'progress', snapshot: runner.snapshot(), eventsRead: runner.eventsRead });
  });
}

/** This thread's id in the OS, read on this very thread; null where there is no /proc. */
function osThread(): string | null {
  try {
    return readlinkSync('/proc/thread-self').split('/').pop() ?? null;
  } catch {
    return null;
  }
}

let store: EventStore | undefined;
let db: Database.Database | undefined;
let runner: ProjectionRunner;

/** Stops the runner and closes the read models; the store's connection goes with the thread. */
async function close(): Promise<void> {
  await runner?.stop();
  db?.close();
}

host.on('message', async (message: FromHost) => {
  if (message.type === 'status') {
    try {
      send({ type: 'status', id: message.id, statuses: await runner.status() });
    } catch (error) {
      send({ type: 'status', id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  } else if (message.type === 'stop') {
    await close();
    send({ type: 'stopped', snapshot: runner.snapshot() });
    // Not awaited: the host ends the thread now, which ends the connection. (The EventStoreDB
    // client's dispose, awaited in a worker thread, sometimes never settled.)
    void store?.close().catch(() => undefined);
  }
});

try {
  store = await openStoreAt(setup.store, { readsOnly: true });
  db = openReadModelDb(setup.readModelFile);
  runner = new ProjectionRunner({
    store,
    catalogue,
    db,
    projections,
    logger,
    readAhead,
    ...(setup.batchSize === undefined ? {} : { batchSize: setup.batchSize }),
    onProgress: reportProgress,
  });
  await runner.start();
  send({ type: 'started', snapshot: runner.snapshot(), eventsRead: runner.eventsRead, osThread: osThread() });
} catch (error) {
  await close().catch(() => {});
  // Error objects do not cross threads whole: the name and the message do. The host then ends the thread.
  send({ type: 'start_failed', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) });
  void store?.close().catch(() => undefined);
}
