// The demo start, as `npm start` runs it (DEMO=true): the real server process prints one user per
// role with a password drawn at random on the first start and kept in DATA_DIR/demo-credentials.txt
// (mode 0600); the printed password logs in; a restart prints the same users and passwords.
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../../support/process';
import { tempDir } from '../../support/tmp';

const dirs: Array<{ remove(): void }> = [];
const servers: ServerProcess[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    if (s.child.exitCode === null) {
      s.child.kill('SIGTERM');
      await s.exit;
    }
  }
  dirs.splice(0).forEach((d) => d.remove());
});

function printedPasswords(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const match of stdout.matchAll(/^ {2}(operatore|contabile|supervisore|admin)\s+(operator|accountant|supervisor|admin)\s+([A-Za-z0-9]{20})$/gm)) {
    out.set(match[1]!, match[3]!);
  }
  return out;
}

async function login(url: string, username: string, password: string) {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return { status: response.status, body: (await response.json()) as { roles?: string[] }, cookie: response.headers.getSetCookie()[0]?.split(';')[0] ?? '' };
}

describe('the demo start (DEMO=true)', () => {
  it('seeds the guide products and one user per role with random passwords, printed at every start', async () => {
    const dir = tempDir('bo-demo-');
    dirs.push(dir);
    const first = await startServer({ DATA_DIR: dir.path, DEMO: 'true' });
    servers.push(first);
    expect(first.stdout()).toMatch(/for the demo only/);
    expect(first.stdout()).toMatch(/added RIN-FIRMA, RIN-CNS, RIN-FIRMA-CNS/);
    const passwords = printedPasswords(first.stdout());
    expect([...passwords.keys()].sort()).toEqual(['admin', 'contabile', 'operatore', 'supervisore']);
    expect(new Set(passwords.values()).size).toBe(4);
    // No "create the first admin" hint: the demo's admin is the first admin.
    expect(first.stdout()).not.toMatch(/No staff admin exists yet/);

    const file = join(dir.path, 'demo-credentials.txt');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const [user, password] of passwords) expect(readFileSync(file, 'utf8')).toContain(`${user} ${password}`);

    const accountant = await login(first.url, 'contabile', passwords.get('contabile')!);
    expect(accountant.status).toBe(200);
    expect(accountant.body.roles).toEqual(['accountant']);
    expect((await login(first.url, 'contabile', 'wrong password!!')).status).toBe(401);

    // The operator can sell the guide's products at once.
    const operator = await login(first.url, 'operatore', passwords.get('operatore')!);
    const headers = { 'content-type': 'application/json', cookie: operator.cookie };
    const customer = await fetch(`${first.url}/api/customers`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        kind: 'person',
        name: 'Mario',
        surname: 'Rossi',
        codiceFiscale: 'RSSMRA80A01H501U',
        email: 'mario.rossi@example.it',
        billingAddress: { street: 'Via del Corso 10', postalCode: '00186', city: 'Roma', province: 'RM' },
      }),
    });
    expect(customer.status).toBe(201);
    const { id } = (await customer.json()) as { id: string };
    const quote = await fetch(`${first.url}/api/orders/quote`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ customerId: id, manual: { lines: [{ productCode: 'RIN-FIRMA-CNS', quantity: 1 }] } }),
    });
    expect(quote.status).toBe(200);
    expect(((await quote.json()) as { totals: { totalCents: number } }).totals.totalCents).toBe(3172);

    // The guides' renewal rules are the default issuer policy.
    expect(first.stdout()).toMatch(/the guides' renewal rules are the default issuer policy/);
    const policies = (await (await fetch(`${first.url}/api/issuer-policies`, { headers })).json()) as Array<Record<string, unknown>>;
    expect(policies).toEqual([
      expect.objectContaining({ id: 'default', renewalOpensDaysBefore: 90, graceHours: 24, validityYears: 3, payAfterFeeCents: 1000, setBy: 'system', changeCount: 1 }),
    ]);

    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    const second = await startServer({ DATA_DIR: dir.path, DEMO: 'true' });
    servers.push(second);
    expect(printedPasswords(second.stdout())).toEqual(passwords);
    expect(second.stdout()).not.toMatch(/added RIN/);
    expect(second.stdout()).not.toMatch(/default issuer policy/);
    const supervisor = await login(second.url, 'supervisore', passwords.get('supervisore')!);
    expect(supervisor.status).toBe(200);
    // Set once: a restart does not set it again.
    const again = (await (await fetch(`${second.url}/api/issuer-policies`, { headers: { cookie: supervisor.cookie } })).json()) as Array<Record<string, unknown>>;
    expect(again).toEqual([expect.objectContaining({ id: 'default', changeCount: 1 })]);
  }, 60_000);

  it('is off by default: no demo users', async () => {
    const dir = tempDir('bo-demo-');
    dirs.push(dir);
    const server = await startServer({ DATA_DIR: dir.path });
    servers.push(server);
    expect(server.stdout()).not.toMatch(/DEMO/);
    expect(server.stdout()).toMatch(/No staff admin exists yet/);
  }, 90_000);
});
