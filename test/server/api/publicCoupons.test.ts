// "Verifica Stato Coupon" over HTTP, without logging in: malformed, mistyped, unknown, issued,
// redeemed and cancelled codes; the answer holds no personal data.
import { randomBytes } from 'node:crypto';
import { handleCommand } from '../../../server/commands/handle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { couponAggregate, redeemCoupon } from '../../../domain/coupons/decider';
import { COUPON_ALPHABET, checkCouponCode, generateCouponCode } from '../../../domain/shared/couponCode';
import { getOrder } from '../../../server/features/services';
import { addGuideProducts, codesIn, expectStatus, manualOrder, MARIO_CF, registerPerson, startApi, topUp, type ApiWorld } from './support';

let world: ApiWorld;
let orderId: string;
let couponIds: string[];
let codes: string[];
let customerId: string;

const status = (code: string) => world.anonymous.get(`/api/public/coupons/${encodeURIComponent(code)}/status`);

/** The code with one symbol changed so that its check symbol no longer matches. */
function mistype(code: string): string {
  for (let i = 0; i < code.length; i++) {
    if (code[i] === '-') continue;
    for (const c of COUPON_ALPHABET) {
      if (c === code[i]) continue;
      const typo = code.slice(0, i) + c + code.slice(i + 1);
      const checked = checkCouponCode(typo);
      if (!checked.ok && checked.rule === 'mistyped') return typo;
    }
  }
  throw new Error('no typo found');
}

beforeAll(async () => {
  world = await startApi();
  await addGuideProducts(world);
  customerId = await registerPerson(world);
  await topUp(world, customerId, 10_000);
  orderId = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' }, 'RIN-FIRMA', 3)), 201).json().id;
  const [mail] = await world.smtp.waitForMessages(1);
  await world.idle();
  couponIds = (await getOrder(world.app.sales, orderId)).fulfilment!.couponIds;
  const byId = await Promise.all(couponIds.map(async (id) => ((await world.store.readStream(`coupon-${id}`))[0]!.data as { code: string }).code));
  codes = byId;
  expect(codesIn(mail!.text ?? '').sort()).toEqual([...byId].sort());
});
afterAll(async () => {
  await world?.close();
});

describe('GET /api/public/coupons/:code/status (no login)', () => {
  it('an issued coupon: its state, what it renews, until when; nothing personal', async () => {
    const answer = expectStatus(await status(codes[0]!), 200);
    const body = answer.json();
    expect(body).toEqual({ code: codes[0], state: 'issued', renews: 'signing', validUntil: '2027-11-24T09:00:00.000Z', redeemedAt: null });
    for (const personal of [customerId, orderId, couponIds[0]!, MARIO_CF, 'mario', 'Rossi']) expect(answer.text.toLowerCase()).not.toContain(personal.toLowerCase());
  });

  it('accepts the code however it is typed: lower case, without dashes, O for 0', async () => {
    const typed = codes[0]!.replace(/-/g, '').toLowerCase();
    expect(expectStatus(await status(typed), 200).json()).toMatchObject({ code: codes[0], state: 'issued' });
    expect(expectStatus(await status(codes[0]!.replace(/-/g, ' ')), 200).json().code).toBe(codes[0]);
  });

  it('malformed → 400 "not a coupon code"', async () => {
    for (const code of ['hello', 'K7Q2-9XMD', '!!!!-9XMD-4HRT-0ZBW-J8NC', 'x'.repeat(99)]) {
      const body = expectStatus(await status(code), 400).json();
      expect(body).toMatchObject({ statusCode: 400, code: 'coupon_code_malformed', message: expect.stringMatching(/^not a coupon code/) });
    }
  });

  it('mistyped (the check character does not match) → 400 "mistyped: check character does not match"', async () => {
    const body = expectStatus(await status(mistype(codes[0]!)), 400).json();
    expect(body).toMatchObject({ code: 'coupon_code_mistyped', message: 'mistyped: check character does not match' });
  });

  it('a well-formed code that no coupon has → 404', async () => {
    let unknown = generateCouponCode(randomBytes);
    while (codes.includes(unknown)) unknown = generateCouponCode(randomBytes);
    expect(expectStatus(await status(unknown), 404).json()).toMatchObject({ code: 'coupon_not_found', message: 'no coupon has this code' });
  });

  it('a redeemed coupon shows when it was used; a refunded one is cancelled', async () => {
    await handleCommand(world.app.sales, `coupon-${couponIds[1]}`, couponAggregate, (s) => redeemCoupon({ deviceSerial: '1205100000', certificateKind: 'signing', at: world.clock.now().toISOString() }, s), {
      actor: { userId: 'kiosk', role: 'operator' },
      at: world.clock.now().toISOString(),
      correlationId: '11111111-1111-4111-8111-111111111111',
      causationId: null,
    });
    expect(expectStatus(await status(codes[1]!), 200).json()).toMatchObject({ state: 'redeemed', redeemedAt: world.clock.now().toISOString() });

    expectStatus(await world.supervisor.post(`/api/orders/${orderId}/refund`, { couponIds: [couponIds[2]], refundTo: 'prepaid' }), 200);
    expect(expectStatus(await status(codes[2]!), 200).json()).toMatchObject({ state: 'cancelled', redeemedAt: null });
  });

  it('the page the e-mail links to, /verifica-coupon, answers the same in Italian, without login or script', async () => {
    const page = (code?: string) => world.anonymous.get(`/verifica-coupon${code === undefined ? '' : `?codice=${encodeURIComponent(code)}`}`);
    const empty = expectStatus(await page(), 200);
    expect(empty.headers.get('content-type')).toMatch(/^text\/html/);
    expect(empty.text).toContain('<label for="codice">Codice coupon</label>');
    expect(empty.text).not.toMatch(/<script/i);

    const issued = expectStatus(await page(codes[0]!.toLowerCase()), 200).text;
    expect(issued).toContain(codes[0]!);
    expect(issued).toContain('valido, non ancora utilizzato');
    expect(issued).toContain('certificato di Sottoscrizione (firma)');
    expect(issued).toContain('24/11/2027'); // valid until, in Rome
    for (const personal of [customerId, orderId, MARIO_CF, 'Rossi']) expect(issued).not.toContain(personal);

    expect(expectStatus(await page(codes[1]!), 200).text).toContain('già utilizzato');
    expect(expectStatus(await page(codes[2]!), 200).text).toContain('annullato');
    expect(expectStatus(await page(mistype(codes[0]!)), 400).text).toContain('errore di battitura');
    let unknown = generateCouponCode(randomBytes);
    while (codes.includes(unknown)) unknown = generateCouponCode(randomBytes);
    expect(expectStatus(await page(unknown), 404).text).toContain(`Nessun coupon ha il codice ${unknown}`);

    const injected = expectStatus(await page('"><script>alert(1)</script>'), 400).text;
    expect(injected).not.toContain('<script>alert(1)</script>');
    expect(injected).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('/rinnovo gives the renewal steps of the e-mail, and leads to the check', async () => {
    const page = expectStatus(await world.anonymous.get('/rinnovo'), 200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('Rinnovo dei certificati con il codice coupon');
    expect(page.text).toContain('entro 24 ore dalla scadenza');
    expect(page.text).toContain('Inserisca il codice coupon e prosegua');
    expect(page.text).toContain('href="/verifica-coupon"');
  });

  it('an issued coupon past its validity shows as expired', async () => {
    world.clock.advance(400 * 24 * 3_600_000);
    expect(expectStatus(await status(codes[0]!), 200).json()).toMatchObject({ state: 'expired' });
  });
});
