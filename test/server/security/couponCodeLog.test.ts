// No coupon code ever reaches the log. A realistic session on the whole app (reactors, e-mails,
// projections) with the production logger at its most talkative level: orders are placed and
// fulfilled (codes issued, e-mailed, resent), then the codes are looked up every way a person can
// (the console's coupon list by code and by search, the other lists' search boxes, the public
// JSON check, the page the e-mail links to; typed in lower case, with spaces, hyphens or Unicode
// dashes, percent-encoded once or twice, with `+` for spaces as a form sends them). The WHOLE log
// output is then searched for every issued code in every normalised form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../../server/logger';
import { getOrder } from '../../../server/features/services';
import { addGuideProducts, expectStatus, manualOrder, registerPerson, startApi, topUp, type ApiWorld } from '../api/support';

const lines: string[] = [];
let world: ApiWorld;
let orderIds: string[] = [];
let couponIds: string[] = [];
let codes: string[] = [];

/** Every way a person may type a code (canonical: K7Q2-9XMD-4HRT-0ZBW-J8NC). */
function typings(code: string): string[] {
  const plain = code.replace(/-/g, '');
  const groups = code.split('-');
  return [
    code,
    code.toLowerCase(),
    plain,
    plain.toLowerCase(),
    groups.join(' ').toLowerCase(),
    groups.join('  '),
    ` ${groups.join(' - ')} `,
    ...['\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212'].map((dash) => groups.join(dash)),
    groups.join('-').replace(/0/g, 'O').replace(/1/g, 'l'),
    `${groups.slice(0, 2).join('')} ${groups.slice(2).join('-').toLowerCase()}`,
  ];
}

/** Every character percent-encoded, as some tools and copy-pastes send them. */
const fullyEncoded = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
/** How an HTML form (GET) encodes a field: `+` for spaces. */
const formEncoded = (text: string) => encodeURIComponent(text).replace(/%20/g, '+');
const jsonParam = (value: unknown) => encodeURIComponent(JSON.stringify(value));

beforeAll(async () => {
  world = await startApi({ logger: { ...loggerOptions('trace'), stream: { write: (line: string) => void lines.push(line) } } });
  await addGuideProducts(world);
  const customerId = await registerPerson(world);
  await topUp(world, customerId, 20_000);
  for (const [product, quantity] of [['RIN-FIRMA', 2], ['RIN-FIRMA-CNS', 1]] as const) {
    orderIds.push(expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' }, product, quantity)), 201).json().id);
  }
  // And one paid at the desk by card.
  const desk = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'direct', method: 'credit_card' })), 201).json();
  expectStatus(await world.operator.post(`/api/orders/${desk.id}/desk-payment`, { method: 'credit_card', amountCents: 3172 }), 200);
  orderIds.push(desk.id);
  await world.smtp.waitForMessages(3);
  await world.idle();
  for (const id of orderIds) couponIds.push(...(await getOrder(world.app.sales, id)).fulfilment!.couponIds);
  codes = await Promise.all(couponIds.map(async (id) => ((await world.store.readStream(`coupon-${id}`))[0]!.data as { code: string }).code));
  expect(codes).toHaveLength(4);
}, 60_000);
afterAll(async () => {
  await world?.close();
});

