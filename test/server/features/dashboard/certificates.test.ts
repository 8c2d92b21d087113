// The home page's certificate figures over HTTP (GET /api/dashboard): certificates entering their
// renewal window this (Rome) month, and those whose deadline comes within 7 days without a renewal,
// each under its issuer's policy (a policy set moves the windows); revoked certificates and devices
// no longer active do not count. And the pay-after renewals not paid yet, the replacement requests
// waiting for a supervisor.
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { GUIDE_POLICY, ISSUER_POLICIES_STREAM, issuerPoliciesAggregate, setIssuerPolicy } from '../../../../domain/certificates/issuerPolicy';
import { changeDeviceStatus, deviceAggregate, renewCertificate, streamOf as deviceStream } from '../../../../domain/devices/decider';
import { SYSTEM_ACTOR } from '../../../../events/eventCatalogue';
import { handleCommand } from '../../../../server/commands/handle';
import { addGuideProducts, DAY, expectStatus, loggedIn, MARIO_CF, registerCard, registerPerson, startApi, type ApiWorld } from '../../api/support';

let world: ApiWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ctx = (w: ApiWorld) => ({ actor: SYSTEM_ACTOR, at: w.clock.now().toISOString(), correlationId: randomUUID(), causationId: null });

it("counts the certificates opening this month and those closing within 7 days, by Rome's months and the issuer's policy; the pay-after renewals unpaid and the replacement requests waiting", async () => {
  // 24 November 2026, 10:00 in Rome. The guides' policy: renewal opens 90 days before notAfter, 24 h of grace.
  world = await startApi();
  const w = world;
  await addGuideProducts(w);
  const mario = await registerPerson(w);
  expectStatus(await registerCard(w, '1205100001', MARIO_CF, 100), 201); // opens 4 December
  expectStatus(await registerCard(w, '1205100002', MARIO_CF, 95), 201); // opens 29 November
  expectStatus(await registerCard(w, '1205100003', MARIO_CF, 85), 201); // opened 19 November
  expectStatus(await registerCard(w, '1205100004', MARIO_CF, 3), 201); // deadline in 4 days
  expectStatus(await registerCard(w, '1205100005', MARIO_CF, 5), 201); // deadline in 6 days; its signing certificate renewed
  expectStatus(await registerCard(w, '1205100006', MARIO_CF, 2), 201); // deadline in 3 days, but the card is lost
  expectStatus(await registerCard(w, '1205100007', MARIO_CF, 7), 201); // deadline in 8 days: not yet
  expectStatus(await registerCard(w, '1205100008', MARIO_CF, -0.5), 201); // in its grace period: deadline in 12 hours

  const now = w.clock.now().toISOString();
  await handleCommand(w.app.sales, deviceStream('1205100005'), deviceAggregate, (s) =>
    renewCertificate({ kind: 'signing', serialNumber: 'NEW1205100005', validFrom: now, validUntil: new Date(Date.parse(now) + 1095 * DAY).toISOString(), at: now }, s),
  ctx(w));
  await handleCommand(w.app.sales, deviceStream('1205100006'), deviceAggregate, (s) =>
    changeDeviceStatus({ to: 'lost', reason: 'smarrita', changedBy: 'test', at: now }, s),
  ctx(w));
  await w.app.projections.waitFor(await w.store.headPosition());

  const figures = async () => expectStatus(await (await loggedIn(w, 'contabile')).get('/api/dashboard'), 200).json();
  expect(await figures()).toMatchObject({
    today: '2026-11-24',
    replacementRequestsWaiting: { count: 0, oldestRequestedAt: null },
    certificatesOpeningThisMonth: 4, // 1205100002 and 1205100003, two certificates each
    certificatesClosingSoon: 5, // 1205100004 (2), 1205100005's authentication, 1205100008 (2)
  });
  // The list the home page links to shows the same certificates.
  const accountant = await loggedIn(w, 'contabile');
  const closing = expectStatus(await accountant.get(`/api/certificate-deadlines?filter=${encodeURIComponent(JSON.stringify({ closingWithinDays: 7 }))}`), 200).json();
  expect(closing.map((c: { id: string }) => c.id).sort()).toEqual([
    '1205100004:authentication',
    '1205100004:signing',
    '1205100005:authentication',
    '1205100008:authentication',
    '1205100008:signing',
  ]);
  const opening = expectStatus(await accountant.get(`/api/certificate-deadlines?filter=${encodeURIComponent(JSON.stringify({ opensThisMonth: true }))}`), 200).json();
  expect(new Set(opening.map((c: { deviceSerial: string }) => c.deviceSerial))).toEqual(new Set(['1205100002', '1205100003']));

  // The lost card: a replacement request waits for a supervisor.
  expectStatus(await w.operator.post('/api/replacement-requests', { deviceSerial: '1205100006', reason: 'lost' }), 201);
  expect((await figures()).replacementRequestsWaiting).toEqual({ count: 1, oldestRequestedAt: now });

  // A pay-after renewal completed: its fee order (€10.00 + VAT) is owed until paid.
  expect((await figures()).payAfterUnpaid).toEqual({ count: 0, cents: 0 });
  expectStatus(await registerCard(w, '1205100009', MARIO_CF, 40), 201);
  const started = expectStatus(
    await w.operator.post('/api/renewals', { deviceSerial: '1205100009', certificates: ['signing', 'authentication'], payment: { mode: 'pay_after', customerId: mario } }),
    201,
  ).json();
  for (const kind of ['signing', 'authentication'] as const) {
    for (const step of ['keys_generated', 'request_sent', 'certificate_issued', 'certificate_installed', 'verified']) {
      const certificate = { serialNumber: `PA${kind[0]}9`, validFrom: now, validUntil: new Date(Date.parse(now) + 1095 * DAY).toISOString() };
      expectStatus(await w.operator.post(`/api/renewals/${started.id}/steps`, { certificateKind: kind, step, ...(step === 'certificate_issued' ? { certificate } : {}) }), 200);
    }
  }
  expectStatus(await w.operator.post(`/api/renewals/${started.id}/complete`), 200);
  await w.idle();
  await w.app.projections.waitFor(await w.store.headPosition());
  expect((await figures()).payAfterUnpaid).toEqual({ count: 1, cents: 1220 });

  // A policy for this issuer: renewal opens 100 days before, 48 hours of grace. The windows move.
  await handleCommand(w.app.sales, ISSUER_POLICIES_STREAM, issuerPoliciesAggregate, (s) =>
    setIssuerPolicy({ policy: { ...GUIDE_POLICY, issuerId: 'camera-di-commercio-di-roma', issuerName: 'Camera di Commercio di Roma', renewalOpensDaysBefore: 100, graceHours: 48 }, setBy: 'admin', at: now }, s),
  ctx(w));
  await w.app.projections.waitFor(await w.store.headPosition());
  expect(await figures()).toMatchObject({
    certificatesOpeningThisMonth: 6, // 1205100001 opens today; 1205100002 and 1205100003 earlier this month
    certificatesClosingSoon: 5, // the same: 48 hours of grace move every deadline a day later, 1205100007's to 9 days away
  });
  const closingNow = expectStatus(await accountant.get(`/api/certificate-deadlines?filter=${encodeURIComponent(JSON.stringify({ closingWithinDays: 7 }))}`), 200).json();
  expect(closingNow.find((c: { id: string }) => c.id === '1205100004:signing').closesAt).toBe(new Date(Date.parse(now) + 5 * DAY).toISOString());

  // 00:30 in Rome on 1 December (still 30 November in UTC): December's certificates.
  w.clock.current = new Date('2026-11-30T23:30:00.000Z');
  expect(await figures()).toMatchObject({ today: '2026-12-01', certificatesOpeningThisMonth: 0 });
}, 60_000);
