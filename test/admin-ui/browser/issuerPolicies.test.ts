// Issuer policies in a real browser: a supervisor gives the Camera di Commercio di Roma its own
// policy (renewal opens 30 days before the expiry), and a card of that issuer expiring in 60 days
// shows its window not yet open, with the day it opens in Rome time; changed to 90 days, the card
// is renewable. An operator reads the policies but has no button to change them, and the API
// refuses a change forced from the page.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRomeDate } from '../../../domain/shared/money';
import { expectNoPageErrors, openMenu, seedCustomer, signIn, signOut, startWorld, type World, DAY } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';

let world: World;
let page: Page;
let serial = '';
let expiry = 0;

beforeAll(async () => {
  world = await startWorld({ products: false });
  page = world.page;
  expiry = Date.now();
  ({ serial } = await seedCustomer(world, { days: 60 }));
  expiry += 60 * DAY;
});

afterAll(async () => {
  await world?.close();
});

describe('issuer policies in the console', () => {
  it("a supervisor sets the issuer's policy; the card's renewal window follows it", async () => {
    await signIn(page, world.url, 'supervisor');
    await openMenu(page, 'Politiche emittenti');
    await page.getByRole('link', { name: 'Crea' }).click();
    await page.getByRole('textbox', { name: 'Emittente' }).fill('Camera di Commercio di Roma');
    const opens = page.getByRole('spinbutton', { name: 'Apertura (giorni prima della scadenza)' });
    await expect.poll(() => opens.inputValue()).toBe('90');
    await opens.fill('30');
    await page.getByRole('button', { name: 'Salva' }).click();

    await page.getByText('Politica salvata').first().waitFor();
    await page.getByText('camera-di-commercio-di-roma').first().waitFor();
    await page.getByText('10,00 €').first().waitFor();
    await page.getByText('Sergio Verdi (s.verdi)').first().waitFor();
    await screenshot(page, 'issuer-policy-show');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // The card expires in 60 days: under 30 days its window is not open yet; it opens 30 days before, shown in Rome.
    await page.goto(`${world.url}/#/devices/${serial}/show`);
    await page.getByTestId('windowState-not_yet').waitFor();
    const opensOn = formatRomeDate(new Date(expiry - 30 * DAY));
    await expect.poll(() => page.getByTestId('expiry-ok').textContent()).toContain(`rinnovo dal ${opensOn}`);
    await page.getByRole('link', { name: 'Camera di Commercio di Roma' }).first().waitFor();

    // 90 days: renewable now.
    await page.getByRole('link', { name: 'Camera di Commercio di Roma' }).first().click();
    await page.getByRole('link', { name: 'Modifica' }).click();
    await page.getByRole('spinbutton', { name: 'Apertura (giorni prima della scadenza)' }).fill('90');
    await page.getByRole('button', { name: 'Salva' }).click();
    await page.getByText('apre 90 giorni prima, tolleranza 24 ore, validità 3 anni, pagamento posticipato 10,00 €').first().waitFor();
    await page.goto(`${world.url}/#/devices/${serial}/show`);
    await page.getByTestId('windowState-open').waitFor();
    await page.goto(`${world.url}/#/devices`);
    await page.getByTestId('expiry-near').first().waitFor();
    await signOut(page);
  });

  it('an operator reads the policies and cannot change them', async () => {
    await signIn(page, world.url, 'operator');
    await openMenu(page, 'Politiche emittenti');
    await page.getByRole('cell', { name: 'Camera di Commercio di Roma' }).first().click();
    await page.getByText('camera-di-commercio-di-roma').first().waitFor();
    expect(await page.getByRole('link', { name: 'Modifica' }).count()).toBe(0);
    const forced = await page.evaluate(async () => {
      const response = await fetch('/api/issuer-policies/default', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
      return response.status;
    });
    expect(forced).toBe(403);
    expectNoPageErrors(world.browser);
    await signOut(page);
  });
});
