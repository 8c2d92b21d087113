// The thread of events/logVerifierThread.ts: its own connection to the store, read only.
import { parentPort, workerData } from 'node:worker_threads';
import { verifyLog } from './logVerifier';
import type { VerifierReply, VerifierSetup } from './logVerifierThread';
import { openStoreAt } from './open';

const { address, options } = workerData as VerifierSetup;

async function run(): Promise<VerifierReply> {
  const store = await openStoreAt(address, { readsOnly: true });
  try {
    return { type: 'done', verification: await verifyLog(store, options) };
  } finally {
    await store.close();
  }
}

run().then(
  (reply) => parentPort!.postMessage(reply),
  (error: unknown) => parentPort!.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies VerifierReply),
);
