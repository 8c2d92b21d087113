import { join } from 'node:path';
import { createSqliteStore } from './adapters/sqlite';
import type { EventStore, StoreAddress } from './port';

/** The embedded store's file inside DATA_DIR; backups copy it and restores recreate it. */
export const EVENT_LOG_FILE = 'events.db';

export interface StoreChoice {
  eventStore: 'sqlite' | 'eventstoredb';
  eventStoreUrl?: string | undefined;
  dataDir: string;
}

/** Opens the store the configuration names. */
export async function openEventStore(choice: StoreChoice): Promise<EventStore> {
  if (choice.eventStore === 'eventstoredb') {
    const { createEventStoreDbStore } = await import('./adapters/eventstoredb');
    return createEventStoreDbStore(choice.eventStoreUrl!);
  }
  return createSqliteStore({ file: join(choice.dataDir, EVENT_LOG_FILE) });
}

/**
 * Another connection to a store's log (from another thread): `store.address` of the first one.
 * `readsOnly`: this connection only reads (it leaves the file's upkeep to the first one).
 */
export async function openStoreAt(address: StoreAddress, { readsOnly = false }: { readsOnly?: boolean } = {}): Promise<EventStore> {
  if (address.kind === 'eventstoredb') {
    const { createEventStoreDbStore } = await import('./adapters/eventstoredb');
    return createEventStoreDbStore(address.connectionString);
  }
  return createSqliteStore({ file: address.file, checkpointer: !readsOnly });
}
