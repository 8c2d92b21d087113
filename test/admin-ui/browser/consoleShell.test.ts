// The console's shell (issue 19, points 6, 7, 10, 11), in Chromium against the real server:
//  - a loading shell is shown while the JavaScript arrives, and is accessible;
//  - the login page asks who is signed in without a single 401, and nothing is listed after a logout;
//  - after a logout the next user lands on the home page, never on the previous user's page nor on
//    "Accesso negato"; the same user signing in again returns to their page;
//  - everyone changes their own password from the user menu and stays signed in;
//  - the coupon e-mail links lead to the address the server listens on (PUBLIC_URL unset).
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, PASSWORD, STAFF, expectNoPageErrors, placePrepaidOrder, seedCustomer, startWorld, topUp, type StaffKey, type World } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';

let world: World;
let page: Page;

beforeAll(async () => {
  world = await startWorld();
  page = world.page;
}, 120_000);

afterAll(async () => {
  await world?.close();
});

/** Every API answer the page gets from now on, until `stop()`. */
function recordApi(p: Page) {
  const answers: { method: string; path: string; status: number }[] = [];
  const onResponse = (response: Response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/api/')) answers.push({ method: response.request().method(), path: url.pathname, status: response.status() });
  };
  p.on('response', onResponse);
  return { answers, stop: () => p.off('response', onResponse) };
}

/** Lets the page settle: no request for half a second. */
async function settle(p: Page) {
  await p.waitForLoadState('networkidle').catch(() => undefined);
  await p.waitForTimeout(500);
}

async function signInAs(username: string, password: string, displayName: string | RegExp) {
  await page.getByRole('textbox', { name: 'Nome utente' }).fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByRole('button', { name: typeof displayName === 'string' ? `Profilo: ${displayName}` : displayName }).waitFor();
}

/** On the login page, whoever a failed step left signed in. */
async function atLoginPage() {
  if (!page.url().startsWith(world.url)) await page.goto(`${world.url}/`);
  await page.getByRole('button', { name: 'Accedi' }).or(page.getByRole('button', { name: /^Profilo/ })).first().waitFor();
  if ((await page.getByRole('button', { name: 'Accedi' }).count()) === 0) await signOut();
}

const signInStaff = (who: StaffKey, password = PASSWORD) => signInAs(STAFF[who].username, password, STAFF[who].displayName);

async function signOut() {
  await page.getByRole('button', { name: /^Profilo/ }).click();
  await page.getByRole('menuitem', { name: 'Esci' }).click();
  await page.getByRole('button', { name: 'Accedi' }).waitFor();
}

describe('the loading shell', () => {
  it('shows a title and a named spinner before the JavaScript runs, and passes axe', async () => {
    const html = await (await fetch(`${world.url}/`)).text();
    expect(html).toContain('role="status"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script: the CSP forbids them
    expect(html).not.toMatch(/(href|src)="(https?:)?\/\//); // nothing from elsewhere
    const shell = await world.browser.context.newPage();
    try {
      // A slow link: the console's scripts are held back while the shell is looked at.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      await shell.route('**/assets/*.js', async (route) => {
        await held;
        await route.continue();
      });
      // 'commit': the held module scripts keep DOMContentLoaded from firing.
      await shell.goto(`${world.url}/`, { waitUntil: 'commit' });
      await shell.getByRole('heading', { name: 'Back office – dispositivi di firma' }).waitFor();
      await expect(shell.getByRole('status').textContent()).resolves.toMatch(/Caricamento in corso/);
      await screenshot(shell, 'shell-loading');
      // The spinner turns for ever: axe's helper waits for animations to finish.
      await shell.evaluate(() => document.getAnimations().forEach((a) => a.cancel()));
      const violations = await axeViolations(shell);
      expect(violations, describeViolations(violations)).toEqual([]);
      release();
      // The console replaces the shell once it runs.
      await shell.getByRole('button', { name: 'Accedi' }).waitFor({ timeout: 30_000 });
      expect(await shell.locator('#boot-shell').count()).toBe(0);
    } finally {
      await shell.close();
    }
  });
});

