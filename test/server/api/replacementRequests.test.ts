// Replacement cards over real HTTP (issue #16): the desk opens a request with a reason, a supervisor
// other than the one who opened it approves or rejects it with a note, the new device is ordered
// (invoiced once paid), registered for the same holder, and the old device's certificates revoked
// and the device terminated. On both event stores.
import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createEventStoreDbStore } from '../../../events/adapters/eventstoredb';
import { catalogue, type DomainEvent } from '../../../events/index';
import { EventStoreTestServer } from '../../events/eventstoredb/testServer';
import { addUser } from '../security/support';
import { addGuideProducts, DAY, eventually, expectStatus, loggedIn, MARIO_CF, registerCard, registerPerson, startApi, streamTypes, type ApiWorld, type Client } from './support';

let world: ApiWorld;
let esdb: EventStoreTestServer | undefined;
afterEach(async () => {
  await world?.close();
  await esdb?.stop();
  esdb = undefined;
});

const filter = (f: object) => `filter=${encodeURIComponent(JSON.stringify(f))}`;

/** A second supervisor, for the four eyes. */
async function secondSupervisor(): Promise<Client> {
  await addUser(world.store, 'supervisore2', ['supervisor']);
  return loggedIn(world, 'supervisore2');
}

/** Mario, a customer, with a smart card whose certificates expired `daysAgo` days ago. */
async function marioWithCard(serial: string, daysAgo: number): Promise<string> {
  await addGuideProducts(world);
  const customerId = await registerPerson(world);
  expectStatus(await registerCard(world, serial, MARIO_CF, -daysAgo), 201);
  return customerId;
}

const newCard = (serial: string, from: Date) => ({
  serial,
  certificates: [
    { kind: 'signing', serialNumber: `S${serial}`, validFrom: from.toISOString(), validUntil: new Date(from.getTime() + 3 * 365 * DAY).toISOString() },
    { kind: 'authentication', serialNumber: `A${serial}`, validFrom: from.toISOString(), validUntil: new Date(from.getTime() + 3 * 365 * DAY).toISOString() },
  ],
});

