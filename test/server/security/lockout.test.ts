// Issue #14, finding 2: failed logins must not let anyone lock an account out for everybody.
// Counted per (username, client address), with a higher ceiling across addresses that slows down
// and never locks, the last admin never locked, and a CLI on the server machine that unlocks.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, addUser, startApp, type TestApp } from './support';

let t: TestApp;
beforeEach(async () => {
  t = await startApp();
});
afterEach(async () => {
  await t.close();
});

const tryLogin = (username: string, password: string, from = '198.51.100.7') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: from });

/** Fails `n` logins from one address, each after waiting out the throttle. */
async function failFrom(username: string, from: string, n: number) {
  for (let i = 0; i < n; i++) {
    t.clock.advance(10 * 60_000);
    expect((await tryLogin(username, 'not the password at all', from)).statusCode).toBe(401);
  }
}

/** The read model that tells how many admins are enabled has every user written so far. */
async function staffReadModelCaughtUp() {
  expect(await t.app.projections.waitFor(await t.store.headPosition(), ['staff-users'], 5_000)).toBe(true);
}

describe('failed logins lock a username from one address only', () => {
  it('ten failures from one address lock it there; the owner logs in from elsewhere', async () => {
    await addUser(t.store, 'maria', ['operator']);
    await failFrom('maria', '198.51.100.7', 10);
    const here = await tryLogin('maria', PASSWORD, '198.51.100.7');
    expect(here.statusCode).toBe(429);
    expect(here.json()).toMatchObject({ code: 'account_locked', message: expect.stringMatching(/from this address/) });
    expect((await tryLogin('maria', PASSWORD, '203.0.113.20')).statusCode).toBe(200);
  });

  it('an address cycling through many usernames locks them for itself only', async () => {
    const names = ['anna', 'bruno', 'carla', 'dario'];
    for (const name of names) await addUser(t.store, name, ['operator']);
    for (const name of names) {
      await failFrom(name, '198.51.100.66', 10);
      expect((await tryLogin(name, PASSWORD, '198.51.100.66')).json().code).toBe('account_locked');
      expect((await tryLogin(name, PASSWORD, '203.0.113.20')).statusCode).toBe(200);
    }
  });
});

describe('across addresses a username is slowed down, never locked', () => {
  it('after 100 failures from many addresses every attempt waits (capped at a minute), then the right password works', async () => {
    await addUser(t.store, 'maria', ['operator']);
    for (let i = 0; i < 100; i++) {
      expect((await tryLogin('maria', 'not the password at all', `10.0.${i >> 8}.${i & 255}`)).statusCode).toBe(401);
    }
    const fresh = await tryLogin('maria', PASSWORD, '203.0.113.20');
    expect(fresh.statusCode).toBe(429);
    expect(fresh.json().code).toBe('login_throttled');
    expect(fresh.headers['retry-after']).toBe('1');
    // More failures double the wait, up to a minute, and no lock ever follows.
    for (let i = 0; i < 20; i++) {
      t.clock.advance(60_000);
      expect((await tryLogin('maria', 'not the password at all', `10.1.0.${i}`)).statusCode).toBe(401);
    }
    const capped = await tryLogin('maria', PASSWORD, '203.0.113.20');
    expect(capped.json().code).toBe('login_throttled');
    expect(Number(capped.headers['retry-after'])).toBe(60);
    t.clock.advance(60_000);
    expect((await tryLogin('maria', PASSWORD, '203.0.113.20')).statusCode).toBe(200);
  });
});

describe('the last enabled admin is slowed down, never locked', () => {
  it('twenty failures from one address: waits of at most a minute, then the right password works', async () => {
    await addUser(t.store, 'boss', ['admin']);
    await staffReadModelCaughtUp();
    await failFrom('boss', '198.51.100.7', 20);
    const gate = await tryLogin('boss', PASSWORD, '198.51.100.7');
    expect(gate.statusCode).toBe(429);
    expect(gate.json().code).toBe('login_throttled');
    expect(Number(gate.headers['retry-after'])).toBeLessThanOrEqual(60);
    t.clock.advance(60_000);
    expect((await tryLogin('boss', PASSWORD, '198.51.100.7')).statusCode).toBe(200);
  });

  it('with a second enabled admin, the admin is locked from that address like anyone', async () => {
    await addUser(t.store, 'boss', ['admin']);
    await addUser(t.store, 'vice', ['admin']);
    await staffReadModelCaughtUp();
    await failFrom('boss', '198.51.100.7', 10);
    expect((await tryLogin('boss', PASSWORD, '198.51.100.7')).json().code).toBe('account_locked');
  });
});

describe('unlocking without another admin', () => {
  it('`server/cli/unlockUser.ts --username` on the server machine lifts the lock at once', async () => {
    await addUser(t.store, 'maria', ['operator']);
    await failFrom('maria', '198.51.100.7', 10);
    expect((await tryLogin('maria', PASSWORD, '198.51.100.7')).json().code).toBe('account_locked');
    const run = await promisify(execFile)('npx', ['tsx', 'server/cli/unlockUser.ts', '--username', 'MARIA'], {
      env: { ...process.env, DATA_DIR: t.dataDir, DEMO: 'false' },
    });
    expect(run.stdout).toMatch(/Unlocked MARIA/);
    expect((await tryLogin('maria', PASSWORD, '198.51.100.7')).statusCode).toBe(200);
  }, 30_000);

  it('the CLI names the missing argument', async () => {
    const run = promisify(execFile)('npx', ['tsx', 'server/cli/unlockUser.ts'], { env: { ...process.env, DATA_DIR: t.dataDir } });
    await expect(run).rejects.toMatchObject({ stderr: expect.stringMatching(/--username: is required/) });
  }, 30_000);
});
