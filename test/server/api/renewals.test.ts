// Renewals over HTTP (issue #16), end to end with the reactors: a coupon raced by two renewals, one
// card renewed twice at once refused, abandon gives them back, a failed renewal resumed completes
// without a second coupon or certificate,
// pay-after places exactly one fee order that is invoiced when paid, and the refusals (window
// closed, certificate revoked, coupon of the wrong kind). The main scenario runs on both stores.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../../events/port';
import { renewalFeeOrderId } from '../../../server/features/renewals/feeOrders';
import { completeRenewal, getOrder } from '../../../server/features/services';
import { handleCommand, loadAggregate } from '../../../server/commands/handle';
import { deviceAggregate } from '../../../domain/devices/decider';
import { couponAggregate, reserveCoupon } from '../../../domain/coupons/decider';
import { claimDeviceRenewal, deviceRenewalAggregate } from '../../../domain/renewals/deviceClaim';
import { eventStores, type OpenedStore } from '../../support/eventStores';
import {
  addGuideProducts,
  DAY,
  eventually,
  expectStatus,
  manualOrder,
  MARIO_CF,
  registerCard,
  registerPerson,
  startApi,
  streamTypes,
  topUp,
  type ApiWorld,
} from './support';

let world: ApiWorld | undefined;
let stopStore: () => Promise<void> = async () => {};
afterEach(async () => {
  await world?.close();
  world = undefined;
  await stopStore();
  stopStore = async () => {};
});

/** The store to give the app (undefined: its own SQLite store); stopped after the test. */
async function storeOf(open: () => Promise<OpenedStore>): Promise<EventStore | undefined> {
  const opened = await open();
  stopStore = opened.stop;
  return opened.store;
}

let keys = 0;
const key = () => ({ 'idempotency-key': `renewal-test-${++keys}-${Date.now()}` });

