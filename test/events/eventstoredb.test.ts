// The event-store contract against the EventStoreDB adapter: against a real EventStoreDB when
// EVENTSTORE_URL is set (e.g. esdb://localhost:2113?tls=false), otherwise against the in-process
// wire-compatible test server, once with Streams.BatchAppend (what current servers offer) and
// once with Streams.Append (what the client falls back to without ServerFeatures).
import { createEventStoreDbStore } from '../../events/adapters/eventstoredb';
import { EventStoreTestServer, type TestServerOptions } from './eventstoredb/testServer';
import { runEventStoreContract } from './contract';

const url = process.env.EVENTSTORE_URL;

if (url) {
  runEventStoreContract(`EventStoreDB at ${url}`, async () => {
    const store = createEventStoreDbStore(url);
    return { store, cleanup: () => store.close() };
  });
} else {
  const againstTestServer = (name: string, options: TestServerOptions) =>
    runEventStoreContract(`EventStoreDB adapter, test server (${name})`, async () => {
      const server = await EventStoreTestServer.start(options);
      const store = createEventStoreDbStore(server.connectionString);
      return {
        store,
        async cleanup() {
          await store.close();
          await server.stop();
        },
      };
    });
  againstTestServer('BatchAppend', {});
  againstTestServer('Append, no ServerFeatures', { serverFeatures: false });
}
