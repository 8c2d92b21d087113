// Faults at the desk, on real parts: the card pulled out mid-way (its sessions closed after the
// keys were generated), the CA down and then back, the kiosk killed after a certificate was issued
// (a new kiosk, with its own token process, picks it up). Each time the renewal stops at the step
// it reached, recorded as failed when the kiosk lived to say so, and a second run completes it
// without a second coupon or a second certificate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackOffice } from '../../../kiosk/backOffice';
import { unreachableWhile } from '../../../kiosk/ca/faults';
import type { CertificateAuthority } from '../../../kiosk/ca/port';
import { renewalKeyId } from '../../../kiosk/renewal/keyIds';
import { KioskError } from '../../../kiosk/renewal/port';
import type { TokenClient } from '../../../kiosk/token/client';
import { expectStatus, streamTypes } from '../../server/api/support';
import { kioskError, type KioskWorld, PIN, startKioskWorld, tokenWith } from './support';

let world: KioskWorld;
beforeAll(async () => {
  world = await startKioskWorld();
}, 30_000);
afterAll(async () => {
  await world?.close();
});

/** The CA, counting what it is asked to issue (per request id). */
function countingCa(ca: CertificateAuthority): { ca: CertificateAuthority; issued: Map<string, number> } {
  const issued = new Map<string, number>();
  return {
    issued,
    ca: {
      name: ca.name,
      issue: async (request) => {
        issued.set(request.requestId, (issued.get(request.requestId) ?? 0) + 1);
        return ca.issue(request);
      },
      findIssued: (id) => ca.findIssued(id),
      chainPem: () => ca.chainPem(),
      revoke: (s, r) => ca.revoke(s, r),
      crlPem: () => ca.crlPem(),
    },
  };
}

const renewalRow = async (id: string) => expectStatus(await world.api.accountant.get(`/api/renewals/${id}`), 200).json();

/** One coupon for both certificates, reserved once and redeemed once by this renewal. */
async function expectOneCouponUsedOnce(renewalId: string) {
  const started = (await world.api.store.readStream(`renewal-${renewalId}`)).find((e) => e.type === 'RenewalStarted')!;
  const coupons = (started.data as { payment: { coupons: Array<{ couponId: string }> } }).payment.coupons;
  expect(coupons).toHaveLength(1);
  const types = await streamTypes(world.api.store, `coupon-${coupons[0]!.couponId}`);
  expect(types.filter((t) => t === 'CouponReserved')).toHaveLength(1);
  expect(types.filter((t) => t === 'CouponRedeemed')).toHaveLength(1);
}

