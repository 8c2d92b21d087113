// Issuer policies over HTTP: who may read and set them, bad input refused naming the field with
// nothing written, the same policy again changing nothing, and a policy change moving the renewal
// window of the issuer's devices in the devices list, the guided lookup and the quote.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUIDE_POLICY } from '../../../domain/certificates/issuerPolicy';
import { addGuideProducts, DAY, expectStatus, PASSWORD, MARIO_CF, registerCard, registerPerson, startApi, type Answer, type ApiWorld, type Client } from './support';

let world: ApiWorld;
let customerId: string;

const ROMA = 'camera-di-commercio-di-roma';
const { issuerId: _id, ...guideBody } = GUIDE_POLICY;
const romaBody = { ...guideBody, issuerName: 'Camera di Commercio di Roma' };
const put = (client: Client, id: string, body: unknown) => client.request('PUT', `/api/issuer-policies/${id}`, { body });
const listDevices = async (filter: Record<string, unknown>, reader?: Client) =>
  (expectStatus(await (reader ?? world.operator).get(`/api/devices?filter=${encodeURIComponent(JSON.stringify(filter))}`), 200).json() as Array<{ id: string }>).map((d) => d.id).sort();

beforeAll(async () => {
  world = await startApi({ reactors: false });
  await addGuideProducts(world);
  customerId = await registerPerson(world);
  // Both cards are issued by the Camera di Commercio di Roma (support.registerCard).
  expectStatus(await registerCard(world, '1205100060', MARIO_CF, 60), 201); // expires in 60 days
  expectStatus(await registerCard(world, '1205100030', MARIO_CF, -30 / 24), 201); // expired 30 hours ago
});
afterAll(async () => {
  await world?.close();
});

/** A client with this session cookie. */
function client(cookie: string): Client {
  const request: Client['request'] = (method, path, options) => world.anonymous.request(method, path, { ...options, headers: { ...options?.headers, cookie } });
  return { request, get: (path, headers) => request('GET', path, { headers }), post: (path, body, headers) => request('POST', path, { body, headers }) };
}

/** Sends the request and checks the status and code, that `field` is named, and that nothing was appended. */
async function refused(send: () => Promise<Answer>, status: number, code: string, field?: string): Promise<{ message: string; errors?: Record<string, string> }> {
  const head = await world.store.headPosition();
  const answer = await send();
  expect(answer.status, answer.text).toBe(status);
  const body = answer.json();
  expect(body.code).toBe(code);
  if (field) {
    expect(body.errors, answer.text).toHaveProperty([field]);
    expect(body.message).toContain(field);
  }
  expect(await world.store.headPosition()).toBe(head);
  return body;
}

