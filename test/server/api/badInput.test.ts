// Bad input to the sales commands: each refusal is a 4xx with a code and a message naming what is
// wrong (the field, and the check that failed), and the event log is left as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGuideProducts, expectStatus, manualOrder, MARIO_CF, registerCard, registerPerson, romeAddress, startApi, topUp, type Answer, type ApiWorld, type Client } from './support';

let world: ApiWorld;
let customerId: string;
let poorCustomerId: string;

beforeAll(async () => {
  world = await startApi({ reactors: false });
  await addGuideProducts(world);
  customerId = await registerPerson(world);
  await topUp(world, customerId, 10_000);
  poorCustomerId = await registerPerson(world, { name: 'Laura', surname: 'Bianchi', codiceFiscale: 'BNCLRA85T45F205L', email: 'laura@example.it' });
  expectStatus(await registerCard(world, '1205100000', MARIO_CF, 20), 201);
  // A card whose certificates expired two days ago: past the 24-hour deadline.
  expectStatus(await registerCard(world, '1205100099', MARIO_CF, -2), 201);
  expectStatus(await world.supervisor.post('/api/products', { code: 'VECCHIO', description: 'Prodotto ritirato', kind: 'coupon', renews: 'signing', priceCents: 900 }), 201);
  expectStatus(await world.supervisor.post('/api/products/VECCHIO/withdraw', { reason: 'fuori catalogo' }), 200);
});
afterAll(async () => {
  await world?.close();
});

/** Sends the request and checks: the status, a code and a message, and nothing appended. */
async function refused(send: () => Promise<Answer>, status: number, code: string | RegExp, message?: RegExp): Promise<{ code: string; message: string; errors?: Record<string, string> }> {
  const head = await world.store.headPosition();
  const answer = await send();
  expect(answer.status, answer.text).toBe(status);
  const body = answer.json();
  expect(body.code).toMatch(code);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(5);
  if (message) expect(body.message).toMatch(message);
  expect(await world.store.headPosition()).toBe(head);
  return body;
}

const person = (fields: Record<string, unknown>) => ({
  kind: 'person',
  name: 'Giuseppe',
  surname: 'Verdi',
  codiceFiscale: 'VRDGPP70C10L219Q',
  email: 'giuseppe@example.it',
  billingAddress: romeAddress,
  ...fields,
});

const post = (client: Client, path: string, body: unknown) => () => client.post(path, body);

