// The console in a real browser (Debian's Chromium) against the real server (server/main.ts as a
// child process, fresh data directory, the first admin created from ADMIN_USERNAME/ADMIN_PASSWORD).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, describeViolations, launchBrowser, screenshot, startConsoleServer, type Browser, type RunningServer } from './support';

const ADMIN = { username: 'console.admin', password: 'a long enough admin password' };

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startConsoleServer({ ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
  browser = await launchBrowser();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Uncaught exceptions in the page (expected 401s of "who am I?" before login are not errors). */
const pageErrors = () => browser.errors.filter((e) => e.startsWith('pageerror'));

async function signIn(username: string, password: string) {
  await page.getByRole('textbox', { name: 'Nome utente' }).fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Accedi' }).click();
}

async function chooseLanguage(current: string, next: string) {
  await page.getByRole('button', { name: current }).click();
  await page.getByRole('menuitem', { name: next }).click();
}

describe('console', () => {
  it('answers at / with the login page, in Italian', async () => {
    const response = await page.goto(`${server.url}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);

    await expect.poll(() => page.url()).toMatch(/#\/login$/);
    await page.getByRole('textbox', { name: 'Nome utente' }).waitFor();
    await page.getByLabel('Password', { exact: false }).first().waitFor();
    await page.getByRole('button', { name: 'Accedi' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('it');
    expect(await page.title()).toMatch(/Back office/);
    await screenshot(page, 'console-login-it');
    expect(pageErrors()).toEqual([]);
  });

  it('has no serious or critical accessibility violations on the login page', async () => {
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it('switches the login page to English and back', async () => {
    await chooseLanguage('Italiano', 'English');
    await page.getByRole('textbox', { name: 'Username' }).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await screenshot(page, 'console-login-en');

    await chooseLanguage('English', 'Italiano');
    await page.getByRole('textbox', { name: 'Nome utente' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('it');
  });

  it('refuses a wrong password with the server’s message and stays on the login page', async () => {
    await signIn(ADMIN.username, 'not the password at all');
    await page.getByText('Nome utente o password errati').waitFor();
    expect(page.url()).toMatch(/#\/login$/);
  });

  it('signs the admin in: dashboard with name and roles, staff users in the menu', async () => {
    await signIn(ADMIN.username, ADMIN.password);

    await page.getByRole('heading', { name: 'Benvenuto, Administrator' }).waitFor();
    await page.getByText('I tuoi ruoli: Amministratore').waitFor();
    await page.getByRole('menuitem', { name: 'Utenti del personale' }).waitFor();
    await screenshot(page, 'console-dashboard');

    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    expect(pageErrors()).toEqual([]);
  });

  it('lists staff users and creates one; the server’s field errors show on the fields', async () => {
    await page.getByRole('menuitem', { name: 'Utenti del personale' }).click();
    await page.getByRole('cell', { name: ADMIN.username }).waitFor();
    await screenshot(page, 'console-staff-users');

    await page.getByRole('link', { name: 'Crea' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/staff-users\/create$/);
    await page.getByRole('textbox', { name: 'Nome utente' }).fill('m.rossi');
    await page.getByRole('textbox', { name: 'Nome visualizzato' }).fill('Mario Rossi');
    await page.getByRole('checkbox', { name: 'Contabile' }).check();
    const password = page.locator('input[name="password"]');
    await password.fill('short');
    const commands: { key: string | null }[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/staff-users')) {
        commands.push({ key: request.headers()['idempotency-key'] ?? null });
      }
    });
    await page.getByRole('button', { name: 'Salva' }).click();

    // The server refuses the short password; its message sits under the password field.
    const passwordField = page.locator('.ra-input-password');
    await expect.poll(async () => (await passwordField.innerText()).toLowerCase()).toContain('12');
    await screenshot(page, 'console-staff-user-create-refused');

    await password.fill('a much longer initial password');
    await page.getByRole('button', { name: 'Salva' }).click();
    await page.getByText('Mario Rossi').first().waitFor();
    await expect.poll(() => page.url()).toMatch(/#\/staff-users\/[0-9a-f-]{36}\/show$/);

    expect(commands).toHaveLength(2);
    for (const { key } of commands) expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(commands[0]!.key).not.toBe(commands[1]!.key);
    expect(pageErrors()).toEqual([]);
  });

  it('switches to English after login from the app bar', async () => {
    await chooseLanguage('Italiano', 'English');
    await page.getByRole('menuitem', { name: 'Staff users' }).waitFor();
    await chooseLanguage('English', 'Italiano');
    await page.getByRole('menuitem', { name: 'Utenti del personale' }).waitFor();
  });

  it('signs out back to the login page', async () => {
    await page.getByRole('button', { name: 'Profilo' }).click();
    await page.getByRole('menuitem', { name: 'Esci' }).click();
    await page.getByRole('button', { name: 'Accedi' }).waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(me).toBe(401);
  });

  it('shows a non-admin neither the staff users menu nor their screens', async () => {
    await signIn('m.rossi', 'a much longer initial password');
    await page.getByRole('heading', { name: 'Benvenuto, Mario Rossi' }).waitFor();
    await page.getByText('I tuoi ruoli: Operatore di sportello, Contabile').waitFor();
    await page.getByRole('menuitem', { name: 'Cruscotto' }).waitFor();
    expect(await page.getByRole('menuitem', { name: 'Utenti del personale' }).count()).toBe(0);

    await page.goto(`${server.url}/#/staff-users`);
    await page.getByText('Accesso negato').first().waitFor();
    expect(await page.getByRole('cell', { name: ADMIN.username }).count()).toBe(0);
    await screenshot(page, 'console-access-denied');

    await page.getByRole('button', { name: 'Profilo' }).click();
    await page.getByRole('menuitem', { name: 'Esci' }).click();
    await page.getByRole('button', { name: 'Accedi' }).waitFor();
  });

  it('serves index.html for other pages a browser asks for, and JSON 404s for the API', async () => {
    const deep = await page.goto(`${server.url}/some/bookmarked/page`);
    expect(deep?.status()).toBe(200);
    await page.getByRole('button', { name: 'Accedi' }).waitFor();

    const api = await fetch(`${server.url}/api/no-such-thing`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ statusCode: 404, code: 'route_not_found' });

    const staleChunk = await fetch(`${server.url}/assets/gone-1234abcd.js`, { headers: { accept: 'text/html' } });
    expect(staleChunk.status).toBe(404);
  });
});
