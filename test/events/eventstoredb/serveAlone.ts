// The EventStoreDB test server in a process of its own (`node --import tsx serveAlone.ts`): prints
// `listening <connection string>` and serves until killed. For tests that need the node to vanish
// or freeze as a machine would (SIGKILL, SIGSTOP) while the back office goes on.
import { EventStoreTestServer } from './testServer';

const server = await EventStoreTestServer.start();
process.stdout.write(`listening ${server.connectionString}\n`);
setInterval(() => {}, 60_000);
