// WAL checkpoints off the writers' threads.
//
// In WAL mode the committing connection copies the log back into the database file itself (an
// auto-checkpoint, every 1,000 pages by default, with an fsync of the log and one of the file), in
// the middle of a commit: on the server's event loop for the event log, on the projections' thread
// for the read models. Measured in the orders benchmark, the read models' batches took 4-5 ms with
// those checkpoints and 1.2 ms without. So a writer keeps its file checkpointed from a thread of
// its own (one per thread that asks, started on the first file): a PASSIVE checkpoint every
// CHECKPOINT_INTERVAL_MS, which waits for no reader and no writer. The writer's auto-checkpoint
// stays, at WRITER_AUTOCHECKPOINT_PAGES, as the fallback should this thread fall behind.
//
// Why every 25 ms: each time a checkpoint has copied the whole log, the writer's next commit starts
// the log over and fsyncs its header, and that fsync waits behind the checkpoints' own; the less
// each checkpoint copies, the shorter the wait. In the orders benchmark on a quiet machine (16,000
// orders, alternating runs) the p99 was 27-30 ms at 10 ms, 33-37 ms at 20-25 ms and 43 ms at 100 ms,
// for about 4% fewer orders per second than at 100 ms. With one core kept busy by another process,
// though, 10 ms cost the most CPU per order (a page written often is copied often) and no longer
// gave a better p99, so the interval is 25 ms. A checkpoint with nothing to copy costs 3.5 µs.
import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';

export const CHECKPOINT_INTERVAL_MS = 25;
/** The writers' own auto-checkpoint, only reached if the checkpointer falls behind (about 40 MB of log). */
export const WRITER_AUTOCHECKPOINT_PAGES = 10_000;

type FromThread = { type: 'failed'; file: string; message: string } | { type: 'released'; id: number };

let thread: Worker | null = null;
/** Releases waiting for the thread's answer; while there are any, the thread keeps the process up. */
const releasing = new Map<number, () => void>();
let nextId = 1;

function checkpointer(): Worker {
  if (thread) return thread;
  const worker = new Worker(new URL('./walCheckpointerThread.mjs', import.meta.url), {
    workerData: { intervalMs: CHECKPOINT_INTERVAL_MS },
    // Plain JavaScript: none of the process's flags (a loader, `--input-type` of an `-e` script) apply.
    execArgv: [],
  });
  worker.on('message', (message: FromThread) => {
    if (message.type === 'failed') {
      process.emitWarning(`WAL checkpointer: ${message.file}: ${message.message}`);
      return;
    }
    releasing.get(message.id)?.();
    releasing.delete(message.id);
    if (releasing.size === 0) worker.unref();
  });
  worker.on('error', (error) => process.emitWarning(`WAL checkpointer stopped: ${error.message}`));
  worker.on('exit', () => {
    thread = null;
    for (const done of releasing.values()) done();
    releasing.clear();
  });
  worker.unref(); // after the listeners: adding one refs the thread again
  thread = worker;
  return worker;
}

/**
 * Hands the checkpoints of `db`'s file (open in WAL mode, on disk) to the checkpointer. Returns the
 * release, to await before closing `db`: it resolves once the checkpointer has let go of the file.
 */
export function keepCheckpointed(db: Database.Database, file: string): () => Promise<void> {
  db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  const synchronous = db.pragma('synchronous', { simple: true }) as number;
  checkpointer().postMessage({ type: 'keep', file, synchronous });
  let released: Promise<void> | undefined;
  return () =>
    (released ??= new Promise<void>((resolve) => {
      const worker = thread;
      if (!worker) return resolve(); // the thread is gone, and its connections with it
      const id = nextId++;
      releasing.set(id, resolve);
      worker.ref();
      worker.postMessage({ type: 'release', file, id });
    }));
}
