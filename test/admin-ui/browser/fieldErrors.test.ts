// The server's refusals in the desk's language, in a real browser: a new customer's form with three
// mistakes (a wrong check character, a 4-digit postal code, a broken e-mail) is answered once, and
// the three Italian texts appear under their fields at the same save; in English when chosen; a
// wrong password at sign-in is said in Italian too.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoPageErrors, signIn, startWorld, type World } from './scenario';
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

/** A person whose codice fiscale ends in X instead of Q, postal code has 4 digits, e-mail no domain. */
async function fillCustomerWithThreeMistakes() {
  const values: Record<string, string> = {
    name: 'Giuseppe',
    surname: 'Verdi',
    codiceFiscale: 'VRDGPP70C10L219X',
    email: 'giuseppe@example',
    'billingAddress.street': 'Via del Corso 10',
    'billingAddress.postalCode': '2012',
    'billingAddress.city': 'Roma',
    'billingAddress.province': 'RM',
  };
  for (const [name, value] of Object.entries(values)) await page.locator(`input[name="${name}"]`).fill(value);
}

describe('the server’s refusals in the desk’s language', () => {
  it('a wrong password at sign-in: "Nome utente o password errati"', async () => {
    await page.goto(`${world.url}/`);
    await page.getByRole('textbox', { name: 'Nome utente' }).fill('e2e.operator.nobody');
    await page.locator('input[name="password"]').fill('not the password at all');
    await page.getByRole('button', { name: 'Accedi' }).click();
    await page.getByText('Nome utente o password errati').waitFor();
  }, 60_000);

  it('a customer form with three mistakes shows the three, in Italian, under their fields after one save', async () => {
    await signIn(page, world.url, 'operator');
    await page.goto(`${world.url}/#/customers/create`);
    await page.getByRole('textbox', { name: 'Codice fiscale' }).waitFor();
    await fillCustomerWithThreeMistakes();
    const saves: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/customers')) saves.push(r.url());
    });
    await page.getByRole('button', { name: 'Salva' }).click();

    const field = (name: string) => page.locator(`.ra-input-${name.replace(/\./g, '\\.')}`);
    await expect.poll(() => field('codiceFiscale').innerText()).toContain('Codice fiscale: il carattere di controllo è errato (atteso Q)');
    await expect.poll(() => field('email').innerText()).toContain('Indirizzo e-mail non valido');
    await expect.poll(() => field('billingAddress.postalCode').innerText()).toContain('Il CAP ha 5 cifre');
    await page.getByText('Correggi i 3 campi segnalati').waitFor();
    expect(saves).toHaveLength(1);
    await screenshot(page, 'customer-create-three-field-errors-it');

    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    expectNoPageErrors(world.browser);
  }, 120_000);

  it('in English when English is chosen (the same form saved again)', async () => {
    // The app bar hides while the form is scrolled down: back to the top to reach the language menu.
    await page.mouse.wheel(0, -5000);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByRole('button', { name: 'Italiano' }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    // The form is drawn again in English, empty: filled again with the same mistakes.
    await page.getByRole('textbox', { name: 'Surname' }).waitFor();
    await fillCustomerWithThreeMistakes();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Codice fiscale: the check character is wrong (expected Q)').waitFor();
    await page.getByText('A postal code has 5 digits').waitFor();
    await page.getByText('Not a valid e-mail address').waitFor();
    await page.getByText('Fix the 3 fields marked').waitFor();
    await screenshot(page, 'customer-create-three-field-errors-en');
    await page.mouse.wheel(0, -5000);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('menuitem', { name: 'Italiano' }).click();
  }, 120_000);
});