describe('signing in and out', () => {
  it('loads the login page without any 401 (no GET /api/auth/me without a session)', async () => {
    const api = recordApi(page);
    await page.goto(`${world.url}/`);
    await page.getByRole('button', { name: 'Accedi' }).waitFor();
    await settle(page);
    await page.reload();
    await page.getByRole('button', { name: 'Accedi' }).waitFor();
    await settle(page);
    api.stop();
    expect(api.answers.filter((a) => a.status === 401), JSON.stringify(api.answers)).toEqual([]);
    expect(api.answers.filter((a) => a.path === '/api/auth/me')).toEqual([]);
    expect(api.answers.some((a) => a.path === '/api/auth/session' && a.status === 200)).toBe(true);
    await screenshot(page, 'shell-login');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it("sends the next user home, not to the previous user's page; no list is asked for after a logout", async () => {
    // The admin works on the staff users, a page only admins may open, and signs out there.
    await atLoginPage();
    await signInAs(ADMIN.username, ADMIN.password, /^Profilo/);
    await page.goto(`${world.url}/#/staff-users`);
    await page.getByRole('cell', { name: STAFF.operator.username }).first().waitFor();
    await settle(page);
    const api = recordApi(page);
    await signOut();
    await settle(page);
    api.stop();
    const afterLogout = api.answers.filter((a) => !a.path.startsWith('/api/auth/'));
    expect(afterLogout, 'requests after clicking "Esci"').toEqual([]);
    expect(api.answers.filter((a) => a.status === 401)).toEqual([]);

    // The operator signs in next: the home page, not the admin's list nor "Accesso negato".
    await signInStaff('operator');
    await page.getByRole('heading', { name: `Benvenuto, ${STAFF.operator.displayName}` }).waitFor();
    expect(new URL(page.url()).hash).toMatch(/^#\/?$/);
    expect(await page.getByText('Accesso negato').count()).toBe(0);
    await screenshot(page, 'shell-next-user-home');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // A session that ends elsewhere (here: logged out by another tab) leaves the console on the
    // login page with the page to return to. The same user returns there...
    const endSessionElsewhere = () =>
      page.evaluate(() =>
        fetch('/api/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: '{}' }),
      );
    await page.goto(`${world.url}/#/customers`);
    await page.getByRole('heading', { name: /Clienti/ }).first().waitFor();
    await endSessionElsewhere();
    await page.reload();
    await page.getByRole('button', { name: 'Accedi' }).waitFor();
    await signInStaff('operator');
    await page.getByRole('heading', { name: /Clienti/ }).first().waitFor();
    expect(new URL(page.url()).hash).toMatch(/^#\/customers/);
    // ...anyone else goes home.
    await endSessionElsewhere();
    await page.reload();
    await page.getByRole('button', { name: 'Accedi' }).waitFor();
    await signInAs(ADMIN.username, ADMIN.password, /^Profilo/);
    await page.getByRole('heading', { name: /^Benvenuto/ }).waitFor();
    expect(new URL(page.url()).hash).toMatch(/^#\/?$/);
    await signOut();

    // And a reload of the login page does not change who "the previous user" was.
    await page.reload();
    await page.getByRole('button', { name: 'Accedi' }).waitFor();
    await signInStaff('accountant');
    await page.getByRole('heading', { name: `Benvenuto, ${STAFF.accountant.displayName}` }).waitFor();
    expect(await page.getByText('Accesso negato').count()).toBe(0);
    await signOut();
    expectNoPageErrors(world.browser);
  });
});

describe("changing one's own password", () => {
  const NEW_PASSWORD = 'la mia nuova password segreta';

  it('from the user menu: the rule shown, errors in Italian on their fields, still signed in afterwards', async () => {
    await atLoginPage();
    await signInStaff('supervisor');
    await page.getByRole('button', { name: `Profilo: ${STAFF.supervisor.displayName}` }).click();
    await page.getByRole('menuitem', { name: 'Cambia password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cambia la tua password' });
    await dialog.waitFor();
    await expect(dialog.getByText('Da 12 a 256 caratteri, non solo spazi, diversa dal nome utente').count()).resolves.toBe(1);

    // Checked before sending: too short, the two differ.
    await dialog.getByLabel('Password attuale', { exact: false }).first().fill(PASSWORD);
    await dialog.getByLabel('Nuova password', { exact: false }).first().fill('corta');
    await dialog.getByLabel('Ripeti la nuova password', { exact: false }).fill('diversa');
    await dialog.getByRole('button', { name: 'Cambia password' }).click();
    await dialog.getByText('Almeno 12 caratteri').waitFor();
    await dialog.getByText('Le due password non coincidono').waitFor();
    await screenshot(page, 'shell-password-errors');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // Refused by the server: the current password is wrong.
    await dialog.getByLabel('Password attuale', { exact: false }).first().fill('not my password at all');
    await dialog.getByLabel('Nuova password', { exact: false }).first().fill(NEW_PASSWORD);
    await dialog.getByLabel('Ripeti la nuova password', { exact: false }).fill(NEW_PASSWORD);
    await dialog.getByRole('button', { name: 'Cambia password' }).click();
    await dialog.getByText('Non è la tua password attuale').waitFor();

    // Accepted.
    await dialog.getByLabel('Password attuale', { exact: false }).first().fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Cambia password' }).click();
    await page.getByText(/Password cambiata/).waitFor();
    await dialog.waitFor({ state: 'detached' });
    await screenshot(page, 'shell-password-changed');

    // Still signed in: the next page loads with this session.
    await page.goto(`${world.url}/#/orders`);
    await page.getByRole('heading', { name: /Ordini/ }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Accedi' }).count()).toBe(0);
    await signOut();

    // The old password no longer opens; the new one does.
    await page.getByRole('textbox', { name: 'Nome utente' }).fill(STAFF.supervisor.username);
    await page.locator('input[name="password"]').fill(PASSWORD);
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
    await page.getByRole('button', { name: 'Accedi' }).click();
    expect((await refused).status()).toBe(401);
    expect(await page.getByRole('button', { name: /^Profilo/ }).count()).toBe(0);
    await signInStaff('supervisor', NEW_PASSWORD);
    await signOut();
    expectNoPageErrors(world.browser);
  });
});

describe('e-mail links', () => {
  it('lead to the address the server listens on when PUBLIC_URL is not set', async () => {
    const { customerId } = await seedCustomer(world);
    await topUp(world, customerId, 10_000);
    await placePrepaidOrder(world, customerId);
    const [mail] = await world.smtp.waitForMessages(1, 30_000);
    expect(world.url).not.toMatch(/:3000$/);
    expect(mail!.text).toContain(`${world.url}/verifica-coupon`);
    expect(mail!.text).toContain(`${world.url}/rinnovo`);
  });
});
