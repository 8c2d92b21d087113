// The first admin: from ADMIN_USERNAME / ADMIN_PASSWORD on the first start, or from the one-off CLI;
// never a default password. Real server processes and a real CLI process on a temp data dir.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config';
import { disableUser, enableUser } from '../../../domain/staff/decider';
import { enabledAdminExists, ensureFirstAdmin, systemContext } from '../../../server/security/bootstrap';
import { runStaffCommand } from '../../../server/features/staff/accounts';
import { runServerEntry, startServer, type ServerProcess } from '../../support/process';
import { tempDir } from '../../support/tmp';
import { addUser, startApp, type TestApp } from './support';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const ADMIN_PASSWORD = 'first admin passphrase';

const dirs: Array<{ remove(): void }> = [];
const servers: ServerProcess[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.child.kill('SIGTERM');
    await s.exit;
  }
  dirs.splice(0).forEach((d) => d.remove());
});

function dataDir() {
  const dir = tempDir('bo-bootstrap-');
  dirs.push(dir);
  return dir.path;
}

async function serve(env: Record<string, string>) {
  const server = await startServer(env);
  servers.push(server);
  return server;
}

async function stop(server: ServerProcess) {
  servers.splice(servers.indexOf(server), 1);
  server.child.kill('SIGTERM');
  expect(await server.exit).toBe(0);
}

async function loginOver(url: string, username: string, password: string) {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { status: response.status, cookie };
}

function cli(args: string[], env: Record<string, string>, stdin?: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/createAdmin.ts', ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ADMIN_USERNAME: '', ADMIN_PASSWORD: '', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  if (stdin !== undefined) child.stdin.end(stdin);
  return once(child, 'exit').then(([code]) => ({ code: code as number, out, err }));
}

describe('the first admin', () => {
  it('starts without ADMIN_* and says how to create the first admin', async () => {
    const server = await serve({ DATA_DIR: dataDir() });
    expect(server.stdout()).toContain('No staff admin exists yet: set ADMIN_USERNAME and ADMIN_PASSWORD');
    expect(server.stdout()).toContain('server/cli/createAdmin.ts');
    expect((await fetch(`${server.url}/api/staff-users`)).status).toBe(401);
  });

  it('is created from ADMIN_USERNAME / ADMIN_PASSWORD on the first start only', async () => {
    const dir = dataDir();
    const first = await serve({ DATA_DIR: dir, ADMIN_USERNAME: 'boss', ADMIN_PASSWORD });
    expect(first.stdout()).toContain('Created the first admin, boss');
    const { status, cookie } = await loginOver(first.url, 'boss', ADMIN_PASSWORD);
    expect(status).toBe(200);
    const me = await fetch(`${first.url}/api/auth/me`, { headers: { cookie } });
    expect(await me.json()).toMatchObject({ username: 'boss', roles: ['admin'] });
    await stop(first);

    // An admin exists: the variables are ignored (no second admin, no password change).
    const second = await serve({ DATA_DIR: dir, ADMIN_USERNAME: 'other', ADMIN_PASSWORD: 'another admin passphrase' });
    expect(second.stdout()).not.toContain('Created');
    expect(second.stdout()).not.toContain('No staff admin');
    expect((await loginOver(second.url, 'other', 'another admin passphrase')).status).toBe(401);
    expect((await loginOver(second.url, 'boss', ADMIN_PASSWORD)).status).toBe(200);
    // Two real server processes started one after the other: 20 s was too short on a busy machine.
  }, 60_000);

  it('refuses to start with a weak ADMIN_PASSWORD, with one clear line that does not repeat it', async () => {
    const child = runServerEntry({ DATA_DIR: '/nonexistent-never-created', ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: 'short pass' });
    let err = '';
    let out = '';
    child.stderr.on('data', (c) => (err += c));
    child.stdout.on('data', (c) => (out += c));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe('Configuration error: ADMIN_PASSWORD must have at least 12 characters\n');
  });

  it.each([
    [{ ADMIN_USERNAME: 'boss' }, 'ADMIN_PASSWORD is required when ADMIN_USERNAME is set'],
    [{ ADMIN_PASSWORD }, 'ADMIN_USERNAME is required when ADMIN_PASSWORD is set'],
    [{ ADMIN_USERNAME: 'the boss', ADMIN_PASSWORD }, 'ADMIN_USERNAME must be 3 to 64 letters'],
    [{ ADMIN_USERNAME: 'administrator', ADMIN_PASSWORD: 'Administrator' }, 'ADMIN_PASSWORD must not be the username'],
    [{ CORS_ORIGINS: 'http://localhost:5173, localhost:3000' }, 'CORS_ORIGINS must be a comma-separated list of origins'],
  ])('the configuration refuses %j', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    if ('ADMIN_PASSWORD' in env && env.ADMIN_PASSWORD) expect((error as Error).message).not.toContain(env.ADMIN_PASSWORD);
  });

  it('reads the security settings from the environment', () => {
    const config = loadConfig({ CORS_ORIGINS: 'http://localhost:5173,https://console.example', COOKIE_SECURE: 'true', LOGIN_LOCK_AFTER: '5', LOGIN_LOCK_MINUTES: '30' });
    expect(config).toMatchObject({
      corsOrigins: ['http://localhost:5173', 'https://console.example'],
      cookieSecure: true,
      loginLockAfter: 5,
      loginLockMs: 30 * 60_000,
      sessionIdleMs: 60 * 60_000,
      sessionMaxMs: 12 * 3_600_000,
      admin: undefined,
    });
  });
});

