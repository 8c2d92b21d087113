// Run by crash.test.ts as a child process, then killed with SIGKILL mid-stream:
// `node --import tsx test/server/read/crashChild.ts <dir>` builds every read model of the back office from
// <dir>/events.db into <dir>/read.db, slowly (a busy wait before each event applied, in copies of
// the real projections: same names and versions), printing the lowest checkpoint as it goes.
import { join } from 'node:path';
import { createSqliteStore } from '../../../events/adapters/sqlite';
import { catalogue } from '../../../events/index';
import { projections } from '../../../projections/index';
import type { Projection } from '../../../projections/projection';
import { openReadModelDb } from '../../../projections/readModelDb';
import { ProjectionRunner } from '../../../projections/runner';

const dir = process.argv[2];
if (!dir) throw new Error('usage: crashChild.ts <dir>');
const store = createSqliteStore({ file: join(dir, 'events.db') });
const db = openReadModelDb(join(dir, 'read.db'));
const busy = () => {
  const until = performance.now() + 0.3;
  while (performance.now() < until);
};
const slowed: Projection<any>[] = projections.map((p) => ({
  ...p,
  apply(db, event, t) {
    busy();
    p.apply(db, event, t);
  },
}));
const runner = new ProjectionRunner({ store, catalogue, db, projections: slowed, batchSize: 20 });
await runner.start();
setInterval(() => process.stdout.write(`${Math.min(...runner.snapshot().map((s) => s.position))}\n`), 2);
