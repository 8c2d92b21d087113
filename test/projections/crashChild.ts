// Run by crash.test.ts as a child process, then killed with SIGKILL mid-stream:
// `node --import tsx test/projections/crashChild.ts <dir>` builds the test projections of
// <dir>/events.db into <dir>/read.db, slowly, printing the customers' position as it goes.
import { join } from 'node:path';
import { createSqliteStore } from '../../events/adapters/sqlite';
import { openReadModelDb } from '../../projections/readModelDb';
import { ProjectionRunner } from '../../projections/runner';
import { customersProjection, testCatalogue, totalsProjection } from './fixtures';

const dir = process.argv[2];
if (!dir) throw new Error('usage: crashChild.ts <dir>');
const store = createSqliteStore({ file: join(dir, 'events.db') });
const db = openReadModelDb(join(dir, 'read.db'));
const busy = () => {
  const until = performance.now() + 0.05;
  while (performance.now() < until);
};
const runner = new ProjectionRunner({
  store,
  catalogue: testCatalogue,
  db,
  projections: [customersProjection({ probe: busy }), totalsProjection()],
  batchSize: 20,
});
await runner.start();
setInterval(() => process.stdout.write(`${runner.snapshot()[0]!.position}\n`), 2);
