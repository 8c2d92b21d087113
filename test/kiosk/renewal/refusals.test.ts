// What stops a renewal at the kiosk before the card is touched: a locked PIN (with the supervisor's
// path), a card past its window (a replacement card), a coupon of the wrong kind (the back office's
// refusal). Real parts: the back office over HTTP, SoftHSM2 cards, the development CA.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenError, type TokenPort } from '../../../kiosk/token/port';
import { couponRow, kioskError, type KioskWorld, PIN, startKioskWorld, tokenWith } from './support';

let world: KioskWorld;
beforeAll(async () => {
  world = await startKioskWorld();
}, 30_000);
afterAll(async () => {
  await world?.close();
});

describe('a renewal refused at the kiosk', () => {
  it('a locked PIN stops the renewal and names the supervisor path (the card PUK), recording nothing', async () => {
    const card = await world.newCard({ kinds: ['signing'] });
    // SoftHSM2 never reports a locked PIN: the token answers as a locked card does.
    const lockedCard = (client: TokenPort): TokenPort =>
      tokenWith(client, {
        login: async () => {
          throw new TokenError('pin_locked', 'CKR_PIN_LOCKED', 'locked');
        },
      });
    const kiosk = await world.newKiosk({ wrapToken: lockedCard });
    const started = await kiosk.renewals.start(card.serial, { certificates: ['signing'], payment: { mode: 'pay_after' } });
    const locked = await kioskError(kiosk.renewals.run(started.renewalId, card.serial, PIN));
    expect(locked).toMatchObject({ code: 'pin_locked', details: { pin: 'locked', renewalId: started.renewalId } });
    expect(locked.message).toMatch(/PUK/);
    expect(locked.message).toMatch(/supervisore/);
    expect((await world.api.store.readStream(`renewal-${started.renewalId}`)).map((e) => e.type)).toEqual(['RenewalStarted']);
    await kiosk.renewals.abandon(started.renewalId, 'carta bloccata');
  }, 30_000);

  it('a card past its window is refused before the back office is asked: a replacement card is needed', async () => {
    const card = await world.newCard({ expiresInDays: -3 });
    const kiosk = await world.newKiosk();
    const view = await kiosk.renewals.inspect(card.serial);
    expect(view.problems).toContain('replacement_needed');
    expect(view.certificates.every((c) => c.window === 'closed')).toBe(true);
    const before = world.sentToBackOffice.filter((l) => l.startsWith('POST')).length;
    const refused = await kioskError(kiosk.renewals.start(card.serial, { certificates: ['signing', 'authentication'], payment: { mode: 'pay_after' } }));
    expect(refused.code).toBe('replacement_needed');
    expect(refused.message).toMatch(/serve una carta sostitutiva/);
    expect(world.sentToBackOffice.filter((l) => l.startsWith('POST')).length).toBe(before);
  }, 30_000);

  it("a coupon of the wrong kind is refused with the back office's code, and nothing is held", async () => {
    const card = await world.newCard();
    const kiosk = await world.newKiosk();
    const [signingOnly, another] = await world.buyCoupons('RIN-FIRMA', 2);
    const refused = await kioskError(
      kiosk.renewals.start(card.serial, { certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [signingOnly!, another!] } }),
    );
    expect(refused).toMatchObject({ code: 'back_office_refused', details: { status: 422 } });
    expect(refused.details.backOfficeCode).toMatch(/^coupon/);
    expect(await couponRow(world, signingOnly!)).toMatchObject({ state: 'issued' });
    expect((await kiosk.renewals.inspect(card.serial)).openRenewal).toBeNull();
  }, 30_000);
});
