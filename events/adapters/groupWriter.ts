// Where the embedded store writes its groups of appends: a thread of its own for a store on disk
// (sqliteWriterThread.mjs, with its own connection), so that the event loop never waits for a
// COMMIT's fsync; the store's own connection for an in-memory store, which no other connection can
// open. The transaction is the same (sqliteWriter.mjs).
import type Database from 'better-sqlite3';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { createGroupWriter, type AppendOutcome, type AppendRequest } from './sqliteWriter.mjs';

export interface GroupWriter {
  /** Writes and commits the group; rejects, with nothing written, when the transaction fails. */
  write(group: AppendRequest[], created: number): Promise<AppendOutcome[]>;
  /** Once the groups sent are answered: releases the writer's connection. */
  close(): Promise<void>;
}

type FromThread =
  | { id: number; outcomes: AppendOutcome[] }
  | { id: number; failed: { name?: string; message: string; code?: string } };

export function writerOnConnection(db: Database.Database): GroupWriter {
  const write = createGroupWriter(db);
  return { write: async (group, created) => write(group, created), close: async () => {} };
}

/** The thread starts with the first write, so a store that only reads never starts one. */
export function writerThread(file: string, autocheckpointPages: number): GroupWriter {
  let worker: Worker | null = null;
  const waiting = new Map<number, { resolve(outcomes: AppendOutcome[]): void; reject(error: Error): void }>();
  let nextId = 1;

  function started(): Worker {
    if (worker) return worker;
    const thread = new Worker(new URL('./sqliteWriterThread.mjs', import.meta.url), {
      workerData: { file, autocheckpointPages },
      // Plain JavaScript: none of the process's flags (a loader, `--input-type` of an `-e` script) apply.
      execArgv: [],
    });
    thread.on('message', (message: FromThread) => {
      const waiter = waiting.get(message.id);
      waiting.delete(message.id);
      if (waiting.size === 0) thread.unref();
      if ('failed' in message) {
        const { name, message: text, code } = message.failed;
        waiter?.reject(Object.assign(new Error(text), name ? { name } : {}, code ? { code } : {}));
      } else waiter?.resolve(message.outcomes);
    });
    const gone = (error: Error) => {
      if (worker === thread) worker = null;
      for (const waiter of waiting.values()) waiter.reject(error);
      waiting.clear();
    };
    thread.on('error', gone);
    thread.on('exit', (code) => gone(new Error(`the event store's writer thread ended (exit code ${code})`)));
    thread.unref(); // after the listeners: adding one refs the thread again; a write refs it while it waits
    worker = thread;
    return thread;
  }

  return {
    write(group, created) {
      return new Promise((resolve, reject) => {
        const thread = started();
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        thread.ref();
        thread.postMessage({ id, group, created });
      });
    },
    async close() {
      const thread = worker;
      if (!thread) return;
      worker = null;
      const exited = once(thread, 'exit');
      thread.ref(); // an unsettled wait for the exit would not keep the process up
      thread.postMessage({ type: 'close' });
      await exited;
    },
  };
}
