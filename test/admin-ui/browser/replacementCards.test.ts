// Replacement cards in a real browser (issue #16): an operator opens a replacement request from the
// device's page for a card two days past its expiry, a supervisor (not the one who opened it)
// approves it from the queue, the new card is recorded, and the old card shows as terminated with
// its certificates revoked. A supervisor who opened a request themselves gets no approve button,
// and the server refuses them anyway; another supervisor approves it.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiLogin, expectNoPageErrors, LAURA_CF, openMenu, PASSWORD, seedCustomer, signIn, signOut, startWorld, type ApiClient, type World } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';

let world: World;
let page: Page;
/** A second supervisor, for the four eyes. */
const SECOND = { username: 'm.neri', displayName: 'Marta Neri', roles: ['supervisor'] };
let second: ApiClient;

beforeAll(async () => {
  world = await startWorld();
  page = world.page;
  const created = await world.api.admin.post('/api/staff-users', { ...SECOND, password: PASSWORD });
  if (created.status !== 201) throw new Error(`create ${SECOND.username}: ${created.status} ${await created.text()}`);
  second = await apiLogin(world.url, SECOND.username, PASSWORD);
});

afterAll(async () => {
  await world?.close();
});

async function expectAccessible(name: string) {
  const violations = await axeViolations(page);
  expect(violations, `${name}:\n${describeViolations(violations)}`).toEqual([]);
}

async function signInAsSecond() {
  await signOut(page);
  await page.getByRole('textbox', { name: 'Nome utente' }).fill(SECOND.username);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByRole('button', { name: `Profilo: ${SECOND.displayName}` }).waitFor();
}