describe('a session that issues coupon codes and looks them up every way', () => {
  it('writes none of them to the log, in any form', async () => {
    // The desk sends the codes again, and reads the coupons and the orders.
    for (const id of orderIds) expectStatus(await world.operator.post(`/api/orders/${id}/resend-coupons`), 200);
    await world.idle();
    for (const id of couponIds) expectStatus(await world.operator.get(`/api/coupons/${id}`), 200);
    await world.operator.get(`/api/coupons?sort=${jsonParam(['issuedAt', 'DESC'])}&range=${jsonParam([0, 24])}`);
    await world.accountant.get(`/api/audit-events?range=${jsonParam([0, 99])}`);

    let lookups = 0;
    for (const code of codes) {
      for (const typed of typings(code)) {
        const asked = [
          // The console: the coupon list filtered by code, and its search box.
          world.operator.get(`/api/coupons?filter=${jsonParam({ code: typed })}&range=${jsonParam([0, 24])}&sort=${jsonParam(['issuedAt', 'DESC'])}`),
          world.supervisor.get(`/api/coupons?filter=${jsonParam({ q: typed })}`),
          world.operator.get(`/api/coupons?filter=${fullyEncoded(JSON.stringify({ code: typed }))}`),
          world.accountant.get(`/api/coupons?filter=${jsonParam({ q: typed })}`),
          // A code pasted into another list's search box.
          world.operator.get(`/api/orders?filter=${jsonParam({ q: typed })}`),
          world.operator.get(`/api/customers?filter=${jsonParam({ q: typed })}`),
          world.accountant.get(`/api/audit-events?filter=${jsonParam({ q: typed })}`),
          // The public check, as JSON and as the page the e-mail links to (a form: + for spaces).
          world.anonymous.get(`/api/public/coupons/${encodeURIComponent(typed)}/status`),
          world.anonymous.request('HEAD', `/api/public/coupons/${fullyEncoded(typed)}/status`),
          world.anonymous.get(`/verifica-coupon?codice=${formEncoded(typed)}`),
          world.anonymous.get(`/verifica-coupon?codice=${encodeURIComponent(encodeURIComponent(typed))}`),
          world.anonymous.get(`/verifica-coupon?codice=${fullyEncoded(typed)}&x=1`),
          // Wrong method, unknown parameters, unknown routes: answered by the refusals.
          world.anonymous.post(`/api/public/coupons/${encodeURIComponent(typed)}/status`),
          world.operator.get(`/api/coupons?code=${formEncoded(typed)}`),
          world.anonymous.get(`/api/coupons/${encodeURIComponent(typed)}`),
          world.operator.get(`/api/coupons/${encodeURIComponent(typed)}`),
        ];
        // The console's pages are logged at warn only; the code must not be in those lines either.
        await world.anonymous.get(`/coupon/${encodeURIComponent(typed)}?c=${fullyEncoded(typed)}`);
        lookups += asked.length;
        await Promise.all(asked);
      }
    }
    await world.idle();
    await world.close();

    // Not vacuous: the lookups were logged, answered as they should be.
    const records = lines.map((line) => JSON.parse(line) as Record<string, any>);
    const incoming = records.filter((r) => r.msg === 'incoming request');
    expect(incoming.length).toBeGreaterThan(lookups);

    // The whole output, as written, then every string in it percent-decoded and normalised as a
    // code is read (case, separators and anything else not a letter or digit dropped, O → 0, I
    // and L → 1): no code may appear in either.
    const text = lines.join('');
    const strings: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') strings.push(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    records.forEach(collect);
    const normalise = (s: string) =>
      s.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1').replace(/[^0-9A-Z]/g, '');
    const decodedOnce = (s: string) => s.replace(/\+/g, ' ').replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
    const normalisedLog = strings.map((s) => normalise(decodedOnce(decodedOnce(s)))).join('\n');
    for (const code of codes) {
      for (const form of new Set([...typings(code), encodeURIComponent(code), fullyEncoded(code), formEncoded(code.split('-').join(' '))])) {
        expect(text.includes(form), `the log holds ${JSON.stringify(form)}`).toBe(false);
      }
      const plain = code.replace(/-/g, '');
      expect(normalisedLog.includes(plain), `the log holds ${code} in some form`).toBe(false);
    }
    // What the log says instead: the hint on the public check, only the keys of the code queries.
    expect(incoming.map((r) => r.req.url)).toContain(`/api/public/coupons/****-****-****-****-${codes[0]!.slice(-4)}/status`);
    expect(incoming.map((r) => r.req.url)).toContain('/api/coupons?filter=[redacted]&range=[redacted]&sort=[redacted]');
    expect(incoming.map((r) => r.req.url)).toContain('/verifica-coupon?codice=[redacted]');
  }, 180_000);
});
