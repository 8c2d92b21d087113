// The two event stores a scenario runs on, for `describe.each(eventStores)`: the embedded SQLite
// store (no store given: the test app opens its own on its data directory) and EventStoreDB (the
// wire-compatible test server, started for the test; `stop` ends it after the app is closed).
import { createEventStoreDbStore } from '../../events/adapters/eventstoredb';
import type { EventStore } from '../../events/port';
import { EventStoreTestServer } from '../events/eventstoredb/testServer';

export interface OpenedStore {
  /** The store to give the app; undefined for the app's own SQLite store. */
  store?: EventStore;
  stop(): Promise<void>;
}

export const eventStores: Array<[name: string, open: () => Promise<OpenedStore>]> = [
  ['SQLite', async () => ({ stop: async () => {} })],
  [
    'EventStoreDB',
    async () => {
      const server = await EventStoreTestServer.start({});
      return { store: createEventStoreDbStore(server.connectionString), stop: () => server.stop() };
    },
  ],
];