/** A customer with prepaid credit who buys coupons of these products; the codes, in order. */
async function buyCoupons(w: ApiWorld, customerId: string, productCode: string, quantity: number): Promise<string[]> {
  const placed = expectStatus(await w.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' }, productCode, quantity)), 201).json();
  await w.idle();
  const filter = encodeURIComponent(JSON.stringify({ orderId: placed.id }));
  const coupons = expectStatus(await w.operator.get(`/api/coupons?filter=${filter}&sort=${encodeURIComponent('["issuedAt","ASC"]')}`), 200).json<Array<{ code: string }>>();
  expect(coupons).toHaveLength(quantity);
  return coupons.map((c) => c.code);
}

async function shop(w: ApiWorld): Promise<string> {
  await addGuideProducts(w);
  const customerId = await registerPerson(w);
  await topUp(w, customerId, 50_000);
  return customerId;
}

const steps = ['keys_generated', 'request_sent', 'certificate_issued', 'certificate_installed', 'verified'] as const;

function newCertificate(w: ApiWorld, serial: string) {
  const now = w.clock.now();
  const until = new Date(now.getTime() + 3 * 365 * DAY).toISOString();
  return { serialNumber: serial, validFrom: now.toISOString(), validUntil: until };
}

async function runSteps(w: ApiWorld, renewalId: string, kind: 'signing' | 'authentication', upTo: (typeof steps)[number], certificateSerial: string) {
  for (const step of steps) {
    const body = { certificateKind: kind, step, ...(step === 'certificate_issued' ? { certificate: newCertificate(w, certificateSerial) } : {}) };
    expectStatus(await w.operator.post(`/api/renewals/${renewalId}/steps`, body, key()), 200);
    if (step === upTo) return;
  }
}

/** A refusal's code and the field it names. */
const refusal = (answer: { json<T>(): T }) => {
  const body = answer.json<{ code: string; errors?: Record<string, string> }>();
  return { code: body.code, field: Object.keys(body.errors ?? {})[0] };
};

const readRenewal = async (w: ApiWorld, id: string) => expectStatus(await w.accountant.get(`/api/renewals/${id}`), 200).json();
const couponRow = async (w: ApiWorld, code: string) =>
  expectStatus(await w.operator.get(`/api/coupons?filter=${encodeURIComponent(JSON.stringify({ code }))}`), 200).json<Array<Record<string, unknown>>>()[0]!;

describe.each(eventStores)('renewals over HTTP on %s', (_name, open) => {
  it('a coupon raced by two renewals: exactly one gets it; abandoned, another renewal uses it; failed, resumed and completed without a second coupon or certificate', async () => {
    world = await startApi({ store: await storeOf(open) });
    const w = world;
    const customerId = await shop(w);
    expectStatus(await registerCard(w, '1205100001', MARIO_CF, 20), 201);
    expectStatus(await registerCard(w, '1205100009', MARIO_CF, 20), 201);
    const [both] = await buyCoupons(w, customerId, 'RIN-FIRMA-CNS', 1);

    // Two desks start a renewal of two cards with the same coupon at the same time.
    const startOf = (deviceSerial: string) => ({ deviceSerial, certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [both!.toLowerCase()] } });
    const start = () => startOf('1205100001');
    const raced = await Promise.all([w.operator.post('/api/renewals', start(), key()), w.supervisor.post('/api/renewals', startOf('1205100009'), key())]);
    const statuses = raced.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 409]);
    const winner = raced.find((a) => a.status === 201)!.json();
    const loser = raced.find((a) => a.status === 409)!.json();
    expect(loser).toMatchObject({ code: 'coupon_reserved' });
    expect(loser.message).not.toContain(winner.id);
    expect(loser.message).not.toContain(winner.renewal.deviceSerial);
    expect(winner.renewal).toMatchObject({ status: 'in_progress', certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [{ certificateKind: 'both' }] } });
    const otherCard = winner.renewal.deviceSerial === '1205100001' ? '1205100009' : '1205100001';

    // A third attempt with that coupon is refused too, while the first holds it; and the card being
    // renewed cannot be renewed a second time at once, whatever pays (the renewal to resume is named).
    expect(refusal(expectStatus(await w.operator.post('/api/renewals', startOf(otherCard), key()), 409))).toEqual({ code: 'coupon_reserved', field: 'payment.coupons.0' });
    const twice = expectStatus(await w.operator.post('/api/renewals', { ...startOf(winner.renewal.deviceSerial), payment: { mode: 'pay_after', customerId } }, key()), 409).json();
    expect(twice).toMatchObject({ code: 'device_renewal_in_progress' });
    expect(twice.message).toContain(winner.id);

    // Abandoned: the coupon and the card are given back, and another renewal can use them.
    expectStatus(await w.operator.post(`/api/renewals/${winner.id}/abandon`, { reason: 'il cliente torna domani' }, key()), 200);
    expect(await readRenewal(w, winner.id)).toMatchObject({ state: 'abandoned', abandonReason: 'il cliente torna domani' });
    const second = expectStatus(await w.operator.post('/api/renewals', start(), key()), 201).json();

    // Steps; the authentication side fails after its certificate was issued.
    await runSteps(w, second.id, 'signing', 'verified', 'NEWSIGN01');
    await runSteps(w, second.id, 'authentication', 'certificate_issued', 'NEWCNS01');
    const failed = expectStatus(await w.operator.post(`/api/renewals/${second.id}/fail`, { certificateKind: 'authentication', reason: 'lettore scollegato' }, key()), 200).json();
    expect(failed.renewal).toMatchObject({ status: 'failed', failure: { certificateKind: 'authentication', stepReached: 'certificate_issued' } });
    expect(expectStatus(await w.operator.post(`/api/renewals/${second.id}/complete`, undefined, key()), 422).json()).toMatchObject({ code: 'renewal_failed' });

    // Resumed later: the certificate already issued is kept, a second one is refused.
    w.clock.advance(10 * 60_000);
    expectStatus(await w.operator.post(`/api/renewals/${second.id}/resume`, undefined, key()), 200);
    const again = await w.operator.post(`/api/renewals/${second.id}/steps`, { certificateKind: 'authentication', step: 'certificate_issued', certificate: newCertificate(w, 'NEWCNS02') }, key());
    expect(expectStatus(again, 409).json()).toMatchObject({ code: 'renewal_certificate_already_issued' });
    expectStatus(await w.operator.post(`/api/renewals/${second.id}/steps`, { certificateKind: 'authentication', step: 'certificate_installed' }, key()), 200);
    expectStatus(await w.operator.post(`/api/renewals/${second.id}/steps`, { certificateKind: 'authentication', step: 'verified' }, key()), 200);

    const completed = expectStatus(await w.operator.post(`/api/renewals/${second.id}/complete`, undefined, key()), 200).json();
    expect(completed.renewal).toMatchObject({ status: 'completed' });
    // Completing again (a retry) changes nothing.
    expect(expectStatus(await w.operator.post(`/api/renewals/${second.id}/complete`, undefined, key()), 200).json()).toMatchObject({ position: 0 });

    // One coupon redeemed once, by this renewal; the device's certificates replaced once each.
    expect(await couponRow(w, both!)).toMatchObject({ state: 'redeemed', deviceSerial: '1205100001', certificateKind: 'both' });
    const couponStream = `coupon-${second.renewal.payment.coupons[0].couponId}`;
    expect((await streamTypes(w.store, couponStream)).filter((t) => t === 'CouponRedeemed')).toHaveLength(1);
    expect((await streamTypes(w.store, 'device-1205100001')).filter((t) => t === 'CertificateRenewed')).toHaveLength(2);
    const { state: device } = await loadAggregate(w.app.sales, 'device-1205100001', deviceAggregate);
    expect(device).toMatchObject({ certificates: { signing: { serialNumber: 'NEWSIGN01', status: 'active' }, authentication: { serialNumber: 'NEWCNS01' } } });
    // The device's page shows the new certificates.
    const shown = JSON.stringify(expectStatus(await w.accountant.get('/api/devices/1205100001'), 200).json());
    expect(shown).toContain('NEWSIGN01');
    expect(shown).toContain('NEWCNS01');
    expect(shown).not.toContain('NEWCNS02');

    // The read model: state, new certificates, timeline with instants; list filtered by state.
    const row = await readRenewal(w, second.id);
    expect(row).toMatchObject({ state: 'completed', deviceSerial: '1205100001', holderCodiceFiscale: MARIO_CF, paymentMode: 'coupons', failureReason: 'lettore scollegato' });
    expect(row.newCertificates.map((c: { serialNumber: string }) => c.serialNumber)).toEqual(['NEWSIGN01', 'NEWCNS01']);
    expect(row.timeline.map((e: { what: string }) => e.what)).toEqual(['started', ...Array(8).fill('step'), 'failed', 'resumed', 'step', 'step', 'completed']);
    expect(row.timeline.every((e: { at: string }) => /Z$/.test(e.at))).toBe(true);
    const abandonedList = expectStatus(await w.accountant.get(`/api/renewals?filter=${encodeURIComponent(JSON.stringify({ state: 'abandoned' }))}`), 200).json();
    expect(abandonedList.map((r: { id: string }) => r.id)).toEqual([winner.id]);
  });

  it('pay-after: completed first, then exactly one fee order with an RF reference, unpaid among what the customer owes, invoiced when paid', async () => {
    world = await startApi({ store: await storeOf(open) });
    const w = world;
    const customerId = await shop(w);
    expectStatus(await registerCard(w, '1205100002', MARIO_CF, 10), 201);
    const started = expectStatus(
      await w.operator.post('/api/renewals', { deviceSerial: '1205100002', certificates: ['signing', 'authentication'], payment: { mode: 'pay_after', customerId } }, key()),
      201,
    ).json();
    expect(started.renewal).toMatchObject({ customerId, payment: { mode: 'pay_after', feeCents: 1000, vatRateBp: 2200 } });
    await runSteps(w, started.id, 'signing', 'verified', 'PASIGN01');
    await runSteps(w, started.id, 'authentication', 'verified', 'PACNS01');
    await w.idle();
    expect(await readRenewal(w, started.id)).toMatchObject({ feeOrderId: null });

    expectStatus(await w.operator.post(`/api/renewals/${started.id}/complete`, undefined, key()), 200);
    await w.idle();
    expectStatus(await w.operator.post(`/api/renewals/${started.id}/complete`, undefined, key()), 200);
    await w.idle();

    const orderId = renewalFeeOrderId(started.id);
    // What the customer owes (the read models follow the reactor's appends shortly).
    const owedOf = async () => expectStatus(await w.accountant.get(`/api/orders?filter=${encodeURIComponent(JSON.stringify({ customerId, status: 'awaiting_payment' }))}`), 200).json();
    await eventually(async () => (await owedOf()).length > 0 && (await readRenewal(w, started.id)).feeOrderId !== null);
    const owed = await owedOf();
    expect(owed).toHaveLength(1);
    expect(owed[0]).toMatchObject({ id: orderId, paymentMode: 'direct', totalCents: 1220, amountDueCents: 1220, rfReference: expect.stringMatching(/^RF\d\d/) });
    expect(owed[0].lines).toEqual([expect.objectContaining({ productCode: 'RINNOVO-POSTICIPATO', renews: 'none', unitPriceCents: 1000, vatRateBp: 2200 })]);
    expect(await readRenewal(w, started.id)).toMatchObject({ feeOrderId: orderId, feePaidAt: null });
    expect((await streamTypes(w.store, `renewal-${started.id}`)).filter((t) => t === 'RenewalFeeOrdered')).toHaveLength(1);

    // Paid by transfer with its RF reference: invoiced by the fulfilment.
    expectStatus(
      await w.accountant.post('/api/payments', { method: 'bank_transfer', amountCents: 1220, receivedOn: '2026-11-25', payer: 'Mario Rossi', reason: owed[0].rfReference, bankReference: 'CRO-PA-1' }),
      201,
    );
    await w.idle();
    const order = await getOrder(w.app.sales, orderId);
    expect(order.status).toBe('paid');
    expect(order.fulfilment).toMatchObject({ couponIds: [], invoiceNumber: expect.any(Number) });
    const invoicesOf = async () => expectStatus(await w.accountant.get(`/api/invoices?filter=${encodeURIComponent(JSON.stringify({ orderId }))}`), 200).json();
    await eventually(async () => (await invoicesOf()).length === 1);
    const invoices = await invoicesOf();
    expect(invoices[0]).toMatchObject({ totalCents: 1220 });
    await eventually(async () => (await readRenewal(w, started.id)).feePaidAt !== null);
  });
});

