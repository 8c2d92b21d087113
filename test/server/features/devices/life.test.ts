// A device's life over HTTP: the desk reports a card lost, suspends it, makes it active again; a
// supervisor revokes a certificate by hand and terminates the card; the devices list shows the
// status and each certificate's status; the device's timeline lists what happened; and no coupon
// is sold for a device not active or a revoked certificate. The first scenario runs on both event
// stores (the embedded SQLite one and the EventStoreDB test server).
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../../events/eventCatalogue';
import { appendEvents } from '../../../../server/commands/handle';
import { renewDeviceCertificate, revokeDeviceCertificates, terminateDevice } from '../../../../server/features/services';
import { eventStores } from '../../../support/eventStores';
import {
  addGuideProducts,
  eventually,
  expectStatus,
  MARIO_CF,
  registerCard,
  registerPerson,
  startApi,
  type ApiWorld,
} from '../../api/support';

const SERIAL = '1205100000';

const timeline = async (world: ApiWorld, serial = SERIAL) =>
  expectStatus(await world.operator.get(`/api/device-events?filter=${encodeURIComponent(JSON.stringify({ serial }))}&sort=["id","ASC"]`), 200).json() as Array<Record<string, any>>;
const deviceRow = async (world: ApiWorld, serial = SERIAL) => expectStatus(await world.operator.get(`/api/devices/${serial}`), 200).json();
const guidedQuote = (world: ApiWorld, customerId: string, serial = SERIAL) =>
  world.operator.post('/api/orders/quote', { customerId, guided: { holderCodiceFiscale: MARIO_CF, deviceSerial: serial } });
const renewable = async (world: ApiWorld) => expectStatus(await world.operator.get(`/api/holders/${MARIO_CF}/renewable-devices`), 200).json();