describe('the createAdmin CLI', () => {
  it('creates an admin with the password read from standard input, and the server lets them in', async () => {
    const dir = dataDir();
    const made = await cli(['--username', 'carla', '--display-name', 'Carla Neri'], { DATA_DIR: dir }, `${ADMIN_PASSWORD}\n`);
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/^Created admin carla \(id [0-9a-f-]{36}\)\.\n$/);

    const server = await serve({ DATA_DIR: dir });
    expect(server.stdout()).not.toContain('No staff admin');
    const { status, cookie } = await loginOver(server.url, 'carla', ADMIN_PASSWORD);
    expect(status).toBe(200);
    expect(await (await fetch(`${server.url}/api/auth/me`, { headers: { cookie } })).json()).toMatchObject({
      displayName: 'Carla Neri',
      roles: ['admin'],
    });
    await stop(server);

    // The same username again: refused, nothing created.
    const again = await cli(['--username', 'CARLA'], { DATA_DIR: dir, ADMIN_PASSWORD: 'yet another passphrase' });
    expect(again.code).toBe(1);
    expect(again.err.trim()).toBe('Cannot create the admin: the username CARLA is taken');
  });

  it('refuses a password on the command line, and a weak one', async () => {
    const dir = dataDir();
    const argv = await cli(['--username', 'dario', '--password', ADMIN_PASSWORD], { DATA_DIR: dir });
    expect(argv.code).toBe(1);
    expect(argv.err).toContain('never give the password as an argument');
    const weak = await cli(['--username', 'dario'], { DATA_DIR: dir }, 'tooshort\n');
    expect(weak.code).toBe(1);
    expect(weak.err.trim()).toBe('Cannot create the admin: password: must have at least 12 characters');
  });
});

// The server asks the staff-users read model, caught up with the log, instead of reading the log.
describe('is there an enabled admin? (the read model the server asks at start)', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('no while only other roles exist or every admin is disabled; yes with one enabled admin', async () => {
    t = await startApp();
    await addUser(t.store, 'desk', ['operator', 'supervisor']);
    expect(await enabledAdminExists(t.app)).toBe(false);

    const bossId = await addUser(t.store, 'boss', ['admin']);
    expect(await enabledAdminExists(t.app)).toBe(true); // appended just before: the wait sees it

    await runStaffCommand(t.store, bossId, (state) => disableUser({ userId: bossId, actorId: 'someone-else', at: new Date().toISOString() }, state), systemContext());
    expect(await enabledAdminExists(t.app)).toBe(false);
    expect(await ensureFirstAdmin(t.store, undefined, () => {}, { adminExists: () => enabledAdminExists(t!.app) })).toBe('missing');

    await runStaffCommand(t.store, bossId, (state) => enableUser({ userId: bossId, at: new Date().toISOString() }, state), systemContext());
    expect(await enabledAdminExists(t.app)).toBe(true);
  });
});