describe('renewals refused over HTTP', () => {
  it('window closed, certificate revoked, coupon of the wrong kind, pay-after not offered; a refused start holds no coupon', async () => {
    world = await startApi();
    const w = world;
    const customerId = await shop(w);
    const [signing] = await buyCoupons(w, customerId, 'RIN-FIRMA', 1);
    const [cns] = await buyCoupons(w, customerId, 'RIN-CNS', 1);

    // Expired two days ago: past the 24 hours of grace.
    expectStatus(await registerCard(w, '1205100003', MARIO_CF, -2), 201);
    const closed = await w.operator.post('/api/renewals', { deviceSerial: '1205100003', certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [signing, cns] } }, key());
    expect(refusal(expectStatus(closed, 422))).toEqual({ code: 'renewal_window_closed', field: 'certificates.0' });

    // Wrong kind: a CNS coupon for the signing certificate.
    expectStatus(await registerCard(w, '1205100004', MARIO_CF, 20), 201);
    const wrong = await w.operator.post(
      '/api/renewals',
      { deviceSerial: '1205100004', certificates: ['signing'], partialReason: 'la CNS si rinnova a parte', payment: { mode: 'coupons', coupons: [cns] } },
      key(),
    );
    expect(refusal(expectStatus(wrong, 422))).toEqual({ code: 'coupon_kind_mismatch', field: 'payment.coupons.0' });
    // Only one certificate, without saying why.
    const partial = await w.operator.post('/api/renewals', { deviceSerial: '1205100004', certificates: ['signing'], payment: { mode: 'coupons', coupons: [signing] } }, key());
    expect(refusal(expectStatus(partial, 422))).toEqual({ code: 'certificates_both_required', field: 'partialReason' });
    // A code nobody has, a mistyped one.
    const unknown = await w.operator.post('/api/renewals', { deviceSerial: '1205100004', certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [signing, '0000-0000-0000-0000-0000'] } }, key());
    expect([400, 404]).toContain(unknown.status);
    expect(refusal(unknown).field).toBe('payment.coupons.1');

    // Revoked (by whatever path: here straight on the device stream, as a replacement would).
    expectStatus(await registerCard(w, '1205100005', MARIO_CF, 20), 201);
    const { handleCommand } = await import('../../../server/commands/handle');
    const { deviceAggregate, revokeCertificate, streamOf } = await import('../../../domain/devices/decider');
    await handleCommand(w.app.sales, streamOf('1205100005'), deviceAggregate, (s) => revokeCertificate({ kind: 'authentication', reason: 'keyCompromise', revokedBy: 'sup', at: w.clock.now().toISOString() }, s), {
      actor: { userId: 'sup', role: 'supervisor' },
      at: w.clock.now().toISOString(),
      correlationId: '00000000-0000-4000-8000-000000000001',
      causationId: null,
    });
    const revoked = await w.operator.post('/api/renewals', { deviceSerial: '1205100005', certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [signing, cns] } }, key());
    expect(refusal(expectStatus(revoked, 422))).toEqual({ code: 'certificate_revoked', field: 'certificates.1' });

    // Pay-after is not offered for USB tokens under the guides' policy.
    const now = w.clock.now().getTime();
    expectStatus(
      await w.operator.post('/api/devices', {
        serial: 'TOKEN0001',
        kind: 'usb_token',
        issuer: 'Camera di Commercio di Roma',
        issuedOn: '2024-01-10',
        holderCodiceFiscale: MARIO_CF,
        certificates: [{ kind: 'signing', serialNumber: 'T1', validFrom: new Date(now - 1000 * DAY).toISOString(), validUntil: new Date(now + 5 * DAY).toISOString() }],
      }),
      201,
    );
    const token = await w.operator.post('/api/renewals', { deviceSerial: 'TOKEN0001', certificates: ['signing'], payment: { mode: 'pay_after', customerId } }, key());
    expect(refusal(expectStatus(token, 422))).toEqual({ code: 'pay_after_not_offered', field: 'payment.mode' });

    // None of these held a coupon: both are still free to use.
    for (const code of [signing!, cns!]) {
      const { state } = await (await import('../../../server/commands/handle')).loadAggregate(
        w.app.sales,
        `coupon-${(await couponRow(w, code)).id as string}`,
        (await import('../../../domain/coupons/decider')).couponAggregate,
      );
      expect(state).toMatchObject({ status: 'issued', reservation: null });
    }
    // Accountants read, but do not start renewals.
    expectStatus(await w.accountant.post('/api/renewals', { deviceSerial: '1205100004', certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [signing, cns] } }, key()), 403);
  });
});