describe.each(eventStores)('a card lost, found, revoked and terminated, on %s', (_name, open) => {
  let world: ApiWorld;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const opened = await open();
    stop = opened.stop;
    world = await startApi({ store: opened.store, reactors: false });
  });
  afterAll(async () => {
    await world?.close();
    await stop?.();
  });

  it('the desk reports it, the sale refuses it, the supervisor revokes and terminates it, the timeline tells it', async () => {
    await addGuideProducts(world);
    const customerId = await registerPerson(world);
    expectStatus(await registerCard(world, SERIAL, MARIO_CF, 20), 201);
    expect((await renewable(world)).devices.map((d: { serial: string }) => d.serial)).toEqual([SERIAL]);

    // Lost: the desk says why; the same report again changes nothing.
    const lost = expectStatus(await world.operator.post(`/api/devices/${SERIAL}/report-lost`, { reason: 'Smarrita in treno, denuncia n. 42' }), 200).json();
    expect(lost).toMatchObject({ id: SERIAL, changed: true, device: { deviceStatus: 'lost' } });
    expect(lost.position).toBeGreaterThan(0);
    const again = expectStatus(await world.operator.post(`/api/devices/${SERIAL}/report-lost`, { reason: 'di nuovo' }), 200).json();
    expect(again).toMatchObject({ changed: false, position: 0, device: { deviceStatus: 'lost' } });
    expect(await deviceRow(world)).toMatchObject({ deviceStatus: 'lost', statusReason: 'Smarrita in treno, denuncia n. 42' });

    // No coupons for a lost card: the lookup leaves it out, the guided purchase refuses it.
    expect(await renewable(world)).toMatchObject({ devices: [], needingReplacement: [] });
    const refused = expectStatus(await guidedQuote(world, customerId), 422).json();
    expect(refused).toMatchObject({ code: 'device_not_active' });
    expect(JSON.stringify(refused)).toMatch(/deviceSerial/);
    expect(JSON.stringify(refused)).toMatch(/smarrito/);

    // Found: active again, sold again.
    expectStatus(await world.operator.post(`/api/devices/${SERIAL}/reactivate`, { reason: 'Ritrovata dal titolare' }), 200);
    expectStatus(await guidedQuote(world, customerId), 200);

    // The supervisor revokes the signing certificate by hand: never sold coupons for again.
    const revoked = expectStatus(await world.supervisor.post(`/api/devices/${SERIAL}/certificates/signing/revoke`, { reason: 'keyCompromise' }), 200).json();
    expect(revoked.device.certificates.signing).toMatchObject({ status: 'revoked', revokedAt: world.clock.now().toISOString() });
    expect(revoked.device.certificates.authentication).toMatchObject({ status: 'active' });
    expect(expectStatus(await guidedQuote(world, customerId), 422).json()).toMatchObject({ code: 'certificate_revoked' });
    const lookup = await renewable(world);
    expect(lookup.devices).toEqual([]);
    expect(lookup.needingReplacement).toMatchObject([{ serial: SERIAL, toRenew: [] }]);

    // Terminated by a supervisor, replaced by a new card: the certificate still active is revoked.
    world.clock.advance(3_600_000);
    const terminated = expectStatus(
      await world.supervisor.post(`/api/devices/${SERIAL}/terminate`, { reason: 'Sostituita con nuova carta', replacedBy: '1205 100099' }),
      200,
    ).json();
    expect(terminated.device).toMatchObject({ deviceStatus: 'terminated', replacedBy: '1205100099' });
    expect(terminated.device.certificates.authentication).toMatchObject({ status: 'revoked' });
    expect(expectStatus(await world.operator.post(`/api/devices/${SERIAL}/reactivate`, { reason: 'no' }), 422).json()).toMatchObject({
      code: 'device_status_move_invalid',
    });

    expect(await deviceRow(world)).toMatchObject({
      deviceStatus: 'terminated',
      replacedBy: '1205100099',
      signingStatus: 'revoked',
      signingRevocationReason: 'keyCompromise',
      authenticationStatus: 'revoked',
      authenticationRevocationReason: 'cessationOfOperation',
      authenticationRevokedAt: world.clock.now().toISOString(),
      revoked: true,
    });
    const terminatedList = expectStatus(await world.operator.get(`/api/devices?filter=${encodeURIComponent('{"deviceStatus":"terminated"}')}`), 200).json();
    expect(terminatedList.map((d: { id: string }) => d.id)).toEqual([SERIAL]);

    const rows = await timeline(world);
    expect(rows.map((r) => [r.entry, r.toStatus ?? r.certificateKind ?? null, r.reason ?? null])).toEqual([
      ['registered', null, null],
      ['status_changed', 'lost', 'Smarrita in treno, denuncia n. 42'],
      ['status_changed', 'active', 'Ritrovata dal titolare'],
      ['certificate_revoked', 'signing', 'keyCompromise'],
      ['certificate_revoked', 'authentication', 'cessationOfOperation'],
      ['replaced', 'terminated', 'Sostituita con nuova carta'],
    ]);
    expect(rows[1]).toMatchObject({ actorName: 'operatore', actorRole: 'operator', serial: SERIAL });
    expect(rows[3]).toMatchObject({ actorName: 'supervisore', serialNumber: `S${SERIAL}` });
    expect(rows[5]).toMatchObject({ relatedSerial: '1205100099', fromStatus: 'active' });
  });
});

