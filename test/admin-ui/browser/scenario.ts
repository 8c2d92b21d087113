// What the end-to-end scenarios share: the real server (demo off) on a fresh data directory with a
// test SMTP server, one staff user per role created through the admin API, the guide's products
// added by the supervisor through the API, Chromium, and helpers to sign in and out of the console.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../../support/smtp';
import { launchBrowser, startConsoleServer, type Browser, type RunningServer } from './support';

export const PASSWORD = 'a long enough test password';
export const ADMIN = { username: 'e2e.admin', password: 'a long enough admin password' };

export const STAFF = {
  operator: { username: 'o.esposito', displayName: 'Olga Esposito', roles: ['operator'] },
  accountant: { username: 'a.bianchi', displayName: 'Anna Bianchi', roles: ['accountant'] },
  supervisor: { username: 's.verdi', displayName: 'Sergio Verdi', roles: ['supervisor'] },
} as const;

export type StaffKey = keyof typeof STAFF;

/** A valid codice fiscale (check character included) and another one. */
export const MARIO_CF = 'RSSMRA80A01H501U';
export const LAURA_CF = 'BNCLRA85T45F205L';

export const DAY = 24 * 3_600_000;

export interface ApiClient {
  cookie: string;
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
}

export async function apiLogin(baseUrl: string, username: string, password: string): Promise<ApiClient> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login of ${username}: ${response.status} ${await response.text()}`);
  const cookie = (response.headers.getSetCookie?.() ?? [response.headers.get('set-cookie') ?? ''])
    .map((c) => c.split(';')[0])
    .join('; ');
  return {
    cookie,
    get: (path) => fetch(`${baseUrl}${path}`, { headers: { cookie } }),
    post: (path, body) =>
      fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify(body ?? {}),
      }),
  };
}

async function expectOk(response: Response, what: string): Promise<unknown> {
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export interface World {
  server: RunningServer;
  smtp: TestSmtp;
  browser: Browser;
  page: Page;
  url: string;
  api: Record<StaffKey | 'admin', ApiClient>;
  close(): Promise<void>;
}

/**
 * The server with its first admin from the environment, the three staff users created by the admin
 * through the API, the guide's coupon products added by the supervisor through the API.
 */
export async function startWorld(options: { products?: boolean; env?: Record<string, string> } = {}): Promise<World> {
  const smtp = await startTestSmtp();
  // The browser starts while the server does.
  const [server, browser] = await Promise.all([
    startConsoleServer({
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      DEMO: 'false',
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Firma Facile <noreply@firmafacile.example.it>',
      ...options.env,
    }),
    launchBrowser(),
  ]);
  browser.page.setDefaultTimeout(10_000);
  const admin = await apiLogin(server.url, ADMIN.username, ADMIN.password);
  await Promise.all(
    Object.values(STAFF).map(async (user) =>
      expectOk(await admin.post('/api/staff-users', { ...user, roles: [...user.roles], password: PASSWORD }), `create ${user.username}`),
    ),
  );
  const [operator, accountant, supervisor] = await Promise.all(
    (['operator', 'accountant', 'supervisor'] as const).map((who) => apiLogin(server.url, STAFF[who].username, PASSWORD)),
  );
  const api = { admin, operator: operator!, accountant: accountant!, supervisor: supervisor! };
  if (options.products !== false) {
    const { guideProducts } = await import('../../../domain/catalogue/decider');
    for (const product of guideProducts) {
      const body = Object.fromEntries(Object.entries(product).filter(([, v]) => v !== undefined));
      await expectOk(await api.supervisor.post('/api/products', body), `add product ${product.code}`);
    }
  }
  return {
    server,
    smtp,
    browser,
    page: browser.page,
    url: server.url,
    api,
    async close() {
      await browser.close();
      await server.stop();
      await smtp.close();
    },
  };
}

/** Registers a person and a smart card with both certificates expiring in `days` days, through the API. */
export async function seedCustomer(
  world: World,
  options: { cf?: string; name?: string; surname?: string; email?: string; serial?: string; days?: number } = {},
): Promise<{ customerId: string; serial: string }> {
  const cf = options.cf ?? MARIO_CF;
  const customer = (await expectOk(
    await world.api.operator.post('/api/customers', {
      kind: 'person',
      name: options.name ?? 'Mario',
      surname: options.surname ?? 'Rossi',
      codiceFiscale: cf,
      email: options.email ?? 'mario.rossi@example.it',
      billingAddress: { street: 'Via del Corso 10', postalCode: '00186', city: 'Roma', province: 'RM' },
    }),
    'register customer',
  )) as { id: string };
  const serial = options.serial ?? '1205100000';
  const now = Date.now();
  const until = new Date(now + (options.days ?? 20) * DAY).toISOString();
  const from = new Date(now - 3 * 365 * DAY).toISOString();
  await expectOk(
    await world.api.operator.post('/api/devices', {
      serial,
      kind: 'smart_card',
      issuer: 'Camera di Commercio di Roma',
      issuedOn: from.slice(0, 10),
      holderCodiceFiscale: cf,
      certificates: [
        { kind: 'signing', serialNumber: `S${serial}`, validFrom: from, validUntil: until },
        { kind: 'authentication', serialNumber: `A${serial}`, validFrom: from, validUntil: until },
      ],
    }),
    'register device',
  );
  return { customerId: customer.id, serial };
}

/** Today in Rome (YYYY-MM-DD), as the desk dates a payment received. */
export const romeToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());

/** Cash into the customer's prepaid account, through the API. */
export async function topUp(world: World, customerId: string, amountReceivedCents: number): Promise<void> {
  await expectOk(
    await world.api.operator.post(`/api/customers/${customerId}/prepaid/top-ups`, { amountReceivedCents, method: 'cash', reference: 'ricevuta 1', receivedOn: romeToday() }),
    'top up',
  );
}

/** An order paid from the prepaid account, through the API: its id. */
export async function placePrepaidOrder(world: World, customerId: string, productCode = 'RIN-FIRMA', quantity = 1): Promise<string> {
  const order = (await expectOk(
    await world.api.operator.post('/api/orders', { customerId, manual: { lines: [{ productCode, quantity }] }, payment: { mode: 'prepaid' } }),
    'place a prepaid order',
  )) as { id: string };
  return order.id;
}

export async function signIn(page: Page, url: string, who: StaffKey) {
  if (!page.url().startsWith(url)) await page.goto(`${url}/`);
  // Someone still signed in (a previous step stopped half-way): sign them out first.
  await page.getByRole('button', { name: 'Accedi' }).or(page.getByRole('button', { name: /^Profilo/ })).first().waitFor();
  if ((await page.getByRole('button', { name: 'Accedi' }).count()) === 0) await signOut(page);
  await page.getByRole('textbox', { name: 'Nome utente' }).fill(STAFF[who].username);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Accedi' }).click();
  // react-admin returns to the page the last user signed out from: start from the dashboard.
  await page.getByRole('button', { name: `Profilo: ${STAFF[who].displayName}` }).waitFor();
  await page.getByRole('menuitem', { name: 'Cruscotto' }).click();
  await page.getByRole('heading', { name: `Benvenuto, ${STAFF[who].displayName}` }).waitFor();
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: /^Profilo/ }).click();
  await page.getByRole('menuitem', { name: 'Esci' }).click();
  await page.getByRole('button', { name: 'Accedi' }).waitFor();
}

/** The menu entry (react-admin renders menu items as links with role menuitem). */
export async function openMenu(page: Page, name: string) {
  await page.getByRole('menuitem', { name, exact: true }).click();
}

/** Page errors other than the expected 401 of "who am I?" before signing in. */
export function pageErrors(browser: Browser): string[] {
  return browser.errors.filter((e) => e.startsWith('pageerror'));
}

export function expectNoPageErrors(browser: Browser) {
  expect(pageErrors(browser)).toEqual([]);
}
