// The desk page in Debian's Chromium (playwright-core) at the desk screen's 1366×768, against the
// real parts: the back office on a port, the SoftHSM2 demo card, the development CA, the token
// client and the kiosk server. The operator logs in, sees the card (and what the page says once it
// is past its deadline, and when a second card comes in), chooses pay-after, the holder types a
// wrong PIN, then the right one while the CA is down, the operator resumes, the renewal completes
// and the receipt opens as a PDF. The PIN typed in the browser is then searched for in every line
// the kiosk logged.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDER } from '../../../../kiosk/demo/demoHolder';
import { DEMO_USER_PIN, demoTokenDir } from '../../../../kiosk/demo/demoCard';
import { createSoftHsmToken } from '../../../../kiosk/token/softhsm';
import { axeViolations, CHROMIUM, CHROMIUM_ARGS, describeViolations, screenshot } from '../../../admin-ui/browser/support';
import { tempDir } from '../../../support/tmp';
import { mentionsPin, PASSWORD, startDeskWorld, type DeskWorld } from '../support';

const WRONG_PIN = '24681357';
const DAY = 86_400_000;

describe('the desk page in Chromium', () => {
  let world: DeskWorld;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const profile = tempDir('kiosk-chromium-');

  beforeAll(async () => {
    world = await startDeskWorld();
    context = await chromium.launchPersistentContext(profile.path, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      locale: 'it-IT',
      timezoneId: 'Europe/Rome',
      viewport: { width: 1366, height: 768 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  }, 90_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    profile.remove();
    await world?.close();
  });

  it('renews the demo card from login to receipt', { timeout: 90_000 }, async () => {
    const logIn = async () => {
      await page.getByRole('heading', { name: "Accesso dell'operatore" }).waitFor();
      await page.getByLabel('Nome utente').fill('operatore');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Accedi' }).click();
    };
    await page.goto(world.url);
    await logIn();

    // The back office started empty: the kiosk registered the demo card, and the card shows up.
    await page.getByText(`Carta demo ${world.card.serial.toUpperCase()} registrata nel back office`).waitFor();
    await page.locator('#card-cf', { hasText: DEMO_HOLDER.codiceFiscale }).waitFor();
    const rows = await page.locator('#card-certificates tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t')[0]).sort()).toEqual(['Autenticazione', 'Firma']);
    expect(rows.every((r) => r.includes('aperta'))).toBe(true);
    // Scadenza in Rome's time: 20 days after the back office's clock.
    expect(rows[0]).toMatch(/14\/12\/2026, \d\d:\d\d/);

    // Past the deadline (and the day of grace), the card needs a replacement: the page says so
    // and links to the console's replacement request for this device.
    const today = world.api.clock.current;
    world.api.clock.advance(22 * DAY);
    await page.reload();
    await logIn(); // 22 days later the operator's back-office session has long expired
    await page.getByText('Certificato oltre la scadenza: serve una carta sostitutiva').first().waitFor();
    const replacement = page.getByRole('link', { name: 'Richiedi la carta sostitutiva' });
    expect(await replacement.getAttribute('href')).toBe(
      `${world.api.baseUrl}/#/replacement-requests/create?source=${encodeURIComponent(JSON.stringify({ deviceSerial: world.card.serial.toUpperCase() }))}`,
    );
    expect(await page.getByRole('button', { name: 'Avvia il rinnovo' }).isVisible()).toBe(false);
    world.api.clock.current = today;
    await page.reload();
    await page.getByRole('button', { name: 'Avvia il rinnovo' }).waitFor();

    // A second card inserted in another reader: both are listed, by reader, label and serial.
    const second = await createSoftHsmToken({ dir: demoTokenDir(world.dataDir), label: 'Seconda carta', soPin: '11112222', userPin: '33334444' });
    await page.getByRole('heading', { name: 'Carte presenti' }).waitFor({ timeout: 10_000 });
    const listed = await page.locator('#tokens-list tr').allInnerTexts();
    expect(listed.map((r) => r.split('\t').slice(1, 3))).toEqual(
      expect.arrayContaining([
        ['Carta demo', world.card.serial],
        ['Seconda carta', second.serial],
      ]),
    );

    // The whole choice fits the desk screen: no horizontal scrolling, the start button in view.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    const start = page.getByRole('button', { name: 'Avvia il rinnovo' });
    await screenshot(page, "kiosk-desk-card");
    const box = (await start.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await screenshot(page, 'kiosk-desk-card');

    await page.getByLabel('Pagamento successivo').check();
    await page.getByText('10,00 € + IVA 22% (12,20 € in totale)').waitFor();
    await start.click();

    const pin = page.getByLabel('Il titolare digita il PIN della carta');
    await pin.waitFor();
    expect(await pin.getAttribute('type')).toBe('password');
    expect(await pin.getAttribute('autocomplete')).toBe('off');
    await pin.fill(WRONG_PIN);
    await page.getByRole('button', { name: 'Rinnova' }).click();
    await page.getByText('PIN errato').waitFor();
    expect(await pin.inputValue()).toBe('');

    // The CA does not answer: the renewal stops where it got to, the page says why and offers to resume.
    world.caDown = true;
    await pin.fill(DEMO_USER_PIN);
    await page.getByRole('button', { name: 'Rinnova' }).click();
    expect(await pin.inputValue()).toBe('');
    await page.getByText('Autorità di certificazione non raggiungibile: riprovare tra poco').waitFor({ timeout: 30_000 });
    await screenshot(page, 'kiosk-desk-fault');
    world.caDown = false;
    await page.getByRole('button', { name: 'Riprendi' }).click();
    await pin.waitFor();
    await pin.fill(DEMO_USER_PIN);
    await page.getByRole('button', { name: 'Rinnova' }).click();
    await page.getByRole('heading', { name: 'Rinnovo completato' }).waitFor({ timeout: 30_000 });
    const steps = await page.locator('#steps-list li').allInnerTexts();
    expect(steps.filter((s) => s.includes('certificato verificato'))).toHaveLength(2);
    const issued = await page.locator('#done-certificates tbody tr').allInnerTexts();
    expect(issued).toHaveLength(2);
    expect(issued.every((r) => /\/2029, \d\d:\d\d$/.test(r.trim()))).toBe(true);
    await screenshot(page, 'kiosk-desk-done');

    // "Stampa ricevuta" opens the receipt, a PDF shown inline.
    const receipt = context.waitForEvent('response', (r) => r.url().includes('/receipt'));
    await page.getByRole('link', { name: 'Stampa ricevuta' }).click();
    const answer = await receipt;
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe('application/pdf');
    expect(answer.headers()['content-disposition']).toMatch(/^inline;/);

    // Nothing the PIN went through kept it: not the page's storage, not the kiosk's log.
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie + location.href)).not.toContain(DEMO_USER_PIN);
    expect(world.logs.length).toBeGreaterThan(10);
    expect(world.logs.filter((line) => mentionsPin(line, DEMO_USER_PIN) || mentionsPin(line, WRONG_PIN))).toEqual([]);
    expect(errors.filter((e) => !e.includes('422'))).toEqual([]);
  });
});