describe('bad input is refused with a 4xx naming the problem, and changes nothing', () => {
  it('a codice fiscale with a wrong check character (400 naming the check and the field)', async () => {
    const body = await refused(post(world.operator, '/api/customers', person({ codiceFiscale: 'VRDGPP70C10L219X' })), 400, 'codice_fiscale_check_character', /check character/);
    expect(body.errors).toHaveProperty('codiceFiscale');
    await refused(post(world.operator, '/api/customers', person({ codiceFiscale: 'VRDGPP70Z10L219Q' })), 400, 'codice_fiscale_month');
    await refused(post(world.operator, '/api/customers', person({ codiceFiscale: 'VRDGPP' })), 400, 'codice_fiscale_length');
  });

  it('a wrong codice fiscale in the renewable-devices lookup', async () => {
    await refused(() => world.operator.get('/api/holders/RSSMRA80A01H501X/renewable-devices'), 400, 'codice_fiscale_check_character', /check character/);
  });

  it('a wrong partita IVA', async () => {
    const firm = { kind: 'firm', name: 'Studio Verdi', email: 'studio@example.it', billingAddress: romeAddress };
    const body = await refused(post(world.operator, '/api/customers', { ...firm, partitaIva: '01234560018' }), 400, 'partita_iva_check_digit', /check digit/);
    expect(body.errors).toHaveProperty('partitaIva');
    await refused(post(world.operator, '/api/customers', { ...firm, partitaIva: '0123456001' }), 400, 'partita_iva_format');
  });

  it('an address with a wrong postal code', async () => {
    const body = await refused(post(world.operator, '/api/customers', person({ billingAddress: { ...romeAddress, postalCode: '186' } })), 400, 'postal_code_invalid');
    expect(body.errors).toHaveProperty(['billingAddress.postalCode']);
  });

  it('missing fields, unknown fields and wrong types (400 naming each field)', async () => {
    const missing = await refused(post(world.operator, '/api/customers', { kind: 'person', name: 'Mario' }), 400, 'input_invalid');
    expect(Object.keys(missing.errors ?? {})).toEqual(expect.arrayContaining(['surname', 'codiceFiscale', 'email', 'billingAddress']));
    await refused(post(world.operator, '/api/customers', { kind: 'robot' }), 400, 'input_invalid', /kind/);
    await refused(post(world.operator, '/api/customers', person({ nickname: 'Peppino' })), 400, 'input_invalid', /nickname/);

    const payment = { method: 'bank_transfer', amountCents: '31,72', receivedOn: '2026-11-24', payer: 'Mario Rossi', reason: 'x', bankReference: 'CRO1' };
    const wrongType = await refused(post(world.accountant, '/api/payments', payment), 400, 'input_invalid', /amountCents/);
    expect(wrongType.errors).toHaveProperty('amountCents');
    await refused(post(world.accountant, '/api/payments', { ...payment, amountCents: 3172, method: 'bitcoin' }), 400, 'input_invalid', /method/);
    await refused(post(world.accountant, '/api/payments', { ...payment, amountCents: -5 }), 400, 'input_invalid', /amountCents/);
    await refused(post(world.operator, '/api/orders', { customerId, payment: { mode: 'prepaid' } }), 400, 'input_invalid', /exactly one of guided or manual/);
    await refused(
      post(world.operator, '/api/orders', { ...manualOrder(customerId, { mode: 'prepaid' }), guided: { holderCodiceFiscale: MARIO_CF, deviceSerial: '1205100000' } }),
      400,
      'input_invalid',
      /exactly one/,
    );
    await refused(post(world.operator, '/api/orders', manualOrder(customerId, { mode: 'direct', method: 'bitcoin' })), 400, 'input_invalid', /payment/);
    await refused(post(world.operator, '/api/orders', manualOrder('not-a-uuid', { mode: 'prepaid' })), 400, 'input_invalid', /customerId/);
    await refused(post(world.operator, '/api/orders', manualOrder(customerId, { mode: 'prepaid' }, 'RIN-FIRMA', 0)), 400, 'input_invalid', /quantity/);
    await refused(() => world.operator.request('POST', '/api/orders', { raw: '{"customerId":', contentType: 'application/json' }), 400, /.+/);
    await refused(() => world.operator.get(`/api/customers/${customerId}/prepaid/top-up-quote?creditedCents=abc`), 400, 'input_invalid', /creditedCents/);
  });

  it('an unknown customer or product (404), a withdrawn product (422)', async () => {
    await refused(post(world.operator, '/api/orders', manualOrder('00000000-0000-4000-8000-000000000000', { mode: 'prepaid' })), 404, 'customer_not_found');
    const unknown = await refused(post(world.operator, '/api/orders', manualOrder(customerId, { mode: 'prepaid' }, 'NON-ESISTE')), 404, 'product_not_found', /NON-ESISTE/);
    expect(unknown.errors).toHaveProperty(['lines.0.productCode']);
    await refused(post(world.operator, '/api/orders/quote', manualOrder(customerId, { mode: 'prepaid' }, 'NON-ESISTE')), 404, 'product_not_found');
    await refused(post(world.operator, '/api/orders', manualOrder(customerId, { mode: 'prepaid' }, 'VECCHIO')), 422, 'product_withdrawn', /withdrawn/);
    await refused(post(world.supervisor, '/api/products/NON-ESISTE/price', { priceCents: 100 }), 404, 'product_not_found');
    await refused(post(world.supervisor, '/api/products', { code: 'RIN-FIRMA', description: 'doppio', kind: 'coupon', renews: 'signing', priceCents: 100 }), 409, 'product_exists');
    await refused(post(world.operator, `/api/customers/00000000-0000-4000-8000-000000000000/email`, { email: 'a@example.it' }), 404, 'customer_not_found');
    await refused(post(world.operator, `/api/orders/00000000-0000-4000-8000-000000000000/cancel`, { reason: 'x' }), 404, 'order_not_found');
  });

  it('a device past the renewal deadline: "replacement card needed"', async () => {
    const lookup = expectStatus(await world.operator.get(`/api/holders/${MARIO_CF}/renewable-devices`), 200).json();
    expect(lookup.devices.map((d: { serial: string }) => d.serial)).toEqual(['1205100000']);
    expect(lookup.needingReplacement).toEqual([expect.objectContaining({ serial: '1205100099', status: 'closed', toRenew: [] })]);
    const guided = { customerId, guided: { holderCodiceFiscale: MARIO_CF, deviceSerial: '1205100099' }, payment: { mode: 'prepaid' } };
    await refused(post(world.operator, '/api/orders/quote', guided), 422, 'replacement_card_needed', /replacement card needed/);
    await refused(post(world.operator, '/api/orders', guided), 422, 'replacement_card_needed', /replacement card needed/);
    const otherHolder = { ...guided, guided: { holderCodiceFiscale: 'BNCLRA85T45F205L', deviceSerial: '1205100000' } };
    await refused(post(world.operator, '/api/orders', otherHolder), 422, 'device_not_of_holder');
    await refused(post(world.operator, '/api/orders', { ...guided, guided: { holderCodiceFiscale: MARIO_CF, deviceSerial: '9999999999' } }), 404, 'device_not_found');
  });

  it('not enough on the prepaid account; a top-up below the minimum', async () => {
    const body = await refused(post(world.operator, '/api/orders', manualOrder(poorCustomerId, { mode: 'prepaid' })), 422, 'balance_insufficient');
    expect(body.message).toMatch(/31,72|3172|balance/);
    await refused(
      post(world.operator, `/api/customers/${poorCustomerId}/prepaid/top-ups`, { amountReceivedCents: 1000, method: 'cash', reference: 'r', receivedOn: '2026-11-24' }),
      422,
      'top_up_below_minimum',
    );
  });

  it('a device already registered, and a device with a wrong date', async () => {
    await refused(() => registerCard(world, '1205100000'), 409, 'device_already_registered');
    const bad = {
      serial: '1205100777',
      kind: 'smart_card',
      issuer: 'CCIAA',
      issuedOn: '2026-02-30',
      holderCodiceFiscale: MARIO_CF,
      certificates: [{ kind: 'signing', serialNumber: 'S1', validFrom: '2024-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' }],
    };
    await refused(post(world.operator, '/api/devices', bad), 400, 'date_invalid', /issuedOn/);
  });

  it('who may do what: refunds and the catalogue are for supervisors, payments for the books', async () => {
    await refused(post(world.operator, '/api/products', { code: 'X', description: 'x', kind: 'coupon', renews: 'signing', priceCents: 1 }), 403, 'forbidden', /supervisor/);
    await refused(post(world.operator, '/api/payments', { method: 'bank_transfer', amountCents: 1, receivedOn: '2026-11-24', payer: 'x', reason: 'x' }), 403, 'forbidden');
    await refused(post(world.accountant, '/api/orders', manualOrder(customerId, { mode: 'prepaid' })), 403, 'forbidden');
    await refused(post(world.admin, '/api/customers', person({})), 403, 'forbidden');
    await refused(post(world.anonymous, '/api/orders', manualOrder(customerId, { mode: 'prepaid' })), 401, 'unauthenticated');
  });
});

