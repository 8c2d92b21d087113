// Runs the log's verification off the caller's event loop: a worker thread opens its own
// connection to the store (its `address`, like the projections' and the WAL checkpointer's
// threads) and walks the chain there, so that the server goes on answering while a million events
// are hashed. A store without an address (in memory) is verified here, in this thread.
import { verifyLog, type Verification, type VerifyOptions } from './logVerifier';
import type { EventStore, StoreAddress } from './port';
import { startTsWorker } from './tsWorker';

export interface VerifierSetup {
  address: StoreAddress;
  options: VerifyOptions;
}

export type VerifierReply = { type: 'done'; verification: Verification } | { type: 'failed'; message: string };

const workerModule = new URL('./logVerifierWorker.ts', import.meta.url);

export async function verifyLogInThread(store: EventStore, options: VerifyOptions = {}): Promise<Verification> {
  if (!store.address) return verifyLog(store, options);
  const setup: VerifierSetup = { address: store.address, options };
  const worker = startTsWorker(workerModule, setup);
  try {
    return await new Promise<Verification>((resolve, reject) => {
      worker.once('message', (reply: VerifierReply) =>
        reply.type === 'done' ? resolve(reply.verification) : reject(new Error(`the log's verification failed: ${reply.message}`)),
      );
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the log's verification thread exited (code ${code}) without an answer`)));
    });
  } finally {
    await worker.terminate();
  }
}
