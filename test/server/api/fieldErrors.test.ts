// Every field error at once, each with a stable code and its values: a desk fixing a customer form
// sees all its mistakes after one save, and the console says them in its own language from the
// codes (fieldErrors), while `message` and `errors` stay as API clients know them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson, romeAddress, startApi, type ApiWorld } from './support';

let world: ApiWorld;
let customerId: string;

beforeAll(async () => {
  world = await startApi({ reactors: false });
  customerId = await registerPerson(world);
});
afterAll(async () => {
  await world?.close();
});

interface Body {
  statusCode: number;
  code: string;
  message: string;
  errors?: Record<string, string>;
  fieldErrors?: { field: string; code: string; params?: Record<string, string | number> }[];
  params?: Record<string, string | number>;
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

describe('a form with several mistakes is answered with all of them at once', () => {
  it('a customer with a wrong check character, a 4-digit postal code and a broken e-mail: three field errors in one 400, nothing registered', async () => {
    const head = await world.store.headPosition();
    const answer = await world.operator.post(
      '/api/customers',
      person({ codiceFiscale: 'VRDGPP70C10L219X', email: 'giuseppe@', billingAddress: { ...romeAddress, postalCode: '2012' } }),
    );
    expect(answer.status, answer.text).toBe(400);
    const body = answer.json() as Body;
    expect(body.fieldErrors).toEqual([
      { field: 'codiceFiscale', code: 'codice_fiscale_check_character', params: { expected: 'Q' } },
      { field: 'email', code: 'email_invalid' },
      { field: 'billingAddress.postalCode', code: 'postal_code_invalid' },
    ]);
    // As before for API clients: the first code, a message naming every field, `errors` by field.
    expect(body.code).toBe('codice_fiscale_check_character');
    expect(body.message).toMatch(/check character.*e-mail.*postal code/);
    expect(Object.keys(body.errors ?? {})).toEqual(['codiceFiscale', 'email', 'billingAddress.postalCode']);
    expect(await world.store.headPosition()).toBe(head);
  });

  it('a firm with a wrong partita IVA and a wrong province: both named', async () => {
    const answer = await world.operator.post('/api/customers', {
      kind: 'firm',
      name: 'Studio Verdi',
      partitaIva: '01234560018',
      email: 'studio@example.it',
      billingAddress: { ...romeAddress, province: 'Roma' },
    });
    expect(answer.status).toBe(400);
    expect((answer.json() as Body).fieldErrors).toEqual([
      { field: 'partitaIva', code: 'partita_iva_check_digit', params: { expected: expect.any(String) } },
      { field: 'billingAddress.province', code: 'province_invalid' },
    ]);
  });

  it('editing the e-invoice address with a wrong recipient code and a wrong PEC: both named', async () => {
    const answer = await world.operator.post(`/api/customers/${customerId}/sdi-address`, { sdiCode: '12', pecAddress: 'pec@' });
    expect(answer.status).toBe(400);
    expect((answer.json() as Body).fieldErrors?.map((f) => [f.field, f.code])).toEqual([
      ['sdiCode', 'sdi_code_invalid'],
      ['pecAddress', 'email_invalid'],
    ]);
  });
});

describe('schema validation answers with stable codes and their values', () => {
  it('missing fields are value_required, a too long name is value_too_long with its max, an unknown field is named', async () => {
    const missing = (await world.operator.post('/api/customers', { kind: 'person', name: 'Mario' })).json() as Body;
    expect(missing.code).toBe('input_invalid');
    expect(missing.fieldErrors).toEqual(
      expect.arrayContaining([
        { field: 'surname', code: 'value_required' },
        { field: 'codiceFiscale', code: 'value_required' },
        { field: 'email', code: 'value_required' },
      ]),
    );
    const long = (await world.operator.post('/api/customers', person({ name: 'x'.repeat(201) }))).json() as Body;
    expect(long.fieldErrors).toContainEqual({ field: 'name', code: 'value_too_long', params: { max: 200 } });
    const unknown = (await world.operator.post('/api/customers', person({ nickname: 'Peppino' }))).json() as Body;
    expect(unknown.fieldErrors).toContainEqual({ field: 'request', code: 'field_unknown', params: { keys: 'nickname' } });
  });

  it('a wrong type is value_type_invalid, not value_required', async () => {
    const answer = await world.operator.post(`/api/customers/${customerId}/prepaid/top-ups`, {
      amountReceivedCents: 'cento',
      method: 'cash',
      reference: 'r',
      receivedOn: '2026-11-24',
    });
    expect(answer.status).toBe(400);
    expect((answer.json() as Body).fieldErrors).toContainEqual({ field: 'amountReceivedCents', code: 'value_type_invalid', params: { expected: 'number' } });
  });
});

describe('refusals carry the values their rule names', () => {
  it('a top-up below the minimum names the least credit, what to pay for it, the fee and what was received', async () => {
    const answer = await world.operator.post(`/api/customers/${customerId}/prepaid/top-ups`, {
      amountReceivedCents: 1000,
      method: 'cash',
      reference: 'ricevuta 2',
      receivedOn: '2026-11-24',
    });
    expect(answer.status).toBe(422);
    const body = answer.json() as Body;
    expect(body.code).toBe('top_up_below_minimum');
    expect(body.params).toEqual({ minimum_cents: 3300, to_pay_cents: expect.any(Number), rate_bp: 180, received_cents: 1000 });
    expect(body.fieldErrors).toEqual([{ field: 'amountReceivedCents', code: 'top_up_below_minimum', params: body.params }]);
  });

  it('a wrong password at sign-in is credentials_invalid', async () => {
    const answer = await world.anonymous.post('/api/auth/login', { username: 'operator', password: 'wrong password 1' });
    expect(answer.status).toBe(401);
    expect((answer.json() as Body).code).toBe('credentials_invalid');
  });
});
