// The console's side of the verifiable log, over real HTTP on the real app and an embedded store:
// the accountants and the admins verify the log now (recorded as LogVerified), read the last
// verification and the head hash to export; nobody else may.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiWorld } from '../../api/support';

let world: ApiWorld;

beforeAll(async () => {
  world = await startApi({ reactors: false });
}, 120_000);
afterAll(async () => world?.close());

describe('the log verification routes', { timeout: 120_000 }, () => {
  it('only the accountants and the admins may read or run the verification', async () => {
    for (const who of ['operator', 'supervisor'] as const) {
      expect((await world[who].get('/api/log-verification')).status).toBe(403);
      expect((await world[who].post('/api/log-verification')).status).toBe(403);
    }
    expect((await world.anonymous.get('/api/log-verification')).status).toBe(401);
    expect((await world.admin.get('/api/log-verification')).status).toBe(200);
  });

  it('an accountant verifies the log now; the verification is recorded and read back with the head hash', async () => {
    const run = await world.accountant.post('/api/log-verification');
    expect(run.status).toBe(201);
    const record = run.json();
    expect(record).toMatchObject({ ok: true, via: 'console', broken: null, beforeChain: 0 });
    expect(record.verified).toBeGreaterThan(0);
    expect(record.head.hash).toMatch(/^[0-9a-f]{64}$/);

    const read = (await world.accountant.get('/api/log-verification')).json();
    expect(read.last).toEqual(record);
    // The head now is the LogVerified event itself, chained after the head it verified.
    expect(read.head.position).toBe(record.position);
    expect(read.head.hash).not.toBe(record.head.hash);
  });

  it('a changed byte in the log file is reported by the next verification, with the first broken link', async () => {
    const db = new Database(join(world.dataDir, 'events.db'));
    try {
      const first = db.prepare('SELECT position, stream FROM events ORDER BY position LIMIT 1').get() as { position: number; stream: string };
      db.prepare(`UPDATE events SET data = json_set(data, '$.tampered', 1) WHERE position = ?`).run(first.position);
      const run = (await world.admin.post('/api/log-verification')).json();
      expect(run.ok).toBe(false);
      expect(run.broken).toMatchObject({ position: first.position, stream: first.stream, kind: 'content_altered' });
      expect((await world.accountant.get('/api/log-verification')).json().last.broken.position).toBe(first.position);
    } finally {
      db.close();
    }
  });
});
