// A read-model database whose disk fills up: the projections stop writing, keep nothing half done,
// and go on by themselves once space is freed (a full disk is not the projection's fault). Needs a
// small tmpfs (`mount -t tmpfs`, root): where mounting is not permitted the test says so and ends.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import { openReadModelDb } from '../../projections/readModelDb';
import { ProjectionRunner } from '../../projections/runner';
import { tempDir } from '../support/tmp';
import { appendMix, buildFromScratch, customersProjection, dump, memoryLogger, testCatalogue, totalsProjection } from './fixtures';

let dir: { path: string; remove(): void };
let small: string;
let mounted = false;
beforeEach(() => {
  dir = tempDir('projections-disk-');
  small = join(dir.path, 'small');
});
afterEach(() => {
  if (mounted) execFileSync('umount', [small]);
  mounted = false;
  dir.remove();
});

function mountSmallDisk(): boolean {
  mkdirSync(small);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', small], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fills the disk to its last byte; returns the filler's path. */
function fill(path: string): string {
  const filler = join(path, 'filler');
  const chunk = Buffer.alloc(64 * 1024, 1);
  let written = Buffer.alloc(0);
  for (;;) {
    try {
      written = Buffer.concat([written, chunk]);
      writeFileSync(filler, written);
    } catch {
      return filler;
    }
  }
}

/**
 * The most events the runner held beyond what it had written, watched over three seconds. The logs
 * here start empty, so positions are contiguous from 1 and events read minus the position reached
 * is what is held.
 */
async function mostHeld(runner: ProjectionRunner): Promise<number> {
  let most = 0;
  for (let i = 0; i < 10; i++) {
    most = Math.max(most, runner.eventsRead - Math.min(...runner.snapshot().map((s) => s.position)));
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return most;
}

it('a full disk under the read models: nothing is failed for good, and they catch up once space is freed', async (context) => {
  mounted = mountSmallDisk();
  if (!mounted) {
    context.skip('mounting a tmpfs is not permitted here');
    return;
  }
  const store = createSqliteStore({ file: join(dir.path, 'events.db') });
  const logger = memoryLogger();
  const db = openReadModelDb(join(small, 'read.db'));
  const runner = new ProjectionRunner({ store, catalogue: testCatalogue, db, projections: [customersProjection(), totalsProjection()], batchSize: 50, logger });
  try {
    await appendMix(store, 0, 200);
    await runner.start();
    expect(await runner.waitFor(await store.headPosition(), undefined, 10_000)).toBe(true);

    const filler = fill(small);
    await appendMix(store, 200, 2000);
    const head = await store.headPosition();
    expect(await runner.waitFor(head, undefined, 1500)).toBe(false);
    expect(runner.snapshot().map((s) => s.error)).toEqual([null, null]);
    // While the disk stays full the lane holds one batch and reads no further into the log.
    expect(await mostHeld(runner)).toBeLessThanOrEqual(50);

    rmSync(filler);
    expect(await runner.waitFor(head, undefined, 15_000)).toBe(true);
    expect(runner.snapshot().map((s) => s.error)).toEqual([null, null]);
    expect(dump(db)).toEqual(await buildFromScratch(store, [customersProjection(), totalsProjection()], join(dir.path, 'fresh.db')));
  } finally {
    await runner.stop();
    db.close();
    await store.close();
  }
}, 60_000);

it('a full disk under a rebuild reading ahead: nothing failed for good, the lane holds no more than the page in hand, and it completes once space is freed', async (context) => {
  mounted = mountSmallDisk();
  if (!mounted) {
    context.skip('mounting a tmpfs is not permitted here');
    return;
  }
  const store = createSqliteStore({ file: join(dir.path, 'events.db') });
  const logger = memoryLogger();
  const db = openReadModelDb(join(small, 'read.db'));
  const projections = () => [customersProjection(), totalsProjection()];
  const runner = new ProjectionRunner({
    store,
    catalogue: testCatalogue,
    db,
    projections: projections(),
    batchSize: 50,
    logger,
    readAhead: { catalogue: { module: new URL('./fixtures.ts', import.meta.url), name: 'testCatalogue' }, minEvents: 1 },
  });
  try {
    const head = await appendMix(store, 0, 3000);
    await runner.start();
    // Filled while the worker starts (start() has written what it needs): its pages meet a full disk.
    const filler = fill(small);
    await expect.poll(() => logger.lines.some((line) => line.msg.startsWith('read models not written')), { timeout: 15_000 }).toBe(true);
    expect(logger.lines.map((line) => line.msg)).toContain('reading the log ahead on another thread');
    // What the lane holds beyond what is written never exceeds the page in hand.
    expect(await mostHeld(runner)).toBeLessThanOrEqual(50);
    expect(runner.snapshot().map((s) => s.error)).toEqual([null, null]);

    rmSync(filler);
    expect(await runner.waitFor(head, undefined, 20_000)).toBe(true);
    expect(runner.snapshot().map((s) => s.error)).toEqual([null, null]);
    expect(dump(db)).toEqual(await buildFromScratch(store, projections(), join(dir.path, 'fresh.db')));
  } finally {
    await runner.stop();
    db.close();
    await store.close();
  }
}, 60_000);
