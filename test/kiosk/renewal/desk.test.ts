// Two desks and the secrets of the counter: the same coupon typed at two kiosks at once (one gets
// it), a renewal sold and paid at the desk, and then a search of everything the kiosks logged,
// everything they sent to the back office, everything the server logged and every event stored:
// the PIN is in none of them, and the coupon codes are not in the kiosk's log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unreachableWhile } from '../../../kiosk/ca/faults';
import { KioskError } from '../../../kiosk/renewal/port';
import { expectStatus } from '../../server/api/support';
import { PIN, startKioskWorld, type KioskWorld } from './support';

let world: KioskWorld;
beforeAll(async () => {
  world = await startKioskWorld();
}, 30_000);
afterAll(async () => {
  await world?.close();
});

const typedCodes: string[] = [];

describe('two desks, and the secrets of the counter', () => {
  it('the same coupon typed at two kiosks at once: exactly one renewal gets it, the other is told it is held', async () => {
    const [cardA, cardB] = [await world.newCard(), await world.newCard()];
    const [kioskA, kioskB] = [await world.newKiosk(), await world.newKiosk()];
    const [both] = await world.buyCoupons('RIN-FIRMA-CNS', 1);
    typedCodes.push(both!);
    const choice = { certificates: ['signing', 'authentication'] as Array<'signing' | 'authentication'>, payment: { mode: 'coupons' as const, coupons: [both!] } };
    const outcomes = await Promise.allSettled([kioskA.renewals.start(cardA.serial, choice), kioskB.renewals.start(cardB.serial, choice)]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(KioskError);
    expect(lost[0]!.reason).toMatchObject({ code: 'back_office_refused', details: { status: 409, backOfficeCode: 'coupon_reserved' } });
  }, 30_000);

  it('a renewal sold at the desk: the order placed and paid by card, the renewal paid by it, completed', async () => {
    const card = await world.newCard();
    const kiosk = await world.newKiosk();
    const started = await kiosk.renewals.start(card.serial, { certificates: ['signing', 'authentication'], payment: { mode: 'desk_sale', method: 'card' } });
    const row = expectStatus(await world.api.accountant.get(`/api/renewals/${started.renewalId}`), 200).json();
    expect(row).toMatchObject({ paymentMode: 'desk_sale', channel: 'kiosk' });
    const order = expectStatus(await world.api.accountant.get(`/api/orders/${row.deskOrderId}`), 200).json();
    expect(order).toMatchObject({ status: 'fulfilled', amountDueCents: 0, deviceSerial: card.deviceSerial });
    expect(await kiosk.renewals.run(started.renewalId, card.serial, PIN)).toMatchObject({ state: 'completed' });
  }, 30_000);

  it('a desk sale whose renewal did not start, tried again: the same sale is used, the customer does not pay twice', async () => {
    const card = await world.newCard();
    let refuseStart = true;
    const kiosk = await world.newKiosk({
      wrapBackOffice: (bo) => ({
        ...bo,
        async startRenewal(body, key) {
          if (refuseStart) {
            refuseStart = false;
            throw new KioskError('back_office_unreachable', 'il gestionale non risponde');
          }
          return bo.startRenewal(body, key);
        },
      }),
    });
    const choice = { certificates: ['signing', 'authentication'] as Array<'signing' | 'authentication'>, payment: { mode: 'desk_sale' as const, method: 'cash' as const } };
    await expect(kiosk.renewals.start(card.serial, choice)).rejects.toMatchObject({ code: 'back_office_unreachable' });
    const started = await kiosk.renewals.start(card.serial, choice);
    const orders = expectStatus(await world.api.accountant.get(`/api/orders?filter=${encodeURIComponent(JSON.stringify({ deviceSerial: card.deviceSerial }))}`), 200).json<Array<{ id: string; status: string }>>();
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ status: 'fulfilled' });
    expect(expectStatus(await world.api.accountant.get(`/api/renewals/${started.renewalId}`), 200).json()).toMatchObject({ deskOrderId: orders[0]!.id });
    const payments = expectStatus(await world.api.accountant.get(`/api/payments?filter=${encodeURIComponent(JSON.stringify({ orderId: orders[0]!.id }))}`), 200).json<unknown[]>();
    expect(payments).toHaveLength(1);
    expect(await kiosk.renewals.run(started.renewalId, card.serial, PIN)).toMatchObject({ state: 'completed' });
  }, 30_000);

  it('the PIN is in no log line, no request the back office received, no event; the coupon codes are not in the kiosk log', async () => {
    // A wrong PIN, a fault and a resumed run: every path that logs or records something.
    const card = await world.newCard();
    let down = true;
    const kiosk = await world.newKiosk({ ca: unreachableWhile(world.ca, () => down) });
    const [signing, cns] = [...(await world.buyCoupons('RIN-FIRMA', 1)), ...(await world.buyCoupons('RIN-CNS', 1))];
    typedCodes.push(signing!, cns!);
    const started = await kiosk.renewals.start(card.serial, { certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [signing!, cns!] } });
    await expect(kiosk.renewals.run(started.renewalId, card.serial, `${PIN}x`)).rejects.toMatchObject({ code: 'pin_incorrect' });
    await expect(kiosk.renewals.run(started.renewalId, card.serial, PIN)).rejects.toMatchObject({ code: 'ca_unreachable' });
    down = false;
    expect(await kiosk.renewals.run(started.renewalId, card.serial, PIN)).toMatchObject({ state: 'completed' });

    const kioskLog = world.kioskLog.join('');
    expect(kioskLog).toContain('renewal completed');
    expect(kioskLog).toContain('step done');
    expect(world.sentToBackOffice.some((l) => l.includes('/steps'))).toBe(true);
    expect(world.serverLog.join('')).toContain('/api/renewals');
    const events = await world.eventLog();
    expect(events).toContain('RenewalCompleted');
    for (const [where, text] of [
      ['the kiosk log', kioskLog],
      ['the requests to the back office', world.sentToBackOffice.join('\n')],
      ['the server log', world.serverLog.join('')],
      ['the event log', events],
    ] as const) {
      expect(text.includes(PIN), `the PIN in ${where}`).toBe(false);
    }
    for (const code of typedCodes) {
      expect(kioskLog.includes(code), 'a coupon code in the kiosk log').toBe(false);
      expect(kioskLog.includes(code.replace(/-/g, '')), 'a coupon code in the kiosk log').toBe(false);
    }
  }, 30_000);
});
