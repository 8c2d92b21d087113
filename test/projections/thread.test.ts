// The back office's projections in their worker thread, as the server uses them: their own
// connections to the event log and the read models, progress reported back for read-your-writes.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import type { EventStore } from '../../events/port';
import { readModelFile } from '../../projections/readModelDb';
import type { RunnerLogger } from '../../projections/runner';
import { ProjectionThread } from '../../projections/thread';
import { addUser } from '../server/security/support';
import { tempDir } from '../support/tmp';

let dir: { path: string; remove(): void };
let store: EventStore;
const logged: Array<{ level: string; msg: string }> = [];
const logger: RunnerLogger = {
  info: (_obj, msg) => logged.push({ level: 'info', msg }),
  warn: (_obj, msg) => logged.push({ level: 'warn', msg }),
  error: (_obj, msg) => logged.push({ level: 'error', msg }),
};

beforeEach(() => {
  dir = tempDir('projection-thread-');
  store = createSqliteStore({ file: join(dir.path, 'events.db') });
  logged.length = 0;
});

afterEach(async () => {
  await store.close();
  dir.remove();
});

const usernames = (thread: ProjectionThread) =>
  (thread.db.prepare('SELECT username FROM staff_users ORDER BY username').all() as { username: string }[]).map((r) => r.username);

it('builds the read models from what is already in the log, then follows live appends made in this thread', async () => {
  await addUser(store, 'anna', ['operator']);
  const thread = await ProjectionThread.start({ store: store.address!, readModelFile: readModelFile(dir.path) }, logger);
  try {
    await thread.whenCaughtUp();
    expect(usernames(thread)).toEqual(['anna']);
    expect(thread.snapshot().every((s) => s.state === 'live')).toBe(true);

    await addUser(store, 'bruno', ['accountant']);
    const head = await store.headPosition();
    expect(await thread.waitFor(head, ['staff-users'])).toBe(true);
    expect(usernames(thread)).toEqual(['anna', 'bruno']);

    const statuses = await thread.status();
    expect(statuses.find((s) => s.name === 'staff-users')).toMatchObject({ position: head, head, lagEvents: 0, state: 'live' });
    expect(logged.some((l) => l.msg === 'projection caught up')).toBe(true);
    expect(() => thread.waitFor(head, ['no-such-projection'])).toThrow(/no projection named no-such-projection/);
    // Its own OS thread, which the orders bench reads the read models' CPU from.
    expect(readdirSync('/proc/self/task')).toContain(thread.osThread);
    expect(thread.osThread).not.toBe(String(process.pid));
  } finally {
    await thread.stop();
  }
});

it('once stopped, waiting for the read models answers false at once and the projections show stopped', async () => {
  const thread = await ProjectionThread.start({ store: store.address!, readModelFile: readModelFile(dir.path) }, logger);
  await thread.whenCaughtUp();
  await thread.stop();
  await addUser(store, 'carla', ['supervisor']);
  expect(await thread.waitFor(await store.headPosition(), undefined, 10_000)).toBe(false);
  expect(new Set(thread.snapshot().map((s) => s.state))).toEqual(new Set(['stopped']));
  await expect(thread.status()).rejects.toThrow(/stopped/);
});

it('a read-model database that cannot be opened fails the start with the reason, and leaves no thread behind', async () => {
  // A directory where the read-model file should be.
  await expect(ProjectionThread.start({ store: store.address!, readModelFile: dir.path }, logger)).rejects.toThrow(/directory|unable to open/i);
});