describe('faults at the desk', () => {
  it('the card pulled out after the keys were generated: failed at keys_generated; run again, it completes with one certificate per kind and one coupon', async () => {
    const card = await world.newCard();
    const counting = countingCa(world.ca);
    let pulled = false;
    let client!: TokenClient;
    const kiosk = await world.newKiosk({
      ca: counting.ca,
      wrapToken: (c) => {
        client = c;
        return tokenWith(c, {
          generateKeyPair: async (serial, key) => {
            const answer = await c.generateKeyPair(serial, key);
            if (!pulled) {
              pulled = true;
              await c.endSessions(serial);
            }
            return answer;
          },
        });
      },
    });
    const [coupon] = await world.buyCoupons('RIN-FIRMA-CNS', 1);
    const started = await kiosk.renewals.start(card.serial, { certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [coupon!] } });

    const removed = await kioskError(kiosk.renewals.run(started.renewalId, card.serial, PIN));
    expect(removed).toMatchObject({ code: 'token_removed', details: { renewalId: started.renewalId } });
    expect(await renewalRow(started.renewalId)).toMatchObject({ state: 'failed', failedStep: 'keys_generated', failedCertificate: 'signing' });
    const view = await kiosk.renewals.inspect(card.serial);
    expect(view.openRenewal).toMatchObject({ renewalId: started.renewalId, state: 'failed', reached: { signing: 'keys_generated' } });

    const done = await kiosk.renewals.run(started.renewalId, card.serial, PIN);
    expect(done.state).toBe('completed');
    expect([...counting.issued.values()]).toEqual([1, 1]);
    await expectOneCouponUsedOnce(started.renewalId);
    // The key generated before the card was pulled out was not kept: two key pairs, each certified.
    await client.login(card.serial, PIN);
    try {
      expect((await client.listKeyPairIds(card.serial)).sort()).toEqual([renewalKeyId(started.renewalId, 'authentication'), renewalKeyId(started.renewalId, 'signing')].sort());
    } finally {
      await client.logout(card.serial);
    }
    expect((await client.readCertificates(card.serial)).map((c) => c.id).sort()).toEqual(
      [renewalKeyId(started.renewalId, 'authentication'), renewalKeyId(started.renewalId, 'signing')].sort(),
    );
  }, 30_000);

  it('the CA down: failed at request_sent; the CA back, run again, it completes with one certificate per kind', async () => {
    const card = await world.newCard();
    let down = true;
    const counting = countingCa(world.ca);
    const kiosk = await world.newKiosk({ ca: unreachableWhile(counting.ca, () => down) });
    const [coupon] = await world.buyCoupons('RIN-FIRMA-CNS', 1);
    const started = await kiosk.renewals.start(card.serial, { certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [coupon!] } });

    const unreachable = await kioskError(kiosk.renewals.run(started.renewalId, card.serial, PIN));
    expect(unreachable).toMatchObject({ code: 'ca_unreachable', details: { renewalId: started.renewalId } });
    expect(await renewalRow(started.renewalId)).toMatchObject({ state: 'failed', failedStep: 'request_sent', failedCertificate: 'signing' });
    // The old certificates are still on the card, untouched.
    expect((await kiosk.token.readCertificates(card.serial)).map((c) => c.id)).toEqual(expect.arrayContaining(['01', '02']));

    down = false;
    const done = await kiosk.renewals.run(started.renewalId, card.serial, PIN);
    expect(done.state).toBe('completed');
    expect([...counting.issued.entries()].sort()).toEqual([
      [`${started.renewalId}:authentication`, 1],
      [`${started.renewalId}:signing`, 1],
    ]);
    await expectOneCouponUsedOnce(started.renewalId);
  }, 30_000);

  it('the kiosk killed after the certificate was issued: another kiosk, with its own token process, completes it without a second certificate', async () => {
    const card = await world.newCard();
    const counting = countingCa(world.ca);
    let dead = false;
    let firstClient!: TokenClient;
    // The first kiosk dies right after the back office recorded the signing certificate: its token
    // process is killed, and nothing it tries afterwards reaches the back office.
    const dying = (bo: BackOffice): BackOffice =>
      new Proxy(bo, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            if (dead) throw new KioskError('back_office_unreachable', 'the kiosk is dead');
            const answer = await value.apply(target, args);
            if (property === 'recordStep' && (args[1] as { step: string }).step === 'certificate_issued') {
              dead = true;
              process.kill(firstClient.childPid!, 'SIGKILL');
            }
            return answer;
          };
        },
      });
    const first = await world.newKiosk({
      ca: counting.ca,
      wrapBackOffice: dying,
      wrapToken: (c) => {
        firstClient = c;
        return c;
      },
    });
    const [coupon] = await world.buyCoupons('RIN-FIRMA-CNS', 1);
    const started = await first.renewals.start(card.serial, { certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [coupon!] } });
    await kioskError(first.renewals.run(started.renewalId, card.serial, PIN));
    // Nothing was recorded after the certificate: the renewal is still in progress at that step.
    expect(await renewalRow(started.renewalId)).toMatchObject({ state: 'in_progress', lastStep: 'certificate_issued' });
    const issuedFirst = await world.ca.findIssued(`${started.renewalId}:signing`);
    await first.token.close();

    const second = await world.newKiosk({ ca: counting.ca });
    expect((await second.renewals.inspect(card.serial)).openRenewal).toMatchObject({
      renewalId: started.renewalId,
      state: 'in_progress',
      reached: { signing: 'certificate_issued' },
      issued: { signing: { serialNumber: issuedFirst!.serialNumber } },
    });
    const done = await second.renewals.run(started.renewalId, card.serial, PIN);
    expect(done).toMatchObject({ state: 'completed', issued: { signing: { serialNumber: issuedFirst!.serialNumber } } });
    expect([...counting.issued.entries()].sort()).toEqual([
      [`${started.renewalId}:authentication`, 1],
      [`${started.renewalId}:signing`, 1],
    ]);
    const onCard = await second.token.readCertificates(card.serial);
    expect(onCard.find((c) => c.id === renewalKeyId(started.renewalId, 'signing'))?.certificatePem.trim()).toBe(issuedFirst!.certificatePem.trim());
    expect(onCard).toHaveLength(2);
    await expectOneCouponUsedOnce(started.renewalId);
  }, 30_000);
});