describe('replacement requests: four eyes', () => {
  it('the supervisor who opened a request cannot approve or reject it; an operator cannot approve; another supervisor can', async () => {
    world = await startApi();
    await marioWithCard('1205100000', 2);
    const opened = expectStatus(await world.supervisor.post('/api/replacement-requests', { deviceSerial: '1205100000', reason: 'broken', note: 'chip rotto' }), 201).json();
    const id = opened.id as string;

    const same = await world.supervisor.post(`/api/replacement-requests/${id}/approve`, { note: 'ok' });
    expect(same.status).toBe(422);
    expect(same.json()).toMatchObject({ code: 'replacement_same_person' });
    expect((await world.supervisor.post(`/api/replacement-requests/${id}/reject`, { note: 'no' })).json()).toMatchObject({ code: 'replacement_same_person' });
    expect((await world.operator.post(`/api/replacement-requests/${id}/approve`, { note: 'ok' })).status).toBe(403);
    expect((await world.accountant.post(`/api/replacement-requests/${id}/approve`, { note: 'ok' })).status).toBe(403);
    expect(await streamTypes(world.store, `replacement-${id}`)).toEqual(['ReplacementRequested']);

    const other = await secondSupervisor();
    const noNote = await other.post(`/api/replacement-requests/${id}/approve`, {});
    expect(noNote.status).toBe(400);
    expect(noNote.text).toMatch(/note/);
    const approved = expectStatus(await other.post(`/api/replacement-requests/${id}/approve`, { note: 'carta rotta, verificata' }), 200).json();
    expect(approved.request).toMatchObject({ status: 'approved', decisionNote: 'carta rotta, verificata', orderId: expect.any(String) });
    // Approving again (a retry) changes nothing and places no second order.
    const head = await world.store.headPosition();
    expect(expectStatus(await other.post(`/api/replacement-requests/${id}/approve`, { note: 'carta rotta, verificata' }), 200).json().request.orderId).toBe(approved.request.orderId);
    expect(await world.store.headPosition()).toBe(head);
  });

  it('a rejected request is closed with its note; the device can have a new request', async () => {
    world = await startApi();
    await marioWithCard('1205100000', 2);
    const id = expectStatus(await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100000', reason: 'lost' }), 201).json().id;
    expectStatus(await world.supervisor.post(`/api/replacement-requests/${id}/reject`, { note: 'la carta è stata ritrovata' }), 200);
    const row = expectStatus(await world.accountant.get(`/api/replacement-requests/${id}`), 200).json();
    expect(row).toMatchObject({ status: 'rejected', decisionNote: 'la carta è stata ritrovata', decidedBy: expect.any(String), oldDeviceStatus: 'active', revokedCertificates: '' });
    expect((await world.supervisor.post(`/api/replacement-requests/${id}/approve`, { note: 'ci ho ripensato' })).json()).toMatchObject({ code: 'replacement_already_decided' });
    const again = expectStatus(await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100000', reason: 'deadline_passed' }), 201).json();
    expect(again.id).not.toBe(id);
  });
});

describe('replacement requests: the product', () => {
  it('orders a device product only; an approval whose product was withdrawn meanwhile is refused and records nothing', async () => {
    world = await startApi();
    await marioWithCard('1205100000', 2);
    const coupon = await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100000', reason: 'broken', productCode: 'RIN-FIRMA' });
    expect(coupon.status).toBe(422);
    expect(coupon.json()).toMatchObject({ code: 'product_not_device', errors: { productCode: expect.any(String) } });
    const id = expectStatus(await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100000', reason: 'broken' }), 201).json().id;
    expectStatus(await world.supervisor.post('/api/products/CARTA-SOST/withdraw', { reason: 'fuori listino' }), 200);
    const refused = await world.supervisor.post(`/api/replacement-requests/${id}/approve`, { note: 'ok procedere' });
    expect(refused.status).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'product_withdrawn' });
    expect(await streamTypes(world.store, `replacement-${id}`)).toEqual(['ReplacementRequested']);
  });
});

describe('replacement requests: the reasons', () => {
  it('deadline_passed only once the card is past its deadline; lost, stolen, broken any time; one open request per device', async () => {
    world = await startApi();
    await addGuideProducts(world);
    await registerPerson(world);
    expectStatus(await registerCard(world, '1205100001', MARIO_CF, 30), 201);

    const early = await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100001', reason: 'deadline_passed' });
    expect(early.status).toBe(422);
    expect(early.json()).toMatchObject({ code: 'replacement_deadline_not_passed', errors: { reason: expect.stringMatching(/renew it instead/) } });

    // Exactly 24 hours after the expiry it is still renewable; one second later it is not.
    expectStatus(await registerCard(world, '1205100004', MARIO_CF, -1), 201);
    expect((await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100004', reason: 'deadline_passed' })).status).toBe(422);
    world.clock.advance(1000);
    const late = expectStatus(await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100004', reason: 'deadline_passed' }), 201).json();
    expect(late.request).toMatchObject({ status: 'pending', reason: 'deadline_passed', holderCodiceFiscale: MARIO_CF, productCode: 'CARTA-SOST' });

    // The same request again from the same desk (a retry without its Idempotency-Key) answers the open one.
    const retry = expectStatus(await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100004', reason: 'deadline_passed' }), 201).json();
    expect(retry).toMatchObject({ id: late.id, opened: false });
    const second = await world.supervisor.post('/api/replacement-requests', { deviceSerial: '1205 1000 04', reason: 'stolen' });
    expect(second.status).toBe(409);
    expect(second.json()).toMatchObject({ code: 'replacement_already_open' });

    expectStatus(await registerCard(world, '1205100002', MARIO_CF, 700), 201);
    expectStatus(await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100002', reason: 'stolen' }), 201);

    const bad = await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100002', reason: 'forgotten' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/reason/);
    const unknown = await world.operator.post('/api/replacement-requests', { deviceSerial: '99999999', reason: 'lost' });
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'device_not_found' });
    expect((await world.accountant.post('/api/replacement-requests', { deviceSerial: '1205100002', reason: 'lost' })).status).toBe(403);
  });

  it('the pending queue lists requests with their age', async () => {
    world = await startApi();
    await marioWithCard('1205100000', 2);
    expectStatus(await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100000', reason: 'deadline_passed' }), 201);
    world.clock.advance(26 * 3_600_000);
    const supervisor = await loggedIn(world, 'supervisore');
    const queue = expectStatus(await supervisor.get(`/api/replacement-requests?${filter({ status: 'pending' })}`), 200).json();
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({ deviceSerial: '1205100000', reason: 'deadline_passed', ageHours: 26, ageDays: 1 });
  });
});

describe('replacement requests: the whole flow', () => {
  it('past the deadline: approved, ordered and invoiced, the new card registered for the holder, the old one revoked (superseded) and terminated', async () => {
    world = await startApi();
    const customerId = await marioWithCard('1205100000', 2);
    const id = expectStatus(await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100000', reason: 'deadline_passed', note: 'scaduta da due giorni' }), 201).json().id;
    const other = await secondSupervisor();
    const approved = expectStatus(await other.post(`/api/replacement-requests/${id}/approve`, { note: 'nuova carta' }), 200).json();
    const orderId = approved.request.orderId as string;

    // The order: the replacement card for Mario, by RF reference; paid at the desk.
    const order = expectStatus(await world.operator.get(`/api/orders/${orderId}`), 200).json();
    expect(order).toMatchObject({ customerId, status: 'awaiting_payment', totalCents: 4880 });
    expect(order.rfReference).toMatch(/^RF\d{2}/);
    // Not revoked yet: past the deadline, the old card keeps its certificates until the new one is issued.
    expect(await streamTypes(world.store, 'device-1205100000')).toEqual(['DeviceRegistered']);
    expectStatus(await world.operator.post(`/api/orders/${orderId}/desk-payment`, { method: 'credit_card', amountCents: 4880 }), 200);
    await world.idle();
    // The read models follow the log: the invoice appears there shortly after the fulfilment issued it.
    const invoicesOf = async () => expectStatus(await world.accountant.get(`/api/invoices?${filter({ orderId })}`), 200).json() as Array<{ totalCents: number }>;
    await eventually(async () => (await invoicesOf()).length === 1);
    const invoices = await invoicesOf();
    expect(invoices[0]).toMatchObject({ totalCents: 4880 });

    const recorded = expectStatus(await world.operator.post(`/api/replacement-requests/${id}/new-device`, newCard('1205100009', world.clock.now())), 200).json();
    expect(recorded.request).toMatchObject({ status: 'completed', newDeviceSerial: '1205100009' });
    expect(recorded.newDevice).toMatchObject({ serial: '1205100009', holderCodiceFiscale: MARIO_CF, issuer: 'Camera di Commercio di Roma', kind: 'smart_card' });

    const events = (await world.store.readStream('device-1205100000')).map((e) => ({ type: e.type, data: e.data as Record<string, unknown> }));
    expect(events.map((e) => e.type)).toEqual(['DeviceRegistered', 'CertificateRevoked', 'CertificateRevoked', 'DeviceStatusChanged']);
    expect(events.filter((e) => e.type === 'CertificateRevoked').map((e) => [e.data.kind, e.data.reason, e.data.replacementRequestId])).toEqual([
      ['signing', 'superseded', id],
      ['authentication', 'superseded', id],
    ]);
    expect(events[3]!.data).toMatchObject({ from: 'active', to: 'terminated', replacedBy: '1205100009' });
    expect(await streamTypes(world.store, `replacement-${id}`)).toEqual([
      'ReplacementRequested',
      'ReplacementApproved',
      'ReplacementOrderPlaced',
      'ReplacementDeviceIssued',
      'ReplacementCompleted',
    ]);
    const row = expectStatus(await world.accountant.get(`/api/replacement-requests/${id}`), 200).json();
    expect(row).toMatchObject({ status: 'completed', orderId, newDeviceSerial: '1205100009', oldDeviceStatus: 'terminated', revokedCertificates: 'signing,authentication', revocationReason: 'superseded' });

    // Recording it again changes nothing; another device is refused.
    const head = await world.store.headPosition();
    expectStatus(await world.operator.post(`/api/replacement-requests/${id}/new-device`, newCard('1205100009', world.clock.now())), 200);
    expect(await world.store.headPosition()).toBe(head);
    expect((await world.operator.post(`/api/replacement-requests/${id}/new-device`, newCard('1205100010', world.clock.now()))).json()).toMatchObject({ code: 'replacement_device_exists' });
    // The old device is terminated: no new request for it.
    expect((await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100000', reason: 'broken' })).json()).toMatchObject({ code: 'device_terminated' });
  });

  it('a stolen card is revoked (keyCompromise) and marked lost at approval, before the new card exists', async () => {
    world = await startApi();
    await addGuideProducts(world);
    await registerPerson(world);
    expectStatus(await registerCard(world, '1205100003', MARIO_CF, 400), 201);
    const id = expectStatus(await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100003', reason: 'stolen', note: 'denuncia presentata' }), 201).json().id;
    expectStatus(await world.supervisor.post(`/api/replacement-requests/${id}/approve`, { note: 'revocare subito' }), 200);
    const events = (await world.store.readStream('device-1205100003')).map((e) => ({ type: e.type, data: e.data as Record<string, unknown> }));
    expect(events.map((e) => [e.type, e.data.reason ?? null, e.data.to ?? null])).toEqual([
      ['DeviceRegistered', null, null],
      ['CertificateRevoked', 'keyCompromise', null],
      ['CertificateRevoked', 'keyCompromise', null],
      ['DeviceStatusChanged', expect.stringContaining('rubato'), 'lost'],
    ]);
    expectStatus(await world.operator.post(`/api/replacement-requests/${id}/new-device`, newCard('1205100013', world.clock.now())), 200);
    const last = (await world.store.readStream('device-1205100003')).map((e) => e.type);
    expect(last).toEqual(['DeviceRegistered', 'CertificateRevoked', 'CertificateRevoked', 'DeviceStatusChanged', 'DeviceStatusChanged']);
    const row = expectStatus(await world.accountant.get(`/api/replacement-requests/${id}`), 200).json();
    expect(row).toMatchObject({ status: 'completed', oldDeviceStatus: 'terminated', revocationReason: 'keyCompromise' });
  });

  it('refuses a new device before approval, and the old device as the new one, naming the field', async () => {
    world = await startApi();
    await marioWithCard('1205100000', 2);
    const id = expectStatus(await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100000', reason: 'deadline_passed' }), 201).json().id;
    expect((await world.operator.post(`/api/replacement-requests/${id}/new-device`, newCard('1205100009', world.clock.now()))).json()).toMatchObject({ code: 'replacement_not_approved' });
    expectStatus(await world.supervisor.post(`/api/replacement-requests/${id}/approve`, { note: 'ok procedere' }), 200);
    expect((await world.operator.post(`/api/replacement-requests/${id}/new-device`, newCard('1205100000', world.clock.now()))).json()).toMatchObject({ code: 'replacement_device_same', errors: { serial: expect.any(String) } });
    const bad = await world.operator.post(`/api/replacement-requests/${id}/new-device`, { serial: '1205100009', certificates: [] });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/certificates/);
    expect(await streamTypes(world.store, 'device-1205100009')).toEqual([]);
  });
});

/** Appends an event as a command would have, then stops: what a crash right after it leaves in the log. */
async function appendOnly(stream: string, event: DomainEvent, expectedRevision: number) {
  const ctx = { actor: { userId: 'u-crashed', role: 'supervisor' as const }, at: world.clock.now().toISOString(), correlationId: randomUUID(), causationId: null };
  await world.store.append(stream, [catalogue.encode(event, ctx)], { expectedRevision });
}

describe('replacement requests: a crash between the steps', () => {
  it('the reactor finishes an approval the server stopped after (order, stolen card revoked) and a new device recorded without its completion', async () => {
    world = await startApi();
    await addGuideProducts(world);
    const customerId = await registerPerson(world);
    expectStatus(await registerCard(world, '1205100005', MARIO_CF, 400), 201);
    const id = expectStatus(await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100005', reason: 'stolen' }), 201).json().id as string;
    const at = world.clock.now().toISOString();

    // The approval was appended, then the process stopped before the order.
    await appendOnly(`replacement-${id}`, { type: 'ReplacementApproved', data: { requestId: id, note: 'approvata', approvedBy: 'u-crashed', approvedAt: at } }, 0);
    await world.idle();
    expect(await streamTypes(world.store, `replacement-${id}`)).toEqual(['ReplacementRequested', 'ReplacementApproved', 'ReplacementOrderPlaced']);
    const ordersOf = async () => expectStatus(await world.accountant.get(`/api/orders?${filter({ customerId })}`), 200).json() as unknown[];
    await eventually(async () => (await ordersOf()).length === 1);
    expect((await world.store.readStream('device-1205100005')).map((e) => [e.type, (e.data as { reason?: string }).reason ?? null])).toEqual([
      ['DeviceRegistered', null],
      ['CertificateRevoked', 'keyCompromise'],
      ['CertificateRevoked', 'keyCompromise'],
      ['DeviceStatusChanged', expect.stringContaining('rubato')],
    ]);

    // The new device registered and recorded on the request, then the process stopped before the old device was terminated.
    expectStatus(await registerCard(world, '1205100015', MARIO_CF, 3 * 365), 201);
    await appendOnly(`replacement-${id}`, { type: 'ReplacementDeviceIssued', data: { requestId: id, newDeviceSerial: '1205100015', issuedBy: 'u-crashed', issuedAt: at } }, 2);
    await world.idle();
    expect(await streamTypes(world.store, `replacement-${id}`)).toEqual([
      'ReplacementRequested',
      'ReplacementApproved',
      'ReplacementOrderPlaced',
      'ReplacementDeviceIssued',
      'ReplacementCompleted',
    ]);
    const last = (await world.store.readStream('device-1205100005')).at(-1)!;
    expect(last.data).toMatchObject({ from: 'lost', to: 'terminated', replacedBy: '1205100015' });
    // Done once: the order was not placed twice.
    expect(await streamTypes(world.store, `order-${(await ordersOf() as Array<{ id: string }>)[0]!.id}`)).toEqual(['OrderPlaced']);
    expect(await ordersOf()).toHaveLength(1);
  });
});

describe.each(['sqlite', 'eventstoredb'] as const)('replacement requests on %s', (kind) => {
  it('opened, approved by another supervisor, the new device recorded: the old one terminated', async () => {
    if (kind === 'eventstoredb') esdb = await EventStoreTestServer.start({});
    world = await startApi(kind === 'eventstoredb' ? { store: createEventStoreDbStore(esdb!.connectionString) } : {});
    await marioWithCard('1205100000', 2);
    const id = expectStatus(await world.operator.post('/api/replacement-requests', { deviceSerial: '1205100000', reason: 'deadline_passed' }), 201).json().id;
    expect((await world.operator.post(`/api/replacement-requests/${id}/approve`, { note: 'ok' })).status).toBe(403);
    expectStatus(await world.supervisor.post(`/api/replacement-requests/${id}/approve`, { note: 'approvata' }), 200);
    expectStatus(await world.operator.post(`/api/replacement-requests/${id}/new-device`, newCard('1205100009', world.clock.now())), 200);
    await world.idle();
    const row = expectStatus(await world.accountant.get(`/api/replacement-requests/${id}`), 200).json();
    expect(row).toMatchObject({ status: 'completed', oldDeviceStatus: 'terminated', revokedCertificates: 'signing,authentication' });
    expect(await streamTypes(world.store, `replacement-${id}`)).toEqual(['ReplacementRequested', 'ReplacementApproved', 'ReplacementOrderPlaced', 'ReplacementDeviceIssued', 'ReplacementCompleted']);
  });
});
