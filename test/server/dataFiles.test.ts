// The data directory is private to the server's user: the event log, server.db (session hashes,
// login throttling, reactor checkpoints), server.id, read.db (customers, coupon codes), their -wal/-shm files and the demo's
// files are 0600, directories 0700; whatever umask started the process, and also files an
// earlier start left world-readable.
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import { buildApp } from '../../server/app';
import { startServer } from '../support/process';
import { tempDir } from '../support/tmp';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

/** Every entry under `root` (root included) with its permission bits, e.g. { 'read.db': '600' }. */
function modes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string) => {
    const stat = statSync(path);
    out[relative(root, path) || '.'] = (stat.mode & 0o777).toString(8);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(root);
  return out;
}

function expectPrivate(root: string, mustHave: string[]) {
  const found = modes(root);
  for (const name of mustHave) expect(Object.keys(found), name).toContain(name);
  for (const [name, mode] of Object.entries(found)) {
    const wanted = statSync(join(root, name)).isDirectory() ? '700' : '600';
    expect(`${name} ${mode}`).toBe(`${name} ${wanted}`);
  }
}

describe('data files', () => {
  it('are created 0600 in 0700 directories by the stores and the app, even under umask 022', async () => {
    const previous = process.umask(0o022);
    const dir = tempDir('bo-files-');
    dirs.push(dir);
    const data = join(dir.path, 'data');
    try {
      const store = createSqliteStore({ file: join(data, 'events.db') });
      const app = await buildApp({ store, dataDir: data, sales: { reactors: false } });
      await app.ready();
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      expectPrivate(data, ['.', 'events.db', 'events.db-wal', 'events.db-shm', 'server.db', 'server.db-wal', 'read.db', 'read.db-wal']);
      await app.close();
    } finally {
      process.umask(previous);
    }
  });

  it('are made private at start when an earlier start left them readable by others', async () => {
    const dir = tempDir('bo-files-');
    dirs.push(dir);
    const data = join(dir.path, 'data');
    mkdirSync(join(data, 'demo-mail'), { recursive: true });
    const store = createSqliteStore({ file: join(data, 'events.db') });
    await store.close();
    writeFileSync(join(data, 'demo-mail', 'old.eml'), 'Subject: coupon\r\n\r\nK7Q2-9XMD-4HRT-0ZBW-J8NC');
    writeFileSync(join(data, 'demo-credentials.txt'), 'operatore x\n');
    for (const [name, mode] of Object.entries(modes(data))) {
      chmodSync(join(data, name), statSync(join(data, name)).isDirectory() ? 0o755 : 0o644);
      expect(mode).toMatch(/^[67][0-7][0-7]$/);
    }

    const server = await startServer({ DATA_DIR: data, DEMO: 'true' });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expectPrivate(data, ['.', 'events.db', 'server.db', 'read.db', 'demo-mail', 'demo-mail/old.eml', 'demo-credentials.txt']);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expectPrivate(data, ['events.db', 'server.db', 'read.db']);
  }, 90_000);
});
