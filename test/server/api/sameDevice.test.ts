// The same device sold twice (#19 point 3): the guided lookup lists, per device and certificate, the
// coupons already bought for it and not used; a second guided order for it is refused (409
// device_has_unused_coupons, nothing written) unless the desk confirms; cancelled coupons no longer
// count; a device past its deadline gets no coupons even when confirmed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGuideProducts, eventually, expectStatus, MARIO_CF, registerCard, registerPerson, startApi, topUp, type ApiWorld } from './support';

let world: ApiWorld;
let customerId: string;

beforeAll(async () => {
  world = await startApi();
  await addGuideProducts(world);
  customerId = await registerPerson(world);
  await topUp(world, customerId, 50_000);
  expectStatus(await registerCard(world, '1205100000', MARIO_CF, 20), 201);
  // Expired two days ago: past the 24-hour deadline.
  expectStatus(await registerCard(world, '1205100099', MARIO_CF, -2), 201);
}, 60_000);
afterAll(async () => {
  await world?.close();
});

interface Unused {
  couponId: string;
  codeHint: string;
  productCode: string;
  renews: string;
  validUntil: string;
  orderId: string;
}
interface LookupDevice {
  serial: string;
  unusedCoupons: Unused[];
  certificates: { kind: string; unusedCoupons: Unused[] }[];
}

const lookup = async () =>
  expectStatus(await world.operator.get(`/api/holders/${MARIO_CF}/renewable-devices`), 200).json<{ devices: LookupDevice[]; needingReplacement: LookupDevice[] }>();
const guided = (deviceSerial: string, confirm?: boolean) => ({
  customerId,
  guided: { holderCodiceFiscale: MARIO_CF, deviceSerial, ...(confirm === undefined ? {} : { confirmUnusedCoupons: confirm }) },
  payment: { mode: 'prepaid' },
});

describe('the same device sold twice', () => {
  it('lists the unused coupons per device and certificate, refuses a second sale unless confirmed, and forgets cancelled coupons', async () => {
    expect((await lookup()).devices).toEqual([expect.objectContaining({ serial: '1205100000', unusedCoupons: [] })]);
    const first = expectStatus(await world.operator.post('/api/orders', guided('1205100000')), 201).json<{ id: string }>();
    await world.idle();

    let device: LookupDevice | undefined;
    await eventually(async () => {
      device = (await lookup()).devices[0];
      return device?.unusedCoupons.length === 2;
    });
    // Masked codes, the kinds, the expiry and the order they came from; never the code itself.
    expect(device!.unusedCoupons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ codeHint: expect.stringMatching(/^\*{4}-\*{4}-\*{4}-\*{4}-[0-9A-Z]{4}$/), orderId: first.id, renews: 'signing', validUntil: expect.any(String) }),
        expect.objectContaining({ codeHint: expect.stringMatching(/^\*{4}-/), orderId: first.id, renews: 'authentication' }),
      ]),
    );
    expect(JSON.stringify(device)).not.toMatch(/"code"/);
    const signing = device!.certificates.find((c) => c.kind === 'signing')!;
    expect(signing.unusedCoupons.map((c) => c.renews)).toEqual(['signing']);

    // Again without confirming: refused, naming the device, nothing written; the quote still answers.
    const head = await world.store.headPosition();
    const refused = await world.operator.post('/api/orders', guided('1205100000'));
    expect(refused.status, refused.text).toBe(409);
    const body = refused.json<{ code: string; message: string; errors?: Record<string, string> }>();
    expect(body.code).toBe('device_has_unused_coupons');
    expect(body.message).toMatch(/1205100000 already has 2 unused coupon/);
    expect(body.errors).toHaveProperty('deviceSerial');
    expect(await world.store.headPosition()).toBe(head);
    expect((await world.operator.post('/api/orders', guided('1205100000', false))).status).toBe(409);
    expectStatus(await world.operator.post('/api/orders/quote', guided('1205100000')), 200);

    // Confirmed: sold; now four unused coupons from two orders.
    const second = expectStatus(await world.operator.post('/api/orders', guided('1205100000', true)), 201).json<{ id: string }>();
    await world.idle();
    await eventually(async () => (await lookup()).devices[0]?.unusedCoupons.length === 4);

    // Refunded (coupons cancelled): they no longer count, and a new sale needs no confirmation.
    for (const order of [first, second]) expectStatus(await world.supervisor.post(`/api/orders/${order.id}/refund`, { refundTo: 'prepaid' }), 200);
    await world.idle();
    await eventually(async () => (await lookup()).devices[0]?.unusedCoupons.length === 0);
    expectStatus(await world.operator.post('/api/orders', guided('1205100000')), 201);
  }, 60_000);

  it('a device past its deadline gets no coupons, confirmed or not: a replacement card is needed', async () => {
    expect((await lookup()).needingReplacement).toEqual([expect.objectContaining({ serial: '1205100099', status: 'closed', toRenew: [] })]);
    for (const confirm of [undefined, true]) {
      const answer = await world.operator.post('/api/orders', guided('1205100099', confirm));
      expect(answer.status, answer.text).toBe(422);
      expect(answer.json<{ code: string }>().code).toBe('replacement_card_needed');
    }
  });
});
