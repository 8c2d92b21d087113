// A renewal at the kiosk, as the operator and the customer live it: the card looked at without a
// PIN, started with coupons, run with the PIN; afterwards the card holds the new certificates
// under the old labels (each next to its own key), the old ones are gone, the back office shows
// the new certificates and the coupons redeemed, and OpenSSL accepts them against the CA's chain.
// Also: one certificate only, and a wrong PIN. Real parts: the back office over HTTP, SoftHSM2 cards, the development CA.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renewalKeyId } from '../../../kiosk/renewal/keyIds';
import type { RenewalProgress } from '../../../kiosk/renewal/port';
import { samePublicKey } from '../../../kiosk/renewal/verifyOnCard';
import { expectStatus } from '../../server/api/support';
import { pdfText } from '../../support/pdf';
import { couponRow, FIRST_IDS, kioskError, type KioskWorld, LABELS, MARIO_CF, opensslText, PIN, startKioskWorld } from './support';

let world: KioskWorld;
beforeAll(async () => {
  world = await startKioskWorld();
}, 30_000);
afterAll(async () => {
  await world?.close();
});

describe('a renewal at the kiosk', () => {
  it('renews both certificates on the card: new keys on the card under the old labels, old objects gone, the device and the coupons updated, OpenSSL verifies them', async () => {
    const card = await world.newCard();
    const kiosk = await world.newKiosk();
    const view = await kiosk.renewals.inspect(card.serial);
    expect(view).toMatchObject({
      holderCodiceFiscale: MARIO_CF,
      customer: { id: world.customerId },
      device: { serial: card.deviceSerial, status: 'active' },
      payAfter: { allowed: true },
      openRenewal: null,
      problems: [],
    });
    expect(view.certificates.map((c) => [c.kind, c.serialNumber, c.window, c.label]).sort()).toEqual(
      [
        ['authentication', card.first.authentication.serialNumber, 'open', LABELS.authentication],
        ['signing', card.first.signing.serialNumber, 'open', LABELS.signing],
      ].sort(),
    );

    const [signingCoupon, cnsCoupon] = [...(await world.buyCoupons('RIN-FIRMA', 1)), ...(await world.buyCoupons('RIN-CNS', 1))];
    const started = await kiosk.renewals.start(card.serial, { certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [signingCoupon!, cnsCoupon!] } });
    expect(started).toMatchObject({ state: 'in_progress', deviceSerial: card.deviceSerial, reached: {} });
    expect((await kiosk.renewals.inspect(card.serial)).openRenewal).toMatchObject({ renewalId: started.renewalId });

    const progress: RenewalProgress[] = [];
    const done = await kiosk.renewals.run(started.renewalId, card.serial, PIN, (p) => progress.push(p));
    expect(done).toMatchObject({ state: 'completed', reached: { signing: 'verified', authentication: 'verified' } });
    expect(progress.map((p) => `${p.certificateKind}:${p.step}`)).toEqual(
      ['signing', 'authentication'].flatMap((k) =>
        ['keys_generated', 'request_sent', 'certificate_issued', 'certificate_installed', 'verified', 'old_removed'].map((s) => `${k}:${s}`),
      ),
    );

    // The card: exactly the new certificates, with the old labels, each under its key's CKA_ID.
    const onCard = await kiosk.token.readCertificates(card.serial);
    expect(onCard).toHaveLength(2);
    await kiosk.token.login(card.serial, PIN);
    try {
      for (const kind of ['signing', 'authentication'] as const) {
        const id = renewalKeyId(started.renewalId, kind);
        const cert = onCard.find((c) => c.id === id)!;
        expect(cert).toMatchObject({ label: LABELS[kind] });
        expect(new x509.X509Certificate(cert.certificatePem).serialNumber.toUpperCase()).toBe(done.issued[kind]!.serialNumber);
        expect(samePublicKey(cert.certificatePem, (await kiosk.token.findKeyPair(card.serial, id))!.publicKeyPem)).toBe(true);
        expect(await kiosk.token.findKeyPair(card.serial, FIRST_IDS[kind])).toBeNull();
        // OpenSSL, not the kiosk's own library: the chain, the profile, three years.
        expect(await world.opensslVerify(cert.certificatePem)).toContain(': OK');
        const text = await opensslText(cert.certificatePem);
        expect(text).toContain(`TINIT-${MARIO_CF}`);
        if (kind === 'signing') expect(text).toMatch(/Non Repudiation/);
        else expect(text).toMatch(/TLS Web Client Authentication/);
      }
      expect((await kiosk.token.listKeyPairIds(card.serial)).sort()).toEqual(['signing', 'authentication'].map((k) => renewalKeyId(started.renewalId, k as 'signing')).sort());
    } finally {
      await kiosk.token.logout(card.serial);
    }
    const years = (Date.parse(done.issued.signing!.validUntil) - Date.now()) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThan(2.95);
    expect(years).toBeLessThan(3.05);

    // The back office: the device's new certificates, the coupons redeemed.
    const device = expectStatus(await world.api.accountant.get(`/api/devices/${card.deviceSerial}`), 200).json();
    expect(device).toMatchObject({ signingSerialNumber: done.issued.signing!.serialNumber, authenticationSerialNumber: done.issued.authentication!.serialNumber });
    expect(await couponRow(world, signingCoupon!)).toMatchObject({ state: 'redeemed', deviceSerial: card.deviceSerial });
    expect(await couponRow(world, cnsCoupon!)).toMatchObject({ state: 'redeemed', deviceSerial: card.deviceSerial });
    // The customer's receipt: old and new serials, the coupons by their last group only.
    const receipt = pdfText(await kiosk.renewals.receipt(started.renewalId)).replace(/\s+/g, ' ');
    for (const kind of ['signing', 'authentication'] as const) {
      expect(receipt).toContain(done.issued[kind]!.serialNumber);
      expect(receipt).toContain(card.first[kind].serialNumber);
    }
    expect(receipt).toContain(MARIO_CF);
    expect(receipt).toContain(signingCoupon!.slice(-4));
    expect(receipt).not.toContain(signingCoupon!);
    // Looked at again, the card is renewed: nothing open, its windows not yet open.
    const after = await kiosk.renewals.inspect(card.serial);
    expect(after.openRenewal).toBeNull();
    expect(after.certificates.map((c) => c.window)).toEqual(['not_yet', 'not_yet']);
  }, 30_000);

  it('renews one certificate only, with the reason, and leaves the other alone', async () => {
    const card = await world.newCard();
    const kiosk = await world.newKiosk();
    const [coupon] = await world.buyCoupons('RIN-CNS', 1);
    const started = await kiosk.renewals.start(card.serial, {
      certificates: ['authentication'],
      partialReason: 'la firma è rinnovata dal cliente con il software della CA',
      payment: { mode: 'coupons', coupons: [coupon!] },
    });
    const done = await kiosk.renewals.run(started.renewalId, card.serial, PIN);
    expect(done).toMatchObject({ state: 'completed', certificates: ['authentication'] });
    const onCard = await kiosk.token.readCertificates(card.serial);
    expect(onCard.map((c) => c.id).sort()).toEqual([FIRST_IDS.signing, renewalKeyId(started.renewalId, 'authentication')].sort());
    const device = expectStatus(await world.api.accountant.get(`/api/devices/${card.deviceSerial}`), 200).json();
    expect(device).toMatchObject({ signingSerialNumber: card.first.signing.serialNumber, authenticationSerialNumber: done.issued.authentication!.serialNumber });
    const row = expectStatus(await world.api.accountant.get(`/api/renewals/${started.renewalId}`), 200).json();
    expect(row.partialReason).toBe('la firma è rinnovata dal cliente con il software della CA');
  }, 30_000);

  it('a wrong PIN is reported with the tries left and nothing is recorded beyond the start; the right PIN then renews', async () => {
    const card = await world.newCard();
    const kiosk = await world.newKiosk();
    const started = await kiosk.renewals.start(card.serial, { certificates: ['signing', 'authentication'], payment: { mode: 'pay_after' } });
    const wrong = await kioskError(kiosk.renewals.run(started.renewalId, card.serial, '0000wrong'));
    expect(wrong.code).toBe('pin_incorrect');
    expect(wrong.details).toMatchObject({ renewalId: started.renewalId, pin: expect.stringMatching(/^(ok|count_low|final_try)$/) });
    expect(wrong.message).toMatch(/PIN errato/);
    const types = (await world.api.store.readStream(`renewal-${started.renewalId}`)).map((e) => e.type);
    expect(types).toEqual(['RenewalStarted']);
    expect((await kiosk.token.readCertificates(card.serial)).map((c) => c.id).sort()).toEqual(['01', '02']);
    expect(await kiosk.renewals.run(started.renewalId, card.serial, PIN)).toMatchObject({ state: 'completed' });
  }, 30_000);

});
