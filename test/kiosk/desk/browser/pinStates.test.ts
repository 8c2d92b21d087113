// What the desk page says about the PIN's tries left, for the states SoftHSM2 never reaches (it
// sets CKF_USER_PIN_COUNT_LOW but never FINAL_TRY or LOCKED): the renewal work behind the desk
// server is scripted here to answer each state as a card would (kiosk/token/pinFlags.ts reads the
// flags themselves, tested apart). The page, the desk server and Chromium are the real ones.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeskServer } from '../../../../kiosk/desk/server';
import { createKioskLogger } from '../../../../kiosk/logging';
import { KioskError, type CardView, type DeskRenewal, type KioskRenewals, type Operator } from '../../../../kiosk/renewal/port';
import type { PinState, TokenInfo, TokenPort } from '../../../../kiosk/token/port';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../admin-ui/browser/support';
import { tempDir } from '../../../support/tmp';

const RENEWAL_ID = '0196a7a0-0000-7000-8000-0000000000aa';
const token: TokenInfo = { serial: 'CARD0001', label: 'Carta', manufacturer: 'Vendor', model: 'CNS', reader: 'Lettore 1', pin: 'ok' };
const certificate = (kind: 'signing' | 'authentication', serialNumber: string) => ({
  kind,
  tokenObjectId: kind === 'signing' ? '01' : '02',
  label: kind,
  subject: 'CN=Giulia Esposito',
  issuer: 'CA',
  serialNumber,
  validFrom: '2023-12-14T09:00:00Z',
  validUntil: '2026-12-14T09:00:00Z',
  window: 'open' as const,
  windowOpensAt: '2026-09-15T09:00:00Z',
  windowClosesAt: '2026-12-15T09:00:00Z',
});
const renewal: DeskRenewal = { renewalId: RENEWAL_ID, deviceSerial: 'CARD0001', state: 'in_progress', certificates: ['signing', 'authentication'], reached: {}, failure: null, issued: {} };

describe('the PIN states on the desk page', () => {
  let desk: FastifyInstance;
  let context: BrowserContext;
  let page: Page;
  const profile = tempDir('kiosk-chromium-');
  /** What the card answers to the next PIN. */
  let nextAnswer: PinState = 'count_low';
  let tokenPin: PinState = 'ok';

  beforeAll(async () => {
    let operator: Operator | null = null;
    const card = (): CardView => ({
      token: { ...token, pin: tokenPin },
      holderCodiceFiscale: 'SPSGLI85C52H501M',
      customer: { id: 'c1', name: 'Giulia Esposito' },
      device: { serial: 'CARD0001', issuer: 'CA', status: 'active', policyId: 'default' },
      certificates: [certificate('signing', 'AA01'), certificate('authentication', 'AA02')],
      payAfter: { allowed: false, feeCents: 1000, vatRateBp: 2200 },
      openRenewal: null,
      problems: [],
    });
    const renewals: KioskRenewals = {
      inspect: async () => card(),
      start: async () => renewal,
      run: async () => {
        tokenPin = nextAnswer;
        if (nextAnswer === 'locked') throw new KioskError('pin_locked', 'PIN locked', { pin: 'locked', renewalId: RENEWAL_ID });
        throw new KioskError('pin_incorrect', 'wrong PIN', { pin: nextAnswer, renewalId: RENEWAL_ID });
      },
      abandon: async () => renewal,
      receipt: async () => Buffer.from('%PDF-1.4\n'),
    };
    desk = await buildDeskServer({
      backOffice: {
        login: async (username) => (operator = { username, displayName: 'Operatrice', roles: ['operator'] }),
        logout: async () => void (operator = null),
        operator: async () => operator,
      },
      renewals,
      tokens: { listTokens: async () => [{ ...token, pin: tokenPin }] } as unknown as TokenPort,
      logger: createKioskLogger({ level: 'silent' }),
      backOfficeUrl: 'http://127.0.0.1:3000',
      port: 0,
    });
    await desk.listen({ host: '127.0.0.1', port: 0 });
    context = await chromium.launchPersistentContext(profile.path, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, locale: 'it-IT', timezoneId: 'Europe/Rome', viewport: { width: 1366, height: 768 } });
    page = context.pages()[0] ?? (await context.newPage());
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await desk?.close();
    profile.remove();
  });

  it('warns of few tries, then of the last one, then stops on a locked PIN with the supervisor path', { timeout: 60_000 }, async () => {
    const address = desk.server.address();
    await page.goto(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);
    await page.getByLabel('Nome utente').fill('operatore');
    await page.getByLabel('Password').fill('una password');
    await page.getByRole('button', { name: 'Accedi' }).click();
    await page.getByLabel('Coupon per Firma').fill('AAAA-BBBB-CCCC-DDDD-EEEE');
    await page.getByLabel('Coupon per Autenticazione').fill('FFFF-GGGG-HHHH-JJJJ-KKKK');
    await page.getByRole('button', { name: 'Avvia il rinnovo' }).click();
    const pin = page.getByLabel('Il titolare digita il PIN della carta');
    const state = page.locator('#pin-state');

    nextAnswer = 'count_low';
    await pin.fill('11111111');
    await page.getByRole('button', { name: 'Rinnova' }).click();
    await page.locator('#pin-error', { hasText: 'PIN errato' }).waitFor();
    expect(await state.innerText()).toBe('Attenzione: pochi tentativi rimasti');

    nextAnswer = 'final_try';
    await pin.fill('22222222');
    await page.getByRole('button', { name: 'Rinnova' }).click();
    await state.filter({ hasText: 'Ultimo tentativo' }).waitFor();
    expect(await page.getByRole('button', { name: 'Rinnova' }).isEnabled()).toBe(true);

    nextAnswer = 'locked';
    await pin.fill('33333333');
    await page.getByRole('button', { name: 'Rinnova' }).click();
    await page.getByRole('heading', { name: 'Il rinnovo si è fermato' }).waitFor();
    expect(await page.locator('#fault-message').innerText()).toBe('PIN bloccato: rivolgersi al supervisore per lo sblocco');
    // The run stops: no "Riprendi" while the PIN is locked.
    expect(await page.getByRole('button', { name: 'Riprendi' }).isVisible()).toBe(false);
  });
});
