import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import { openReadModelDb } from '../../projections/readModelDb';
import { ProjectionRunner } from '../../projections/runner';
import { tempDir } from '../support/tmp';
import { appendMix, buildFromScratch, customersProjection, dump, testCatalogue, totalsProjection } from './fixtures';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('killed with SIGKILL mid-stream, the runner resumes from its checkpoint to the same read model as a build from scratch', async () => {
  const dir = tempDir('projections-crash-');
  const store = createSqliteStore({ file: join(dir.path, 'events.db') });
  try {
    const head = await appendMix(store, 0, 4000, 200);

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/projections/crashChild.ts', dir.path], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = once(child, 'exit');
    let lastSeen = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const positions = chunk.toString().trim().split('\n').map(Number);
        lastSeen = Math.max(lastSeen, ...positions);
        if (lastSeen >= 600) resolve();
      });
      void exited.then(() => reject(new Error(`the child exited early: ${stderr}`)));
    });
    child.kill('SIGKILL');
    await exited;

    const db = openReadModelDb(join(dir.path, 'read.db'));
    const checkpoints = db.prepare('SELECT position FROM _projections ORDER BY name').pluck().all() as number[];
    for (const position of checkpoints) {
      expect(position).toBeGreaterThanOrEqual(600);
      expect(position).toBeLessThan(head);
    }
    const runner = new ProjectionRunner({
      store,
      catalogue: testCatalogue,
      db,
      projections: [customersProjection(), totalsProjection()],
      batchSize: 500,
    });
    await runner.start();
    await runner.whenCaughtUp();
    const resumed = dump(db);
    await runner.stop();
    db.close();
    expect(resumed).toEqual(
      await buildFromScratch(store, [customersProjection(), totalsProjection()], join(dir.path, 'scratch.db')),
    );
  } finally {
    await store.close();
    dir.remove();
  }
});
