// The home page's certificate cards in the console (Italian): the certificates whose renewal
// deadline comes within 7 days and the replacement requests waiting, each card leading to its list;
// the renewal reminders' list in the menu.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectNoPageErrors, openMenu, seedCustomer, signIn, startWorld, type World } from './scenario';

let world: World;
let page: Page;

beforeAll(async () => {
  world = await startWorld();
  page = world.page;
  await seedCustomer(world, { serial: '1205100001', days: 3 }); // both certificates: deadline in 4 days
  await seedCustomer(world, { cf: 'BNCLRA85T45F205L', name: 'Laura', surname: 'Bianchi', email: 'laura.bianchi@example.it', serial: '1205100002', days: 200 });
});

afterAll(async () => {
  await world?.close();
});

it('an accountant sees the certificates closing within 7 days, opens their list, and finds the reminders in the menu', async () => {
  await signIn(page, world.url, 'accountant');
  await expect.poll(() => page.getByTestId('kpi-certificates-closing-main').textContent()).toBe('2');
  await expect.poll(() => page.getByTestId('kpi-replacements-waiting-main').textContent()).toBe('0');
  await page.getByText('Scadenza del rinnovo entro 7 giorni').click();
  await page.getByRole('heading', { name: 'Scadenze dei certificati', exact: true }).waitFor();
  await expect.poll(() => page.getByRole('cell', { name: 'Sottoscrizione', exact: true }).count()).toBe(1);
  expect(await page.getByText('1205100002').count()).toBe(0);

  await openMenu(page, 'Promemoria di rinnovo');
  await page.getByRole('heading', { name: 'Promemoria di rinnovo', exact: true }).waitFor();
  expectNoPageErrors(world.browser);
});