describe('completing a renewal after a crash', () => {
  it('a crash after redeeming the coupons, or after renewing the certificates, then a retry: one redemption, one certificate each, one completion', async () => {
    world = await startApi();
    const w = world;
    const customerId = await shop(w);
    const ctx = { actor: { userId: 'op-crash', role: 'operator' as const }, at: w.clock.now().toISOString(), correlationId: '00000000-0000-4000-8000-000000000002', causationId: null };
    for (const [serial, crashAt] of [['1205100011', 'coupons_redeemed'], ['1205100012', 'certificates_renewed']] as const) {
      expectStatus(await registerCard(w, serial, MARIO_CF, 20), 201);
      const [signing] = await buyCoupons(w, customerId, 'RIN-FIRMA', 1);
      const [cns] = await buyCoupons(w, customerId, 'RIN-CNS', 1);
      const started = expectStatus(await w.operator.post('/api/renewals', { deviceSerial: serial, certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [signing, cns] } }, key()), 201).json();
      await runSteps(w, started.id, 'signing', 'certificate_issued', `C${serial}S`);
      await runSteps(w, started.id, 'authentication', 'certificate_issued', `C${serial}A`);
      const crash = { afterStep: (step: string) => { if (step === crashAt) throw new Error(`crash after ${step}`); } };
      await expect(completeRenewal(w.app.sales, { renewalId: started.id }, ctx, crash)).rejects.toThrow(/crash/);
      expect((await readRenewal(w, started.id)).state).toBe('in_progress');

      expectStatus(await w.operator.post(`/api/renewals/${started.id}/complete`, undefined, key()), 200);
      for (const { couponId } of started.renewal.payment.coupons) {
        expect((await streamTypes(w.store, `coupon-${couponId}`)).filter((t) => t === 'CouponRedeemed')).toHaveLength(1);
      }
      expect((await streamTypes(w.store, `device-${serial}`)).filter((t) => t === 'CertificateRenewed')).toHaveLength(2);
      expect((await streamTypes(w.store, `renewal-${started.id}`)).filter((t) => t === 'RenewalCompleted')).toHaveLength(1);
      const { state } = await loadAggregate(w.app.sales, `device-${serial}`, deviceAggregate);
      expect(state).toMatchObject({ certificates: { signing: { serialNumber: `C${serial}S` }, authentication: { serialNumber: `C${serial}A` } } });
    }
  });
});

