// Issue #14, finding 4: the Idempotency-Key claims must hold no password, nor anything a word list
// can turn back into one (they kept a plain SHA-256 of url and body, passwords included, for a day).
// The claims live in the event store now (issue #21): neither the log nor server.db may hold one.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, addUser, allEvents, login, startApp, type TestApp } from './support';

const CREATED_PASSWORD = 'amber falcon orchard winter';
const RESET_PASSWORD = 'copper meadow lantern river';
const CHANGED_PASSWORD = 'silent harbor maple thunder';

let t: TestApp;
beforeEach(async () => {
  t = await startApp();
});
afterEach(async () => {
  await t.close();
});

/** Every byte of server.db and of the event log, their WAL and shared memory, as one buffer. */
function dataBytes(): Buffer {
  const files = readdirSync(t.dataDir).filter((f) => f.startsWith('server.db') || f.startsWith('events.db'));
  expect(files).toContain('server.db');
  expect(files).toContain('events.db');
  return Buffer.concat(files.map((f) => readFileSync(join(t.dataDir, f))));
}

const digests = (text: string) => {
  const d = createHash('sha256').update(text).digest();
  return [d.toString('base64url'), d.toString('hex'), d.toString('base64')];
};

describe('no secret reaches the event log or server.db through Idempotency-Key', () => {
  it('after a staff creation, a reset and a password change (each sent twice), no password nor its url+body SHA-256 is in the files', async () => {
    await addUser(t.store, 'ada', ['admin']);
    const mariaId = await addUser(t.store, 'maria', ['operator']);
    const admin = await login(t.app, 'ada');
    const sent: Array<{ url: string; body: object; cookie: string }> = [
      { url: '/api/staff-users', body: { username: 'luca', displayName: 'Luca', roles: ['operator'], password: CREATED_PASSWORD }, cookie: admin },
      { url: `/api/staff-users/${mariaId}/reset-password`, body: { newPassword: RESET_PASSWORD }, cookie: admin },
    ];
    for (const [i, r] of sent.entries()) {
      for (let n = 0; n < 2; n++) {
        const res = await t.app.inject({ method: 'POST', url: r.url, payload: r.body, headers: { cookie: r.cookie, 'idempotency-key': `k-${i}` } });
        expect(res.statusCode).toBeLessThan(300);
        if (n === 1) expect(res.headers['idempotent-replayed']).toBe('true');
      }
    }
    const maria = await login(t.app, 'maria', RESET_PASSWORD);
    const change = { url: '/api/auth/password', body: { currentPassword: RESET_PASSWORD, newPassword: CHANGED_PASSWORD }, cookie: maria };
    const changed = await t.app.inject({ method: 'POST', url: change.url, payload: change.body, headers: { cookie: maria, 'idempotency-key': 'k-change' } });
    expect(changed.statusCode).toBe(200);
    sent.push(change);

    // The answers were kept in the log (replayed above), without the passwords.
    const claims = (await allEvents(t.store)).filter((e) => e.type === 'IdempotentAnswerRecorded');
    expect(claims.length).toBeGreaterThanOrEqual(2);
    const bytes = dataBytes();
    for (const secret of [CREATED_PASSWORD, RESET_PASSWORD, CHANGED_PASSWORD, PASSWORD]) {
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    for (const r of sent) {
      for (const digest of digests(`POST ${r.url}\n${JSON.stringify(r.body)}`)) expect(bytes.includes(Buffer.from(digest))).toBe(false);
    }
  });

  it("the server's id, which its claims name, is made into DATA_DIR, readable by its owner only", () => {
    const file = join(t.dataDir, 'server.id');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').length).toBeGreaterThanOrEqual(36);
  });

  it('a same key with another password only replays; another non-secret field is still told apart', async () => {
    await addUser(t.store, 'ada', ['admin']);
    const admin = await login(t.app, 'ada');
    const create = (username: string, password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/staff-users',
        payload: { username, displayName: 'Luca', roles: ['operator'], password },
        headers: { cookie: admin, 'idempotency-key': 'same-key' },
      });
    expect((await create('luca', CREATED_PASSWORD)).statusCode).toBe(201);
    expect((await create('luca', RESET_PASSWORD)).headers['idempotent-replayed']).toBe('true');
    expect((await create('other', CREATED_PASSWORD)).statusCode).toBe(422);
  });
});

describe('the fields taken for secrets', () => {
  it('password fields, PINs, PUKs, secrets and tokens, at any depth; not ordinary fields', async () => {
    const { secretField, withoutSecrets } = await import('../../../server/plugins/app/idempotency');
    for (const name of ['password', 'newPassword', 'currentPassword', 'pin', 'newPin', 'PUK', 'clientSecret', 'token']) {
      expect(secretField(name)).toBe(true);
    }
    for (const name of ['username', 'roles', 'serial', 'shipping', 'amount']) expect(secretField(name)).toBe(false);
    expect(withoutSecrets({ a: 1, device: { pin: '1234', serial: 'X' }, list: [{ password: 'p' }] })).toEqual({
      a: 1,
      device: { serial: 'X' },
      list: [{}],
    });
  });
});

describe('answers kept by an older version', () => {
  it('rows with the old plain-SHA-256 fingerprint are deleted at start and their bytes overwritten', async () => {
    const { default: Database } = await import('better-sqlite3');
    const { tempDir } = await import('../../support/tmp');
    const dir = tempDir('bo-idem-upgrade-');
    const marker = 'old-row-secret-marker-4f2a';
    const db = new Database(join(dir.path, 'server.db'));
    db.exec(`CREATE TABLE idempotent_answers (
      user_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
      status INTEGER NOT NULL, content_type TEXT, payload TEXT, created INTEGER NOT NULL,
      PRIMARY KEY (user_id, key))`);
    db.prepare('INSERT INTO idempotent_answers VALUES (?, ?, ?, 201, ?, ?, ?)').run('u', 'k', `${marker}-hash`, 'application/json', `{"x":"${marker}"}`, Date.now());
    db.close();
    const upgraded = await startApp({ dataDir: dir.path }); // close() leaves the directory
    await upgraded.close();
    const files = readdirSync(dir.path).filter((f) => f.startsWith('server.db'));
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(dir.path, f))));
    expect(bytes.includes(Buffer.from(marker))).toBe(false);
    dir.remove();
  });
});