describe('replacement cards', () => {
  let requestUrl = '';

  it('an operator opens a replacement request from the page of a card 2 days past its expiry', async () => {
    await seedCustomer(world, { serial: '1205100000', days: -2 });
    await signIn(page, world.url, 'operator');
    await page.goto(`${world.url}/#/devices/1205100000/show`);
    await page.getByRole('link', { name: 'Richiedi sostituzione' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/replacement-requests\/create/);
    await expect.poll(() => page.getByRole('textbox', { name: 'Dispositivo da sostituire' }).inputValue()).toBe('1205100000');
    await page.getByRole('textbox', { name: 'Nota' }).fill('Scaduta da due giorni, il titolare non ha rinnovato in tempo');
    await screenshot(page, 'replacement-open');
    await expectAccessible('replacement create');
    await page.getByRole('button', { name: 'Salva' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/replacement-requests\/[0-9a-f-]{36}\/show$/);
    requestUrl = page.url();
    await page.getByTestId('replacementStatus-pending').waitFor();
    await page.getByText('Scadenza superata').first().waitFor();
    // The operator may not decide it.
    expect(await page.getByRole('button', { name: 'Approva' }).count()).toBe(0);
    expectNoPageErrors(world.browser);
  });

  it('a supervisor finds it in the queue with its age and approves it with a note', async () => {
    await signOut(page);
    await signIn(page, world.url, 'supervisor');
    await openMenu(page, 'Sostituzioni carta');
    const row = page.getByRole('row').filter({ hasText: '1205100000' });
    await row.waitFor();
    await expect.poll(() => row.getByTestId('replacement-age').textContent()).toMatch(/^\d+ h$/);
    await screenshot(page, 'replacement-queue');
    await expectAccessible('replacement queue');
    await row.click();
    await expect.poll(() => page.url()).toBe(requestUrl);
    await page.getByRole('button', { name: 'Approva' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Nota' }).fill('Oltre il termine di rinnovo: nuova carta');
    await dialog.getByRole('button', { name: 'Approva' }).click();
    await page.getByTestId('replacementStatus-approved').waitFor();
    await page.getByText('Oltre il termine di rinnovo: nuova carta').first().waitFor();
    await page.getByTestId('replacement-step-ordered').waitFor();
    expectNoPageErrors(world.browser);
  });

  it('the new card is recorded: the old card shows as terminated with its certificates revoked', async () => {
    await page.getByRole('button', { name: 'Registra nuovo dispositivo' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Numero di serie del nuovo dispositivo' }).fill('1205100099');
    await dialog.getByRole('textbox', { name: 'Seriale certificato di sottoscrizione' }).fill('S1205100099');
    await dialog.getByRole('textbox', { name: 'Seriale certificato di autenticazione' }).fill('A1205100099');
    await screenshot(page, 'replacement-new-device');
    await dialog.getByRole('button', { name: 'Registra nuovo dispositivo' }).click();
    await page.getByTestId('replacementStatus-completed').waitFor();
    await page.getByTestId('oldDeviceStatus-terminated').waitFor();
    await expect.poll(() => page.getByTestId('revoked-certificates').textContent()).toBe('Sottoscrizione, Autenticazione (CNS)');
    await page.getByText('Sostituito (superseded)').first().waitFor();
    await page.getByTestId('replacement-step-completed').waitFor();
    await screenshot(page, 'replacement-completed');
    await expectAccessible('replacement completed');

    // The server says the same: the old card terminated, replaced by the new one, both certificates revoked.
    const device = (await (await world.api.accountant.get('/api/devices/1205100000')).json()) as { id: string };
    expect(device.id).toBe('1205100000');
    const audit = (await (await world.api.supervisor.get(`/api/audit-events?filter=${encodeURIComponent(JSON.stringify({ stream: 'device-1205100000' }))}&range=[0,99]`)).json()) as Array<{ type: string }>;
    expect(audit.map((e) => e.type).sort()).toEqual(['CertificateRevoked', 'CertificateRevoked', 'DeviceRegistered', 'DeviceStatusChanged']);

    // The old card's page lists its request, completed, with the new card.
    await page.getByRole('link', { name: '1205100000' }).first().click();
    await expect.poll(() => page.url()).toMatch(/#\/devices\/1205100000\/show$/);
    const request = page.getByRole('row').filter({ hasText: '1205100099' });
    await request.getByTestId('replacementStatus-completed').waitFor();
    // The device page itself (the devices area): terminated, both certificates revoked.
    await page.getByTestId('deviceStatus-terminated').waitFor();
    await page.getByTestId('certificate-signing-revoked').waitFor();
    await page.getByTestId('certificate-authentication-revoked').waitFor();
    await screenshot(page, 'replacement-device-page');
    expectNoPageErrors(world.browser);
  });

  it('the supervisor who opened a request cannot approve it; another supervisor can', async () => {
    await seedCustomer(world, { cf: LAURA_CF, name: 'Laura', surname: 'Bianchi', email: 'laura.bianchi@example.it', serial: '1205100001', days: 200 });
    // Supervisors may open requests too: from the device's page.
    await page.goto(`${world.url}/#/devices/1205100001/show`);
    await page.getByRole('link', { name: 'Richiedi sostituzione' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Dispositivo da sostituire' }).inputValue()).toBe('1205100001');
    await page.getByRole('combobox', { name: 'Motivo' }).click();
    await page.getByRole('option', { name: 'Smarrita' }).click();
    await page.getByRole('button', { name: 'Salva' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/replacement-requests\/[0-9a-f-]{36}\/show$/);
    const id = page.url().match(/replacement-requests\/([0-9a-f-]{36})\/show/)![1]!;
    await page.getByTestId('own-replacement').waitFor();
    expect(await page.getByRole('button', { name: 'Approva' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Respingi' }).count()).toBe(0);
    await screenshot(page, 'replacement-own-request');

    // Not only the console: the server refuses the one who opened it.
    const refused = await world.api.supervisor.post(`/api/replacement-requests/${id}/approve`, { note: 'approvo io' });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ code: 'replacement_same_person' });

    await signInAsSecond();
    await page.goto(`${world.url}/#/replacement-requests/${id}/show`);
    await page.getByTestId('replacementStatus-pending').waitFor();
    expect(await page.getByTestId('own-replacement').count()).toBe(0);
    await page.getByRole('button', { name: 'Approva' }).click();
    await page.getByRole('dialog').getByRole('textbox', { name: 'Nota' }).fill('Smarrimento denunciato');
    await page.getByRole('dialog').getByRole('button', { name: 'Approva' }).click();
    await page.getByTestId('replacementStatus-approved').waitFor();
    // A lost card is revoked at approval, before the new card exists.
    await page.getByTestId('oldDeviceStatus-lost').waitFor();
    await expect.poll(() => page.getByTestId('revoked-certificates').textContent()).toBe('Sottoscrizione, Autenticazione (CNS)');
    expect((await (await second.get(`/api/replacement-requests/${id}`)).json()) as object).toMatchObject({ status: 'approved', oldDeviceStatus: 'lost' });
    expectNoPageErrors(world.browser);
  });
});