describe('a start that crashed half-way', () => {
  it('the card and the coupon it held are not lost: refused while the start may still be running, taken over 10 minutes later', async () => {
    world = await startApi();
    const w = world;
    const customerId = await shop(w);
    expectStatus(await registerCard(w, '1205100021', MARIO_CF, 20), 201);
    const [both] = await buyCoupons(w, customerId, 'RIN-FIRMA-CNS', 1);
    const couponId = (await couponRow(w, both!)).id as string;
    // What a start does before recording RenewalStarted: the card taken, the coupon held; then the crash.
    const ctx = { actor: { userId: 'op-crash', role: 'operator' as const }, at: w.clock.now().toISOString(), correlationId: '00000000-0000-4000-8000-000000000003', causationId: null };
    const at = w.clock.now().toISOString();
    await handleCommand(w.app.sales, 'device-renewal-1205100021', deviceRenewalAggregate, (s) =>
      claimDeviceRenewal({ deviceSerial: '1205100021', renewalId: 'crashed-start', at, holderState: null }, s), ctx);
    await handleCommand(w.app.sales, `coupon-${couponId}`, couponAggregate, (s) =>
      reserveCoupon({ renewalId: 'crashed-start', deviceSerial: '1205100021', certificateKind: 'both', at }, s), ctx);

    const start = { deviceSerial: '1205100021', certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: [both] } };
    expect(refusal(expectStatus(await w.operator.post('/api/renewals', start, key()), 409))).toEqual({ code: 'device_renewal_in_progress', field: undefined });
    w.clock.advance(11 * 60_000);
    const started = expectStatus(await w.operator.post('/api/renewals', start, key()), 201).json();
    expect(started.renewal).toMatchObject({ status: 'in_progress', payment: { mode: 'coupons', coupons: [{ couponId, certificateKind: 'both' }] } });
    expect(await streamTypes(w.store, `coupon-${couponId}`)).toEqual(['CouponIssued', 'CouponReserved', 'CouponReleased', 'CouponReserved']);
    expect(await streamTypes(w.store, 'device-renewal-1205100021')).toEqual(['DeviceRenewalClaimed', 'DeviceRenewalClaimed']);
  });
});

