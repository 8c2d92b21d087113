import { afterEach, describe, expect, it } from 'vitest';
import { FIRM_PIVA, expectStatus, registerPerson, romeAddress, startApi, type ApiWorld } from './support';

// Where the SdI delivers a customer's e-invoices: a firm's recipient code and/or a PEC address.
describe('customers: SdI recipient code and PEC address', () => {
  let world: ApiWorld;
  afterEach(async () => world?.close());

  async function registerFirm(): Promise<string> {
    const answer = await world.operator.post('/api/customers', {
      kind: 'firm',
      name: 'Studio Bianchi S.r.l.',
      partitaIva: FIRM_PIVA,
      email: 'amministrazione@studiobianchi.it',
      billingAddress: romeAddress,
    });
    return expectStatus(answer, 201).json().id as string;
  }

  it("a firm's code (normalised to upper case) and PEC are recorded and shown; clearing them shows none", async () => {
    world = await startApi();
    const firmId = await registerFirm();
    expect(expectStatus(await world.accountant.get(`/api/customers/${firmId}`), 200).json()).toMatchObject({ sdiCode: null, pecAddress: null });

    const set = expectStatus(await world.operator.post(`/api/customers/${firmId}/sdi-address`, { sdiCode: ' m5uxcr1 ', pecAddress: 'Studio.Bianchi@PEC.example.it' }), 200).json();
    expect(set).toMatchObject({ id: firmId, sdiCode: 'M5UXCR1', pecAddress: 'studio.bianchi@pec.example.it', changed: true });
    expect(expectStatus(await world.accountant.get(`/api/customers/${firmId}`), 200).json()).toMatchObject({
      sdiCode: 'M5UXCR1',
      pecAddress: 'studio.bianchi@pec.example.it',
    });
    const again = expectStatus(await world.operator.post(`/api/customers/${firmId}/sdi-address`, { sdiCode: 'M5UXCR1', pecAddress: 'studio.bianchi@pec.example.it' }), 200).json();
    expect(again.changed).toBe(false);

    expectStatus(await world.operator.post(`/api/customers/${firmId}/sdi-address`, { sdiCode: null, pecAddress: '' }), 200);
    expect(expectStatus(await world.accountant.get(`/api/customers/${firmId}`), 200).json()).toMatchObject({ sdiCode: null, pecAddress: null });
  });

  it('refuses a malformed code or PEC naming the field, and a code for a private customer', async () => {
    world = await startApi();
    const firmId = await registerFirm();
    const short = expectStatus(await world.operator.post(`/api/customers/${firmId}/sdi-address`, { sdiCode: 'ABC12', pecAddress: null }), 400).json();
    expect(short).toMatchObject({ code: 'sdi_code_invalid', errors: { sdiCode: expect.stringContaining('7 letters or digits') } });
    expect(short.message).toContain('7 letters or digits');
    const zeros = expectStatus(await world.operator.post(`/api/customers/${firmId}/sdi-address`, { sdiCode: '0000000', pecAddress: null }), 400).json();
    expect(zeros.code).toBe('sdi_code_invalid');
    const pec = expectStatus(await world.operator.post(`/api/customers/${firmId}/sdi-address`, { sdiCode: null, pecAddress: 'not-a-pec' }), 400).json();
    expect(pec).toMatchObject({ code: 'email_invalid', errors: { pecAddress: expect.stringContaining('not a valid e-mail address') } });

    const personId = await registerPerson(world);
    const person = expectStatus(await world.operator.post(`/api/customers/${personId}/sdi-address`, { sdiCode: 'M5UXCR1', pecAddress: null }), 400).json();
    expect(person).toMatchObject({ code: 'sdi_code_for_firms_only', errors: { sdiCode: expect.stringContaining('for firms') } });
    // A person may give a PEC address.
    expectStatus(await world.operator.post(`/api/customers/${personId}/sdi-address`, { sdiCode: null, pecAddress: 'mario@pec.example.it' }), 200);
  });
});