describe('a device’s life: who may, bad input, repeats, and the services the other areas call', () => {
  let world: ApiWorld;
  let customerId: string;

  beforeEach(async () => {
    world = await startApi({ reactors: false });
    await addGuideProducts(world);
    customerId = await registerPerson(world);
    expectStatus(await registerCard(world, SERIAL, MARIO_CF, 20), 201);
  });
  afterEach(async () => {
    await world.close();
  });

  const ctx = (): CommandContext => ({
    actor: { userId: 'renewals-area', role: 'system' },
    at: world.clock.now().toISOString(),
    correlationId: randomUUID(),
    causationId: null,
  });

  it('the desk reports and reactivates; only supervisors terminate and revoke; accountants only read', async () => {
    expectStatus(await world.accountant.post(`/api/devices/${SERIAL}/report-lost`, { reason: 'x' }), 403);
    expectStatus(await world.anonymous.post(`/api/devices/${SERIAL}/suspend`, { reason: 'x' }), 401);
    expectStatus(await world.operator.post(`/api/devices/${SERIAL}/terminate`, { reason: 'x' }), 403);
    expectStatus(await world.operator.post(`/api/devices/${SERIAL}/certificates/signing/revoke`, { reason: 'superseded' }), 403);
    expect((await deviceRow(world)).deviceStatus).toBe('active');
    expectStatus(await world.accountant.get(`/api/device-events?filter=${encodeURIComponent(JSON.stringify({ serial: SERIAL }))}`), 200);

    expectStatus(await world.supervisor.post(`/api/devices/${SERIAL}/suspend`, { reason: 'Richiesta del titolare' }), 200);
    expect((await deviceRow(world)).deviceStatus).toBe('suspended');
    expect(expectStatus(await guidedQuote(world, customerId), 422).json().code).toBe('device_not_active');
    // Suspended → lost is no move a token makes: reactivate first.
    expect(expectStatus(await world.operator.post(`/api/devices/${SERIAL}/report-lost`, { reason: 'x' }), 422).json().code).toBe('device_status_move_invalid');
  });

  it('refuses bad input naming the field, an unknown device 404, and changes nothing', async () => {
    const noReason = expectStatus(await world.operator.post(`/api/devices/${SERIAL}/report-lost`, {}), 400).json();
    expect(JSON.stringify(noReason)).toMatch(/reason/);
    expectStatus(await world.operator.post(`/api/devices/${SERIAL}/report-lost`, { reason: '   ' }), 400);
    const badReason = expectStatus(await world.supervisor.post(`/api/devices/${SERIAL}/certificates/signing/revoke`, { reason: 'stolen' }), 400).json();
    expect(JSON.stringify(badReason)).toMatch(/RFC 5280/);
    const badKind = expectStatus(await world.supervisor.post(`/api/devices/${SERIAL}/certificates/both/revoke`, { reason: 'superseded' }), 400).json();
    expect(JSON.stringify(badKind)).toMatch(/kind/);
    const self = expectStatus(await world.supervisor.post(`/api/devices/${SERIAL}/terminate`, { reason: 'x', replacedBy: SERIAL }), 422).json();
    expect(self).toMatchObject({ code: 'replacement_same_device' });
    expect(expectStatus(await world.operator.post('/api/devices/9999999999/report-lost', { reason: 'x' }), 404).json().code).toBe('device_not_found');
    expect(expectStatus(await world.supervisor.post('/api/devices/9999999999/terminate', { reason: 'x' }), 404).json().code).toBe('device_not_found');

    // The replacement refused above revoked nothing: one append, all or nothing.
    expect(await deviceRow(world)).toMatchObject({ deviceStatus: 'active', signingStatus: 'active', authenticationStatus: 'active', revoked: false });
    expect((await timeline(world)).map((r) => r.entry)).toEqual(['registered']);
  });

  it('a retry under the same Idempotency-Key gets the same answer; the serial is read as typed', async () => {
    const headers = { 'idempotency-key': 'lost-1' };
    const first = expectStatus(await world.operator.request('POST', '/api/devices/1205%20100000/report-lost', { body: { reason: 'Smarrita' }, headers }), 200).json();
    const retry = expectStatus(await world.operator.request('POST', '/api/devices/1205%20100000/report-lost', { body: { reason: 'Smarrita' }, headers }), 200).json();
    expect(retry).toEqual(first);
    expect((await timeline(world)).filter((r) => r.entry === 'status_changed')).toHaveLength(1);
  });

  it('renewDeviceCertificate: the current certificate is the renewed one in the list, the timeline says so; a revoked one is refused', async () => {
    const deps = world.app.sales;
    const renewed = await renewDeviceCertificate(
      deps,
      SERIAL,
      { kind: 'signing', serialNumber: 'N1205', validFrom: '2026-11-24T09:00:00Z', validUntil: '2029-11-24T09:00:00Z', renewalId: 'r-1' },
      ctx(),
    );
    expect(renewed.events).toHaveLength(1);
    const retried = await renewDeviceCertificate(
      deps,
      SERIAL,
      { kind: 'signing', serialNumber: 'N1205', validFrom: '2026-11-24T09:00:00Z', validUntil: '2029-11-24T09:00:00Z', renewalId: 'r-1' },
      ctx(),
    );
    expect(retried).toMatchObject({ position: 0, events: [] });

    await eventually(async () => (await deviceRow(world)).signingSerialNumber === 'N1205');
    const row = await deviceRow(world);
    expect(row).toMatchObject({ signingValidUntil: '2029-11-24T09:00:00.000Z', signingStatus: 'active', authenticationSerialNumber: `A${SERIAL}` });
    // The earliest expiry is now the authentication certificate's.
    expect(row.expiresAt).toBe(row.authenticationValidUntil);

    await eventually(async () => (await timeline(world)).length === 2);
    expect((await timeline(world))[1]).toMatchObject({
      entry: 'certificate_renewed',
      certificateKind: 'signing',
      previousSerialNumber: `S${SERIAL}`,
      serialNumber: 'N1205',
      renewalId: 'r-1',
      actorName: null,
    });

    await revokeDeviceCertificates(deps, SERIAL, 'superseded', { replacementRequestId: 'req-1', by: 'supervisor-x' }, ctx());
    const again = await revokeDeviceCertificates(deps, SERIAL, 'superseded', { replacementRequestId: 'req-1' }, ctx());
    expect(again.events).toEqual([]);
    await expect(
      renewDeviceCertificate(deps, SERIAL, { kind: 'authentication', serialNumber: 'N2', validFrom: '2026-11-24T09:00:00Z', validUntil: '2029-11-24T09:00:00Z' }, ctx()),
    ).rejects.toMatchObject({ code: 'certificate_revoked' });

    const done = await terminateDevice(deps, SERIAL, { reason: 'sostituita', replacedBy: '1205100099' }, ctx());
    expect(done.device).toMatchObject({ deviceStatus: 'terminated', replacedBy: '1205100099' });
    expect((await terminateDevice(deps, SERIAL, { reason: 'sostituita', replacedBy: '1205100099' }, ctx())).events).toEqual([]);
  });

  it('the timeline takes in the renewals and replacement requests that name the device', async () => {
    const c = ctx();
    const at = world.clock.now().toISOString();
    const deps = world.app.sales;
    await appendEvents(
      deps,
      'renewal-r-7',
      [
        {
          type: 'RenewalStarted',
          data: {
            renewalId: 'r-7',
            deviceSerial: SERIAL,
            holderCodiceFiscale: MARIO_CF,
            customerId: null,
            issuerId: 'Camera di Commercio di Roma',
            certificates: ['signing', 'authentication'],
            partialReason: null,
            payment: { mode: 'pay_after', feeCents: 1000, vatRateBp: 2200 },
            channel: 'desk',
            startedBy: 'operatore',
            startedAt: at,
          },
        },
        { type: 'RenewalAbandoned', data: { renewalId: 'r-7', reason: 'Il titolare non ricorda il PIN', abandonedBy: 'operatore', abandonedAt: at } },
      ],
      'no_stream',
      c,
    );
    await appendEvents(
      deps,
      'replacement-q-1',
      [
        {
          type: 'ReplacementRequested',
          data: {
            requestId: 'q-1',
            deviceSerial: SERIAL,
            holderCodiceFiscale: MARIO_CF,
            customerId,
            reason: 'deadline_passed',
            note: 'scaduta da 2 giorni',
            productCode: 'SMART-CARD',
            requestedBy: 'operatore',
            requestedAt: at,
          },
        },
        { type: 'ReplacementApproved', data: { requestId: 'q-1', note: 'ok', approvedBy: 'supervisore', approvedAt: at } },
        { type: 'ReplacementDeviceIssued', data: { requestId: 'q-1', newDeviceSerial: '1205100099', issuedBy: 'operatore', issuedAt: at } },
      ],
      'no_stream',
      c,
    );
    await eventually(async () => (await timeline(world)).length === 6);
    expect((await timeline(world)).map((r) => r.entry)).toEqual([
      'registered',
      'renewal_started',
      'renewal_abandoned',
      'replacement_requested',
      'replacement_approved',
      'replacement_device_issued',
    ]);
    expect((await timeline(world))[2]).toMatchObject({ reason: 'Il titolare non ricorda il PIN', renewalId: 'r-7', certificateKind: null });
    expect((await timeline(world))[1]).toMatchObject({ certificateKind: 'both' });
    expect((await timeline(world))[5]).toMatchObject({ relatedSerial: '1205100099', requestId: 'q-1' });
    // The new card's timeline starts with what it replaces.
    expect((await timeline(world, '1205100099')).map((r) => [r.entry, r.relatedSerial])).toEqual([['issued_as_replacement', SERIAL]]);
  });
});
