// Identifiers typed as people type them — lower case, in groups, with spaces, dashes or Unicode
// dashes — act on and find the same thing as their canonical form, in every command that takes one
// and in the read API's filters and searches (issue #13).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOrder } from '../../../server/features/services';
import {
  addGuideProducts,
  DAY,
  expectStatus,
  FIRM_PIVA,
  manualOrder,
  MARIO_CF,
  romeAddress,
  startApi,
  topUp,
  type ApiWorld,
} from './support';

let world: ApiWorld;
let customerId: string;
let firmId: string;
let guidedOrderId: string;
let rfReference: string;
let couponCode: string;

/** MARIO_CF as someone reads it off a card: lower case, in groups, with spaces and dashes. */
const MARIO_CF_TYPED = 'rss mra-80a01 h501u';
const EN_DASH = '\u2013';

const list = async (resource: string, filter: object) => {
  const answer = expectStatus(await world.accountant.get(`/api/${resource}?filter=${encodeURIComponent(JSON.stringify(filter))}`), 200);
  return answer.json<Array<Record<string, unknown>>>();
};
const idsOf = (rows: Array<Record<string, unknown>>) => rows.map((r) => r.id);

beforeAll(async () => {
  world = await startApi();
  await addGuideProducts(world);
}, 30_000);
afterAll(async () => {
  await world?.close();
});

describe('commands take identifiers as typed', () => {
  it('a person registered with the codice fiscale typed in groups, lower case, is stored in its canonical form', async () => {
    const answer = expectStatus(await world.operator.post('/api/customers', {
      kind: 'person',
      name: 'Mario',
      surname: 'Rossi',
      codiceFiscale: MARIO_CF_TYPED,
      email: 'mario.rossi@example.it',
      billingAddress: romeAddress,
    }), 201).json();
    expect(answer.customer.codiceFiscale).toBe(MARIO_CF);
    customerId = answer.id;
    await topUp(world, customerId, 10_000);
  });

  it('a firm registered with the partita IVA typed with IT, spaces and dashes is stored as its 11 digits', async () => {
    const answer = expectStatus(await world.operator.post('/api/customers', {
      kind: 'firm',
      name: 'Studio Bianchi',
      partitaIva: 'it 0123-4560 017',
      email: 'studio@example.it',
      billingAddress: romeAddress,
    }), 201).json();
    expect(answer.customer.partitaIva).toBe(FIRM_PIVA);
    firmId = answer.id;
  });

  it('a device registered with its serial in groups and the holder typed anyhow', async () => {
    const now = world.clock.now().getTime();
    const from = new Date(now - 3 * 365 * DAY).toISOString();
    const until = new Date(now + 20 * DAY).toISOString();
    const answer = expectStatus(await world.operator.post('/api/devices', {
      serial: '1205-100 000',
      kind: 'smart_card',
      issuer: 'Camera di Commercio di Roma',
      issuedOn: from.slice(0, 10),
      holderCodiceFiscale: MARIO_CF_TYPED,
      certificates: [
        { kind: 'signing', serialNumber: 'S1205100000', validFrom: from, validUntil: until },
        { kind: 'authentication', serialNumber: 'A1205100000', validFrom: from, validUntil: until },
      ],
    }), 201).json();
    expect(answer).toMatchObject({ id: '1205100000', device: { serial: '1205100000', holderCodiceFiscale: MARIO_CF } });
  });

  it('the CSV import reads serials and codici fiscali as typed', async () => {
    const csv = [
      'serial;kind;issuer;issued_on;holder_cf;signing_serial;signing_valid_from;signing_valid_until;auth_serial;auth_valid_from;auth_valid_until',
      `1205${EN_DASH}100 001;smart_card;CCIAA Roma;01/02/2024;${MARIO_CF_TYPED};ab 01;2024-02-01;2027-02-01;;;`,
    ].join('\n');
    const report = expectStatus(await world.operator.request('POST', '/api/devices/import', { raw: csv, contentType: 'text/csv' }), 200).json();
    expect(report.refused).toEqual([]);
    expect(report.accepted).toEqual([{ row: 2, serial: '1205100001' }]);
    // The same serial typed otherwise is the same device.
    const again = expectStatus(await world.operator.request('POST', '/api/devices/import', { raw: csv.replace(`1205${EN_DASH}100 001`, '1205100001'), contentType: 'text/csv' }), 200).json();
    expect(again.refused).toMatchObject([{ row: 2, code: 'device_already_registered', column: 'serial' }]);
  });

  it("the guided purchase's lookup by a codice fiscale typed with dashes and in lower case", async () => {
    const answer = expectStatus(await world.operator.get(`/api/holders/${encodeURIComponent('rss-mra-80a01-h501u')}/renewable-devices`), 200).json();
    expect(answer.holderCodiceFiscale).toBe(MARIO_CF);
    // Both of the holder's cards: the one imported above expires on 2027-02-01, within the 90 days
    // before expiry that the guides' policy opens renewal.
    expect(answer.devices.map((d: { serial: string }) => d.serial).sort()).toEqual(['1205100000', '1205100001']);
  });

  it("a guided quote with the holder's codice fiscale in lower case (issue #13: it answered 422 device_not_of_holder)", async () => {
    const body = { customerId, guided: { holderCodiceFiscale: MARIO_CF.toLowerCase(), deviceSerial: '1205100000' } };
    const quote = expectStatus(await world.operator.post('/api/orders/quote', body), 200).json();
    expect(quote.totals).toEqual({ taxableCents: 2200, vatCents: 484, totalCents: 2684 });
    const typed = { customerId, guided: { holderCodiceFiscale: MARIO_CF_TYPED, deviceSerial: `1205${EN_DASH}100 000` } };
    expect(expectStatus(await world.operator.post('/api/orders/quote', typed), 200).json().totals).toEqual(quote.totals);
  });

  it('a guided order with both identifiers typed anyhow records them canonical', async () => {
    const body = { customerId, guided: { holderCodiceFiscale: MARIO_CF_TYPED, deviceSerial: '1205 100-000' }, payment: { mode: 'prepaid' } };
    const placed = expectStatus(await world.operator.post('/api/orders', body), 201).json();
    expect(placed.order).toMatchObject({ status: 'paid', holderCodiceFiscale: MARIO_CF, deviceSerial: '1205100000' });
    guidedOrderId = placed.id;
    await world.smtp.waitForMessages(1);
    await world.idle();
    const couponId = (await getOrder(world.app.sales, guidedOrderId)).fulfilment!.couponIds[0]!;
    couponCode = ((await world.store.readStream(`coupon-${couponId}`))[0]!.data as { code: string }).code;
  });

  it('a wrong codice fiscale is still refused on its field, with the rule', async () => {
    const body = { customerId, guided: { holderCodiceFiscale: 'rss mra 80a01 h501x', deviceSerial: '1205100000' } };
    const refused = expectStatus(await world.operator.post('/api/orders/quote', body), 400).json();
    expect(refused).toMatchObject({ code: 'codice_fiscale_invalid', errors: { holderCodiceFiscale: expect.stringMatching(/check character/) } });
  });

  it('the public coupon status takes the code in lower case, in groups with spaces or Unicode dashes', async () => {
    const typed = couponCode.toLowerCase().replace(/-/g, EN_DASH);
    const answer = expectStatus(await world.anonymous.get(`/api/public/coupons/${encodeURIComponent(typed)}/status`), 200).json();
    expect(answer).toMatchObject({ code: couponCode, state: 'issued' });
    const spaced = expectStatus(await world.anonymous.get(`/api/public/coupons/${encodeURIComponent(` ${couponCode.replace(/-/g, ' ').toLowerCase()} `)}/status`), 200);
    expect(spaced.json().code).toBe(couponCode);
  });

  it('a direct order gives its RF reference', async () => {
    const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(firmId, { mode: 'direct', method: 'bank_transfer' })), 201).json();
    rfReference = placed.rfReference;
    expect(rfReference).toMatch(/^RF\d{2}\d{12}$/);
  });
});

