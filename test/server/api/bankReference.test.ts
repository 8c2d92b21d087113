// A payment is recorded under the bank's own reference (CRO/TRN, statement line id), and the same
// payment entered twice — under two Idempotency-Keys, typed differently — is refused 409 with
// nothing written: its amount no longer lands on the prepaid account as surplus (issue #13).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOrder, prepaidBalance } from '../../../server/features/services';
import { addGuideProducts, allEvents, expectStatus, manualOrder, registerPerson, startApi, type ApiWorld } from './support';

let world: ApiWorld;
let customerId: string;
let orderId: string;
let rfReference: string;

const transfer = (bankReference: unknown) => ({
  method: 'bank_transfer',
  amountCents: 3172,
  receivedOn: '2026-11-25',
  payer: 'Mario Rossi',
  reason: `saldo ${rfReference}`,
  ...(bankReference === undefined ? {} : { bankReference }),
});

beforeAll(async () => {
  world = await startApi();
  await addGuideProducts(world);
  customerId = await registerPerson(world);
  const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'direct', method: 'bank_transfer' })), 201).json();
  orderId = placed.id;
  rfReference = placed.rfReference;
}, 30_000);
afterAll(async () => {
  await world?.close();
});

describe("the bank's reference of a payment", () => {
  it('is required, and the refusal names the field', async () => {
    const missing = expectStatus(await world.accountant.post('/api/payments', transfer(undefined)), 400).json();
    expect(missing).toMatchObject({ code: 'input_invalid', errors: { bankReference: expect.stringMatching(/required.*CRO\/TRN/) } });
    const blank = expectStatus(await world.accountant.post('/api/payments', transfer('   ')), 400).json();
    expect(blank).toMatchObject({ code: 'bank_reference_required', errors: { bankReference: expect.stringMatching(/required/) } });
    const wrong = expectStatus(await world.accountant.post('/api/payments', transfer('CRO#1')), 400).json();
    expect(wrong).toMatchObject({ code: 'bank_reference_format', errors: { bankReference: expect.stringMatching(/only letters, digits/) } });
    // Nothing was written by the refusals: no payment, no claim.
    const types = (await allEvents(world.store)).map((e) => e.type);
    expect(types).not.toContain('PaymentRecorded');
    expect(types).not.toContain('BankReferenceClaimed');
  });

  it('is recorded normalised: upper case, without spaces', async () => {
    const first = expectStatus(await world.accountant.post('/api/payments', transfer(' 0306909912345 trn '), { 'idempotency-key': 'statement-line-1' }), 201).json();
    expect(first).toMatchObject({ matchStatus: 'reference_found', orderId, bankReference: '0306909912345TRN' });
    await world.idle();
    expect((await getOrder(world.app.sales, orderId)).status).toBe('paid');
    expect(await prepaidBalance(world.app.sales, customerId)).toBe(0);
  });

  it('the same payment entered again under another Idempotency-Key is refused 409, and the balance is unchanged', async () => {
    const head = await world.store.headPosition();
    const again = expectStatus(await world.accountant.post('/api/payments', transfer('0306 9099 1234 5TRN'), { 'idempotency-key': 'statement-line-1-again' }), 409).json();
    expect(again).toMatchObject({
      code: 'bank_reference_taken',
      message: expect.stringMatching(/^bankReference: 0306909912345TRN has already been recorded/),
      errors: { bankReference: expect.any(String) },
    });
    // Nor by the supervisor, nor in lower case.
    const typed = expectStatus(await world.supervisor.post('/api/payments', transfer('0306909912345trn'), { 'idempotency-key': 'another' }), 409).json();
    expect(typed.code).toBe('bank_reference_taken');
    await world.idle();
    // Nothing recorded but the keys' own first answers (kept so that a retry gets the refusal again).
    const appended: string[] = [];
    for await (const e of world.store.readAll({ after: head })) appended.push(e.stream);
    expect(appended.filter((stream) => !stream.startsWith('idempotency-'))).toEqual([]);
    expect(await prepaidBalance(world.app.sales, customerId)).toBe(0);
    const order = await getOrder(world.app.sales, orderId);
    expect(order).toMatchObject({ status: 'paid', receivedCents: 3172 });
    expect(order.paymentIds).toHaveLength(1);
  });

  it('the same request again under the same Idempotency-Key gets the first answer', async () => {
    const repeat = expectStatus(await world.accountant.post('/api/payments', transfer(' 0306909912345 trn '), { 'idempotency-key': 'statement-line-1' }), 201).json();
    expect(repeat).toMatchObject({ bankReference: '0306909912345TRN', orderId });
  });

  it('the payments list shows it, and finds it however it is typed (filter and search)', async () => {
    const list = async (filter: object) =>
      expectStatus(await world.accountant.get(`/api/payments?filter=${encodeURIComponent(JSON.stringify(filter))}`), 200).json<Array<Record<string, unknown>>>();
    const [row, ...others] = await list({ bankReference: '0306 9099 1234 5trn' });
    expect(others).toEqual([]);
    expect(row).toMatchObject({ bankReference: '0306909912345TRN', orderId, amountCents: 3172 });
    expect((await list({ q: '0306909912345trn' })).map((p) => p.id)).toEqual([row!.id]);
    expect((await list({ q: '0306 9099 1234' })).map((p) => p.id)).toEqual([row!.id]);
  });

  it('another payment under another reference is recorded: its surplus is credited as before', async () => {
    const other = expectStatus(await world.accountant.post('/api/payments', transfer('CRO 0306 9099 99'), { 'idempotency-key': 'statement-line-2' }), 201).json();
    expect(other.bankReference).toBe('CRO0306909999');
    await world.idle();
    expect(await prepaidBalance(world.app.sales, customerId)).toBe(3172);
  });
});