describe('the device CSV import', () => {
  const header = 'serial;kind;issuer;issued_on;holder_cf;signing_serial;signing_valid_from;signing_valid_until;auth_serial;auth_valid_from;auth_valid_until';

  it('takes text/csv and JSON { csv }, row by row: a report of the accepted and the refused rows', async () => {
    const csv = [
      header,
      `2205100001;smart_card;CCIAA Roma;01/03/2024;${MARIO_CF};S1;01/03/2024;28/02/2027;A1;01/03/2024;28/02/2027`,
      `2205100002;usb_token;CCIAA Roma;01/03/2024;RSSMRA80A01H501X;S2;01/03/2024;28/02/2027;;;`,
      `1205100000;smart_card;CCIAA Roma;01/03/2024;${MARIO_CF};S3;01/03/2024;28/02/2027;;;`,
    ].join('\n');
    const answer = expectStatus(await world.operator.request('POST', '/api/devices/import', { raw: csv, contentType: 'text/csv; charset=utf-8' }), 200).json();
    expect(answer.accepted).toEqual([{ row: 2, serial: '2205100001' }]);
    expect(answer.refused).toEqual([
      expect.objectContaining({ row: 3, code: 'codice_fiscale_check_character', column: 'holder_cf' }),
      expect.objectContaining({ row: 4, code: 'device_already_registered', column: 'serial' }),
    ]);
    expect(answer.position).toBeGreaterThan(0);

    const json = expectStatus(await world.operator.post('/api/devices/import', { csv: `${header}\n2205100003;smart_card;CCIAA Roma;01/03/2024;${MARIO_CF};S4;01/03/2024;28/02/2027;;;` }), 200).json();
    expect(json.accepted).toEqual([{ row: 2, serial: '2205100003' }]);
  });

  it('refuses a file without a usable header as a whole, and takes files over 1 MiB', async () => {
    await refused(() => world.operator.request('POST', '/api/devices/import', { raw: 'a;b;c\n1;2;3', contentType: 'text/csv' }), 400, /.+/);
    const rows = Array.from({ length: 12_000 }, (_, i) => `X${String(i).padStart(9, '0')};smart_card;CCIAA Roma;01/03/2024;RSSMRA80A01H501X;S;01/03/2024;28/02/2027;;;`);
    const big = `${header}\n${rows.join('\n')}`;
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const answer = expectStatus(await world.operator.request('POST', '/api/devices/import', { raw: big, contentType: 'text/csv' }), 200).json();
    expect(answer.accepted).toEqual([]);
    expect(answer.refused).toHaveLength(12_000);
    // Only this route takes CSV, and only up to its limit.
    expect((await world.operator.request('POST', '/api/customers', { raw: header, contentType: 'text/csv' })).status).toBe(415);
  }, 60_000);
});