describe('the read API finds identifiers as typed', () => {
  /** The RF reference as printed, in groups of four, joined by dashes and in lower case. */
  const rfTyped = () => (rfReference.match(/.{1,4}/g) ?? []).join('-').toLowerCase();

  it('customers by codice fiscale and partita IVA', async () => {
    expect(idsOf(await list('customers', { codiceFiscale: MARIO_CF_TYPED }))).toEqual([customerId]);
    expect(idsOf(await list('customers', { partitaIva: 'IT 01234560017' }))).toEqual([firmId]);
    expect(idsOf(await list('customers', { partitaIva: '0123-4560-017' }))).toEqual([firmId]);
    expect(idsOf(await list('customers', { q: 'rss-mra-80a01-h501u' }))).toEqual([customerId]);
  });

  it('devices by serial, holder and search; one device by its serial typed in groups', async () => {
    expect(idsOf(await list('devices', { holderCodiceFiscale: MARIO_CF_TYPED })).sort()).toEqual(['1205100000', '1205100001']);
    expect(idsOf(await list('devices', { q: '1205-1000 00' }))).toEqual(['1205100000']);
    expect(idsOf(await list('devices', { q: 'rss-mra' })).sort()).toEqual(['1205100000', '1205100001']);
    expect(idsOf(await list('devices', { id: ['1205-100 001'] }))).toEqual(['1205100001']);
    const one = expectStatus(await world.accountant.get(`/api/devices/${encodeURIComponent('1205 100-000')}`), 200).json();
    expect(one).toMatchObject({ id: '1205100000', holderCodiceFiscale: MARIO_CF });
  });

  it('orders by holder, device serial and RF reference, and q with the RF reference in dashed groups', async () => {
    expect(idsOf(await list('orders', { holderCodiceFiscale: MARIO_CF_TYPED }))).toEqual([guidedOrderId]);
    expect(idsOf(await list('orders', { deviceSerial: `1205${EN_DASH}100000` }))).toEqual([guidedOrderId]);
    const direct = await list('orders', { rfReference: rfTyped() });
    expect(direct.map((o) => o.rfReference)).toEqual([rfReference]);
    expect((await list('orders', { q: rfTyped() })).map((o) => o.rfReference)).toEqual([rfReference]);
    expect((await list('orders', { q: rfTyped().replace(/-/g, ' ') })).map((o) => o.rfReference)).toEqual([rfReference]);
  });

  it('coupons by code (the desk)', async () => {
    const typed = couponCode.toLowerCase().replace(/-/g, ' ');
    const byCode = expectStatus(await world.operator.get(`/api/coupons?filter=${encodeURIComponent(JSON.stringify({ code: typed }))}`), 200).json();
    expect(byCode.map((c: { code: string }) => c.code)).toEqual([couponCode]);
  });
});
