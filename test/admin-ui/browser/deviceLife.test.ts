// A device's life in a real browser: the operator reports a card lost from its page (a dialog asks
// why) and sees it in the status and the timeline; the operator is offered no terminate or revoke;
// a supervisor revokes the signing certificate (RFC 5280 reason) and terminates the card; the page
// shows the card terminated with both certificates revoked, and the timeline tells it in Italian.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoPageErrors, seedCustomer, signIn, startWorld, type World } from './scenario';

let world: World;
let page: Page;
let serial = '';

beforeAll(async () => {
  world = await startWorld();
  page = world.page;
  ({ serial } = await seedCustomer(world));
});

afterAll(async () => {
  await world?.close();
});

const timelineLines = async () => (await page.getByTestId('device-timeline').locator('li').allTextContents()).map((t) => t.trim());

describe("a device's life on its page", () => {
  it('the operator reports the card lost; terminate and revoke are not offered', async () => {
    await signIn(page, world.url, 'operator');
    await page.goto(`${world.url}/#/devices/${serial}/show`);
    await page.getByTestId('deviceStatus-active').waitFor();
    expect(await page.getByRole('button', { name: 'Cessa il dispositivo' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Revoca certificato' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Segnala smarrito' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('non si vendono coupon').waitFor();
    await dialog.getByRole('textbox', { name: 'Motivo' }).fill('Smarrita in treno');
    await dialog.getByRole('button', { name: 'Segnala smarrito' }).click();
    await page.getByTestId('deviceStatus-lost').waitFor();
    await page.getByRole('button', { name: 'Riattiva' }).waitFor();
    await page.getByText('Stato cambiato da attivo a smarrito: Smarrita in treno').waitFor();
    expect((await timelineLines()).at(-1)).toMatch(/da o\.esposito/);
    expectNoPageErrors(world.browser);
  });

  it('a supervisor revokes the signing certificate and terminates the card', async () => {
    await signIn(page, world.url, 'supervisor');
    await page.goto(`${world.url}/#/devices/${serial}/show`);
    await page.getByTestId('deviceStatus-lost').waitFor();

    await page.getByRole('button', { name: 'Revoca certificato' }).first().click();
    let dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'Chiave compromessa (keyCompromise)' }).check();
    await dialog.getByRole('button', { name: 'Revoca certificato' }).click();
    await page.getByTestId('certificate-signing-revoked').waitFor();

    await page.getByRole('button', { name: 'Cessa il dispositivo' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByText('La cessazione è definitiva').waitFor();
    await dialog.getByRole('textbox', { name: 'Motivo' }).fill('Sostituita con una nuova carta');
    await dialog.getByRole('textbox', { name: 'Sostituito da' }).fill('1205100099');
    await dialog.getByRole('button', { name: 'Cessa il dispositivo' }).click();
    await page.getByTestId('deviceStatus-terminated').waitFor();
    await page.getByTestId('certificate-authentication-revoked').waitFor();
    expect(await page.getByRole('button', { name: 'Riattiva' }).count()).toBe(0);

    await page.getByText('Cessato e sostituito dal dispositivo 1205100099: Sostituita con una nuova carta').waitFor();
    const lines = await timelineLines();
    expect(lines[0]).toMatch(/^Dispositivo registrato/);
    expect(lines.some((l) => l.startsWith(`Certificato di sottoscrizione (seriale S${serial}) revocato: Chiave compromessa`))).toBe(true);
    expect(lines.some((l) => l.startsWith(`Certificato di autenticazione (seriale A${serial}) revocato: Cessazione`))).toBe(true);
    // Instants in Europe/Rome, as dd/mm/yyyy hh:mm.
    expect(lines.at(-1)).toMatch(/\d{2}\/\d{2}\/\d{4},? \d{2}:\d{2}/);
    expectNoPageErrors(world.browser);
  });
});
