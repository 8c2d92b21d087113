// A consumer of a persistent subscription group in a process of its own, which takes events and
// never acknowledges them: `node --import tsx holdingConsumer.ts <connection string> <group>`.
// Prints `confirmed` once joined and `held <event id>` for each event handed to it; a test kills it
// (SIGKILL, as a server dies) to see what the group does with what it held.
import { EventStoreDBClient } from '@eventstore/db-client';

const [connectionString, group] = process.argv.slice(2);
const client = EventStoreDBClient.connectionString(connectionString!);
const subscription = client.subscribeToPersistentSubscriptionToAll(group!, { bufferSize: 10 });
subscription.on('error', (error) => {
  process.stderr.write(`subscription error: ${error.message}\n`);
  process.exit(1);
});
subscription.once('confirmation', () => process.stdout.write('confirmed\n'));
for await (const resolved of subscription) process.stdout.write(`held ${resolved.event!.id}\n`);