describe('issuer policies over HTTP', () => {
  it('without a policy set, devices follow the guides: 90 days before, 24 hours after', async () => {
    expect(await listDevices({ windowState: 'open' })).toEqual(['1205100060']);
    expect(await listDevices({ windowState: 'closed' })).toEqual(['1205100030']);
    const lookup = expectStatus(await world.operator.get(`/api/holders/${MARIO_CF}/renewable-devices`), 200).json();
    expect(lookup.devices.map((d: { serial: string }) => d.serial)).toEqual(['1205100060']);
    expect(lookup.needingReplacement.map((d: { serial: string }) => d.serial)).toEqual(['1205100030']);
  });

  it('supervisors and admins set a policy; operators and accountants may only read it; anonymous callers neither', async () => {
    await refused(() => put(world.operator, 'default', guideBody), 403, 'forbidden');
    await refused(() => put(world.accountant, 'default', guideBody), 403, 'forbidden');
    await refused(() => put(world.anonymous, 'default', guideBody), 401, 'unauthenticated');
    expect((await world.anonymous.get('/api/issuer-policies')).status).toBe(401);

    const set = expectStatus(await put(world.supervisor, 'default', guideBody), 200).json();
    expect(set).toMatchObject({ id: 'default', issuerId: 'default', ...guideBody, changed: true, setAt: world.clock.now().toISOString() });
    expect(set.position).toBeGreaterThan(0);
    const me = expectStatus(await world.supervisor.get('/api/auth/me'), 200).json();
    expect(set.setBy).toBe(me.id);

    for (const reader of [world.operator, world.accountant, world.supervisor, world.admin]) {
      const rows = expectStatus(await reader.get('/api/issuer-policies'), 200).json();
      expect(rows).toEqual([
        expect.objectContaining({ id: 'default', issuerName: 'Predefinita', renewalOpensDaysBefore: 90, graceHours: 24, validityYears: 3, payAfterOffered: true, payAfterDeviceKinds: ['smart_card'], payAfterIssuedFrom: '2009-01-01', payAfterFeeCents: 1000, payAfterVatRateBp: 2200, setBy: me.id, changeCount: 1 }),
      ]);
    }
    // An admin (settings) sets one too.
    const byAdmin = expectStatus(await put(world.admin, 'default', { ...guideBody, validityYears: 2 }), 200).json();
    expect(byAdmin).toMatchObject({ validityYears: 2, changed: true });
    expect(expectStatus(await world.admin.get('/api/issuer-policies/default'), 200).json()).toMatchObject({ validityYears: 2, changeCount: 2 });
    expectStatus(await put(world.admin, 'default', guideBody), 200);
  });

  it('the same policy again changes nothing', async () => {
    const head = await world.store.headPosition();
    const again = expectStatus(await put(world.supervisor, 'default', guideBody), 200).json();
    expect(again).toMatchObject({ changed: false, position: 0 });
    expect(await world.store.headPosition()).toBe(head);
    const row = expectStatus(await world.operator.get('/api/issuer-policies/default'), 200).json();
    expect(row.changeCount).toBe(3);
    expect(row.changes.map((c: { policy: { validityYears: number } }) => c.policy.validityYears)).toEqual([3, 2, 3]);
  });

  it('bad input is refused with 400 naming the field, and nothing is written', async () => {
    await refused(() => put(world.supervisor, 'default', { ...guideBody, graceHours: -1 }), 400, 'input_invalid', 'graceHours');
    await refused(() => put(world.supervisor, 'default', { ...guideBody, graceHours: 1.5 }), 400, 'input_invalid', 'graceHours');
    await refused(() => put(world.supervisor, 'default', { ...guideBody, renewalOpensDaysBefore: 0 }), 400, 'input_invalid', 'renewalOpensDaysBefore');
    await refused(() => put(world.supervisor, 'default', { ...guideBody, validityYears: '3' }), 400, 'input_invalid', 'validityYears');
    await refused(() => put(world.supervisor, 'default', { ...guideBody, payAfterFeeCents: -100 }), 400, 'input_invalid', 'payAfterFeeCents');
    await refused(() => put(world.supervisor, 'default', { ...guideBody, payAfter: { ...guideBody.payAfter, deviceKinds: ['floppy'] } }), 400, 'input_invalid', 'payAfter.deviceKinds.0');
    await refused(() => put(world.supervisor, 'default', { ...guideBody, payAfter: { ...guideBody.payAfter, issuedFrom: '2009-02-30' } }), 400, 'input_invalid', 'payAfter.issuedFrom');
    await refused(() => put(world.supervisor, 'default', { ...guideBody, issuerName: '' }), 400, 'input_invalid', 'issuerName');
    await refused(() => put(world.supervisor, 'default', { ...guideBody, fee: 10 }), 400, 'input_invalid');
    const { graceHours: _g, ...withoutGrace } = guideBody;
    await refused(() => put(world.supervisor, 'default', withoutGrace), 400, 'input_invalid', 'graceHours');
    // The id must be the slug of the issuer's name (default aside), and a slug at all.
    const wrongId = await refused(() => put(world.supervisor, 'roma', romaBody), 400, 'input_invalid', 'issuerId');
    expect(wrongId.message).toContain(ROMA);
    await refused(() => put(world.supervisor, 'Camera Roma', romaBody), 400, 'input_invalid', 'id');
    expect((await world.operator.get('/api/issuer-policies/nessuna')).status).toBe(404);
  });

  it("a policy change moves the window of its issuer's devices: in the devices list, the guided lookup and the quote", async () => {
    // The Camera di Commercio di Roma opens renewals 30 days before and allows 48 hours after.
    const set = expectStatus(await put(world.supervisor, ROMA, { ...romaBody, renewalOpensDaysBefore: 30, graceHours: 48 }), 200).json();
    expect(set).toMatchObject({ id: ROMA, issuerName: 'Camera di Commercio di Roma', changed: true });

    // The list answers after its read model has the change (read-your-writes).
    expect(await listDevices({ windowState: 'not_yet' })).toEqual(['1205100060']);
    expect(await listDevices({ windowState: 'open' })).toEqual([]);
    expect(await listDevices({ windowState: 'in_grace' })).toEqual(['1205100030']);
    expect(await listDevices({ windowState: 'closed' })).toEqual([]);
    expect(await listDevices({ policyId: ROMA })).toEqual(['1205100030', '1205100060']);
    const device = expectStatus(await world.operator.get('/api/devices/1205100030'), 200).json();
    expect(device).toMatchObject({ policyId: ROMA, windowState: 'in_grace' });
    expect(device.windowClosesAt).toBe(new Date(Date.parse(device.expiresAt) + 48 * 3_600_000).toISOString());

    const lookup = expectStatus(await world.operator.get(`/api/holders/${MARIO_CF}/renewable-devices`), 200).json();
    expect(lookup.devices.map((d: { serial: string; status: string; policyId: string }) => [d.serial, d.status, d.policyId])).toEqual([['1205100030', 'in_grace', ROMA]]);
    expect(lookup.needingReplacement).toEqual([]);
    const guided = { customerId, guided: { holderCodiceFiscale: MARIO_CF, deviceSerial: '1205100030' }, payment: { mode: 'prepaid' } };
    expect(expectStatus(await world.operator.post('/api/orders/quote', guided), 200).json().totals.totalCents).toBe(2684);

    // A change of the default policy does not touch the devices Roma's own policy rules.
    expectStatus(await put(world.supervisor, 'default', { ...guideBody, graceHours: 0 }), 200);
    expect(await listDevices({ windowState: 'in_grace' })).toEqual(['1205100030']);

    // Roma back to 24 hours: the card 30 hours past expiry needs a replacement again.
    expectStatus(await put(world.supervisor, ROMA, { ...romaBody, renewalOpensDaysBefore: 30 }), 200);
    expect(await listDevices({ windowState: 'closed' })).toEqual(['1205100030']);
    const replaced = await world.operator.post('/api/orders/quote', guided);
    expect(replaced.status).toBe(422);
    expect(replaced.json().code).toBe('replacement_card_needed');

    // 30 hours of grace: the card expired exactly 30 hours ago is still in time; one second later it is not (in SQL too).
    expectStatus(await put(world.supervisor, ROMA, { ...romaBody, renewalOpensDaysBefore: 30, graceHours: 30 }), 200);
    expect(await listDevices({ windowState: 'in_grace' })).toEqual(['1205100030']);
    expect(expectStatus(await world.operator.get('/api/devices/1205100030'), 200).json().windowClosesAt).toBe(world.clock.now().toISOString());
    world.clock.advance(1000);
    expect(await listDevices({ windowState: 'closed' })).toEqual(['1205100030']);
    expect(await listDevices({ windowState: 'in_grace' })).toEqual([]);
    world.clock.advance(-1000);

    // Time passes: 31 days before its expiry the other card's window is still not open; at 30 days it is.
    // (Sessions idle that long have ended: log in again.)
    world.clock.advance(30 * DAY - 60_000);
    const login = await world.anonymous.post('/api/auth/login', { username: 'operatore', password: PASSWORD });
    const later = client(login.headers.getSetCookie().find((c) => c.startsWith('bo_session='))!.split(';')[0]!);
    expect(await listDevices({ windowState: 'not_yet' }, later)).toEqual(['1205100060']);
    world.clock.advance(60_000);
    expect(await listDevices({ windowState: 'open' }, later)).toEqual(['1205100060']);
  });
});