describe('a renewal paid by a sale at the desk', () => {
  it("holds the sale's coupons: the same sale cannot pay for a second renewal; completing redeems them", async () => {
    world = await startApi();
    const w = world;
    await addGuideProducts(w);
    const customerId = await registerPerson(w);
    expectStatus(await registerCard(w, '1205100031', MARIO_CF, 20), 201);
    const sale = expectStatus(
      await w.operator.post('/api/orders', { customerId, guided: { holderCodiceFiscale: MARIO_CF, deviceSerial: '1205100031' }, payment: { mode: 'direct', method: 'cash' } }, key()),
      201,
    ).json();
    const body = { deviceSerial: '1205100031', certificates: ['signing', 'authentication'], payment: { mode: 'desk_sale', orderId: sale.id } };
    // Not paid yet.
    expect(refusal(expectStatus(await w.operator.post('/api/renewals', body, key()), 422))).toEqual({ code: 'order_not_paid', field: 'payment.orderId' });
    expectStatus(await w.operator.post(`/api/orders/${sale.id}/desk-payment`, { method: 'cash', amountCents: sale.order.totals.totalCents }, key()), 200);
    await w.idle();

    const started = expectStatus(await w.operator.post('/api/renewals', body, key()), 201).json();
    expect(started.renewal).toMatchObject({ customerId, payment: { mode: 'desk_sale', orderId: sale.id } });
    // A second renewal of the card at once is refused before the sale's coupons are even looked at.
    expect(refusal(expectStatus(await w.operator.post('/api/renewals', body, key()), 409))).toEqual({ code: 'device_renewal_in_progress', field: undefined });

    await runSteps(w, started.id, 'signing', 'verified', 'DSSIGN01');
    await runSteps(w, started.id, 'authentication', 'verified', 'DSCNS01');
    expectStatus(await w.operator.post(`/api/renewals/${started.id}/complete`, undefined, key()), 200);
    const order = await getOrder(w.app.sales, sale.id);
    for (const couponId of order.fulfilment!.couponIds) {
      const { state } = await loadAggregate(w.app.sales, `coupon-${couponId}`, couponAggregate);
      expect(state).toMatchObject({ status: 'redeemed', redemption: { deviceSerial: '1205100031', renewalId: started.id } });
    }
  });
});
