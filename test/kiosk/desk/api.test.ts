// The desk API with the real parts behind it (back office, SoftHSM2 demo card, development CA,
// token client): what the desk page does, request by request. The PIN is searched for in the
// kiosk's log and in the back office's events afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDER } from '../../../kiosk/demo/demoHolder';
import { DEMO_USER_PIN } from '../../../kiosk/demo/demoCard';
import { pdfText } from '../../support/pdf';
import { mentionsPin, PASSWORD, startDeskWorld, type DeskWorld } from './support';

describe('a renewal at the desk, over the desk API', () => {
  let world: DeskWorld;
  beforeAll(async () => {
    world = await startDeskWorld();
  }, 60_000);
  afterAll(async () => world?.close());

  it('asks for the operator, then registers the demo holder and card in the empty back office', async () => {
    expect((await world.call('GET', '/api/operator')).json).toEqual({ operator: null });
    const cardBefore = await world.call('GET', `/api/cards/${world.card.serial}`);
    expect(cardBefore.status).toBe(401);
    expect(cardBefore.json.code).toBe('not_logged_in');

    const wrong = await world.call('POST', '/api/operator/login', { username: 'operatore', password: 'not the password' });
    expect(wrong.status).toBe(401);
    const login = await world.call('POST', '/api/operator/login', { username: 'operatore', password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.json.operator).toMatchObject({ username: 'operatore', roles: ['operator'] });
    expect(login.json.notices.join('\n')).toContain(`Carta demo ${world.card.serial.toUpperCase()} registrata nel back office`);
    expect((await world.call('GET', '/api/operator')).json.operator.username).toBe('operatore');
    // A second login finds them registered and says nothing more.
    expect((await world.call('POST', '/api/operator/login', { username: 'operatore', password: PASSWORD })).json.notices).toEqual([]);
  });

  it('lists the card in its reader and shows it: holder, both certificates in an open window, pay-after offered', async () => {
    const { tokens } = (await world.call('GET', '/api/tokens')).json;
    expect(tokens).toEqual([expect.objectContaining({ serial: world.card.serial, label: 'Carta demo', pin: expect.any(String) })]);
    const card = (await world.call('GET', `/api/cards/${world.card.serial}`)).json;
    expect(card.holderCodiceFiscale).toBe(DEMO_HOLDER.codiceFiscale);
    expect(card.customer.name).toContain('Esposito');
    expect(card.problems).toEqual([]);
    expect(card.openRenewal).toBeNull();
    expect(card.certificates.map((c: { kind: string; window: string }) => [c.kind, c.window]).sort()).toEqual([
      ['authentication', 'open'],
      ['signing', 'open'],
    ]);
    expect(card.payAfter).toEqual({ allowed: true, feeCents: 1000, vatRateBp: 2200 });
  });

  it('refuses a payment it cannot take, naming the field', async () => {
    const bad = await world.call('POST', `/api/cards/${world.card.serial}/renewals`, { certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [] } });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toBe('coupon: inserire un codice per certificato, o uno per entrambi (coupons: type one code per certificate, or one for both)');
    const unknownCoupon = await world.call('POST', `/api/cards/${world.card.serial}/renewals`, {
      certificates: ['signing', 'authentication'],
      payment: { mode: 'coupons', coupons: ['AAAA-BBBB-CCCC-DDDD-EEEE'] },
    });
    expect(unknownCoupon.status).toBeGreaterThanOrEqual(400);
    expect(unknownCoupon.status).toBeLessThan(500);
    expect(unknownCoupon.json.code).toBe('back_office_refused');
  });

  it('shows a renewal left open to resume, and abandons it with a reason', async () => {
    const started = await world.call('POST', `/api/cards/${world.card.serial}/renewals`, { certificates: ['signing'], partialReason: 'prova', payment: { mode: 'pay_after' } });
    expect(started.status).toBe(201);
    const card = (await world.call('GET', `/api/cards/${world.card.serial}`)).json;
    expect(card.openRenewal).toMatchObject({ renewalId: started.json.renewalId, certificates: ['signing'] });
    const again = await world.call('POST', `/api/cards/${world.card.serial}/renewals`, { certificates: ['signing', 'authentication'], payment: { mode: 'pay_after' } });
    expect(again.status).toBe(409);
    expect(again.json.renewalId).toBe(started.json.renewalId);
    const noReason = await world.call('POST', `/api/renewals/${started.json.renewalId}/abandon`, { reason: '  ' });
    expect(noReason.json.message).toBe('motivo: campo obbligatorio (reason is required)');
    const abandoned = await world.call('POST', `/api/renewals/${started.json.renewalId}/abandon`, { reason: 'il cliente ha cambiato idea' });
    expect(abandoned.status).toBe(200);
    expect(abandoned.json.state).toBe('abandoned');
    expect((await world.call('GET', `/api/cards/${world.card.serial}`)).json.openRenewal).toBeNull();
  });

  it('starts with pay-after, runs with the PIN (a wrong one first), shows the steps and prints the receipt', async () => {
    const started = await world.call('POST', `/api/cards/${world.card.serial}/renewals`, {
      certificates: ['signing', 'authentication'],
      payment: { mode: 'pay_after' },
    });
    expect(started.status).toBe(201);
    const renewalId = started.json.renewalId as string;
    expect(started.json.state).toBe('in_progress');

    const wrong = await world.call('POST', `/api/renewals/${renewalId}/run`, { tokenSerial: world.card.serial, pin: '97531864' });
    expect(wrong.status).toBe(422);
    expect(wrong.json).toMatchObject({ code: 'pin_incorrect', pin: expect.stringMatching(/^(ok|count_low|final_try)$/) });

    const done = await world.call('POST', `/api/renewals/${renewalId}/run`, { tokenSerial: world.card.serial, pin: DEMO_USER_PIN });
    expect(done.status).toBe(200);
    expect(done.json.state).toBe('completed');
    const old = new Set(world.card.certificates.map((c) => c.serialNumber));
    for (const kind of ['signing', 'authentication'] as const) {
      expect(done.json.issued[kind].serialNumber).toMatch(/^[0-9A-F]+$/);
      expect(old.has(done.json.issued[kind].serialNumber)).toBe(false);
      expect(done.json.issued[kind].validUntil.slice(0, 4)).toBe('2029');
    }
    const progress = (await world.call('GET', `/api/renewals/${renewalId}/progress`)).json;
    expect(progress.running).toBe(false);
    expect(progress.steps.filter((s: { step: string }) => s.step === 'verified').map((s: { certificateKind: string }) => s.certificateKind).sort()).toEqual(['authentication', 'signing']);

    const receipt = await world.call('GET', `/api/renewals/${renewalId}/receipt`);
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get('content-type')).toBe('application/pdf');
    expect(receipt.headers.get('content-disposition')).toMatch(/^inline;/);
    const text = pdfText(receipt.body);
    expect(text).toContain(done.json.issued.signing.serialNumber);

    // The card now holds the new certificates, valid for years: nothing left to renew.
    const card = (await world.call('GET', `/api/cards/${world.card.serial}`)).json;
    expect(card.certificates.map((c: { serialNumber: string }) => c.serialNumber).sort()).toEqual(
      [done.json.issued.signing.serialNumber, done.json.issued.authentication.serialNumber].sort(),
    );
    expect(card.openRenewal).toBeNull();
  });

  it('kept the PIN out of every log line and every back-office event', async () => {
    expect(world.logs.length).toBeGreaterThan(10);
    expect(world.logs.filter((line) => mentionsPin(line, DEMO_USER_PIN) || mentionsPin(line, '97531864'))).toEqual([]);
    expect(world.logs.filter((line) => line.includes(PASSWORD))).toEqual([]);
    const events: string[] = [];
    for await (const event of world.api.store.readAll()) events.push(JSON.stringify(event));
    expect(events.length).toBeGreaterThan(10);
    expect(events.filter((e) => mentionsPin(e, DEMO_USER_PIN) || mentionsPin(e, '97531864'))).toEqual([]);
  });
});

describe('a sale at the desk, over the desk API', () => {
  let world: DeskWorld;
  beforeAll(async () => {
    world = await startDeskWorld({ products: true });
    await world.call('POST', '/api/operator/login', { username: 'operatore', password: PASSWORD });
  }, 60_000);
  afterAll(async () => world?.close());

  it('sells the renewal at the desk (cash), then renews the card with it', async () => {
    const started = await world.call('POST', `/api/cards/${world.card.serial}/renewals`, {
      certificates: ['signing', 'authentication'],
      payment: { mode: 'desk_sale', method: 'cash' },
    });
    expect(started.json).toMatchObject({ state: 'in_progress' });
    expect(started.status).toBe(201);
    const done = await world.call('POST', `/api/renewals/${started.json.renewalId}/run`, { tokenSerial: world.card.serial, pin: DEMO_USER_PIN });
    expect(done.json.state).toBe('completed');
  });
});
