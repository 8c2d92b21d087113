// The read API over HTTP, logged in: the simple-rest format (array, Content-Range), sort, range,
// filters, q, one, many, the 400s, who sees what, the audit trail, and read-your-writes.
import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIDDEN } from '../../../projections/readModels/auditEvents';
import { couponCodeHint } from '../../../domain/shared/couponCode';
import { formatRf } from '../../../domain/shared/rfReference';
import { answerAfterProjections } from '../../../server/read/readYourWrites';
import { resources } from '../../../server/read/resources';
import { addUser, login, type TestApp } from '../security/support';
import { append, OPERATOR, seedAll, startReadApp, type SeededBusiness } from './fixtures';

let t: TestApp;
let s: SeededBusiness;
let copy1: SeededBusiness;
const cookies: Record<'operator' | 'accountant' | 'supervisor' | 'admin', string> = { operator: '', accountant: '', supervisor: '', admin: '' };

const logInAll = async () => {
  for (const role of ['operator', 'accountant', 'supervisor', 'admin'] as const) cookies[role] = await login(t.app, `only-${role}`);
};

beforeAll(async () => {
  t = await startReadApp();
  for (const role of ['operator', 'accountant', 'supervisor', 'admin'] as const) await addUser(t.store, `only-${role}`, [role]);
  await logInAll();
  const seeded = await seedAll(t.store, 2);
  s = seeded.first;
  copy1 = seeded.all[1]!;
  expect(await t.app.projections.waitFor(seeded.head, undefined, 10_000)).toBe(true);
});
afterAll(async () => {
  await t?.close();
});

type Query = { sort?: unknown; range?: unknown; filter?: unknown };

function url(resource: string, query: Query = {}): string {
  const params = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`);
  return `/api/${resource}${params.length ? `?${params.join('&')}` : ''}`;
}

async function get(path: string, as: keyof typeof cookies = 'accountant') {
  return t.app.inject({ method: 'GET', url: path, headers: { cookie: cookies[as] } });
}

async function list(resource: string, query: Query = {}, as: keyof typeof cookies = 'accountant') {
  const response = await get(url(resource, query), as);
  expect(response.statusCode, response.body).toBe(200);
  return { rows: response.json() as Array<Record<string, any>>, range: response.headers['content-range'] };
}

const ids = (rows: Array<Record<string, any>>) => rows.map((r) => r.id).sort();

describe('lists in the simple-rest format', () => {
  it('pages with range, sorts, and puts the total in Content-Range', async () => {
    const first = await list('orders', { sort: ['placedAt', 'DESC'], range: [0, 3] });
    expect(first.range).toBe('orders 0-3/10');
    expect(first.rows).toHaveLength(4);
    const times = first.rows.map((r) => r.placedAt as string);
    expect([...times].sort().reverse()).toEqual(times);
    const second = await list('orders', { sort: ['placedAt', 'DESC'], range: [4, 7] });
    expect(second.range).toBe('orders 4-7/10');
    expect(second.rows[0]!.placedAt <= times[3]!).toBe(true);
    const last = await list('orders', { sort: ['placedAt', 'DESC'], range: [8, 11] });
    expect(last.range).toBe('orders 8-9/10');
    expect(await list('orders', { range: [20, 24] })).toEqual({ rows: [], range: 'orders */10' });
    // Without parameters: the default sort and the first 25.
    const plain = await list('customers');
    expect(plain.range).toBe('customers 0-7/8');
    expect(plain.rows.map((r) => r.fullName)).toEqual(['Laura Bianchi', 'Laura Bianchi', 'Mario Rossi', 'Mario Rossi', 'Studio Verdi S.r.l.', 'Studio Verdi S.r.l.', 'Giuseppe Verdi', 'Giuseppe Verdi']);
    const byBalance = await list('customers', { sort: ['prepaidBalanceCents', 'DESC'], range: [0, 0] });
    expect(byBalance.rows[0]).toMatchObject({ fullName: 'Mario Rossi', prepaidBalanceCents: 6340 });
  });

  it('answers rows in camelCase, with money in cents, booleans and JSON fields decoded', async () => {
    const { rows } = await list('orders', { filter: { id: s.orders.o2 } });
    expect(rows).toEqual([
      expect.objectContaining({
        id: s.orders.o2,
        customerId: s.customers.laura,
        customerName: 'Laura Bianchi',
        status: 'awaiting_payment',
        paymentMode: 'direct',
        paymentMethod: 'bank_transfer',
        rfReference: s.rf.o2,
        totalCents: 6710,
        amountPaidCents: 3000,
        amountDueCents: 3710,
        lineCount: 2,
        couponCount: 5,
        lines: [expect.objectContaining({ productCode: 'RIN-FIRMA', quantity: 3, taxableCents: 3300 }), expect.objectContaining({ productCode: 'RIN-CNS', quantity: 2 })],
        vatSummary: [{ rateBp: 2200, taxableCents: 5500, vatCents: 1210, totalCents: 6710 }],
        invoiceDisplayNumber: null,
      }),
    ]);
    const laura = await get(`/api/customers/${s.customers.laura}`);
    expect(laura.json()).toMatchObject({ registrationOfficer: true, billingAddress: { city: 'Torino' }, email: 'laura.bianchi0@studio.it' });
  });

  it('filters by field values, arrays of values, ranges of amounts and of dates', async () => {
    expect(ids((await list('orders', { filter: { status: 'awaiting_payment' } })).rows)).toEqual([s.orders.o2, copy1.orders.o2].sort());
    expect((await list('orders', { filter: { status: ['cancelled', 'expired'] } })).range).toBe('orders 0-3/4');
    expect((await list('orders', { filter: { status: 'awaiting_payment', paymentMode: 'prepaid' } })).range).toBe('orders */0');
    expect(ids((await list('orders', { filter: { customerId: s.customers.mario } })).rows)).toEqual([s.orders.o1, s.orders.o5].sort());
    expect((await list('orders', { filter: { totalCents_gte: 3000, totalCents_lte: 4000 } })).rows.map((r) => r.totalCents)).toEqual([3660, 3660]);
    // Placed on 2026-03-13 (O1, both copies) and 2026-03-14 (O2): a date alone in _lte is the whole day.
    expect((await list('orders', { filter: { placedAt_gte: '2026-03-13', placedAt_lte: '2026-03-13' } })).rows.map((r) => r.id).sort()).toEqual([s.orders.o1, copy1.orders.o1].sort());
    expect((await list('orders', { filter: { placedAt_gte: '2026-03-13T09:00:30Z', placedAt_lte: '2026-03-14T09:00:00.000Z' } })).rows.map((r) => r.id).sort()).toEqual([copy1.orders.o1, s.orders.o2].sort());
    expect((await list('payments', { filter: { matched: false } })).rows.map((r) => r.id).sort()).toEqual([s.payments.unmatched, copy1.payments.unmatched].sort());
    expect((await list('invoices', { filter: { year: 2026, number: 2 } })).rows.map((r) => r.id)).toEqual([s.invoices.o3.id]);
    expect((await list('invoices', { filter: { year: '2026', number_gte: 3 }, sort: ['displayNumber', 'ASC'] })).rows.map((r) => r.displayNumber)).toEqual(['3/2026', '4/2026']);
    expect((await list('credit-notes', { filter: { invoiceId: s.invoices.o3.id } })).rows).toEqual([
      expect.objectContaining({ id: s.creditNote.id, displayNumber: '1/2026', invoiceDisplayNumber: '2/2026', totalCents: 1342, couponIds: [s.coupons.o3b.id] }),
    ]);
    expect((await list('emails', { filter: { state: 'failed' } })).rows.map((r) => r.id).sort()).toEqual([s.emails.resend, copy1.emails.resend].sort());
    expect((await list('prepaid-movements', { filter: { customerId: s.customers.mario }, sort: ['at', 'ASC'] })).rows.map((r) => [r.kind, r.amountCents])).toEqual([
      ['top_up', 10_000],
      ['debit', -3660],
    ]);
    expect((await list('products', { filter: { withdrawn: false, renews: 'signing' }, sort: ['priceCents', 'ASC'] })).rows.map((r) => r.id).sort()).toEqual(['RIN-FIRMA', 'RIN-FIRMA-COMM']);
    expect((await list('customers', { filter: { codiceFiscale: 'rssmra80a01h501u' } })).range).toBe('customers 0-1/2');
  });

  it('searches with q: names, codice fiscale, RF reference (even typed with spaces), invoice number', async () => {
    expect(ids((await list('orders', { filter: { q: 'rossi' } })).rows)).toEqual([s.orders.o1, s.orders.o5, copy1.orders.o1, copy1.orders.o5].sort());
    expect(ids((await list('orders', { filter: { q: 'studio VERDI' } })).rows)).toEqual([s.orders.o3, copy1.orders.o3].sort());
    expect(ids((await list('orders', { filter: { q: formatRf(s.rf.o2) } })).rows)).toEqual([s.orders.o2]);
    expect(ids((await list('orders', { filter: { q: s.rf.o3.slice(0, 8).toLowerCase() } })).rows)).toEqual([s.orders.o3]);
    expect(ids((await list('orders', { filter: { q: '2/2026' } })).rows)).toEqual([s.orders.o3]);
    expect(ids((await list('customers', { filter: { q: 'bianchi' } })).rows)).toEqual([s.customers.laura, copy1.customers.laura].sort());
    expect(ids((await list('customers', { filter: { q: 'RSSMRA80' } })).rows)).toEqual([s.customers.mario, copy1.customers.mario].sort());
    expect(ids((await list('customers', { filter: { q: 'mario rossi1' } })).rows)).toEqual([copy1.customers.mario]);
    expect(ids((await list('invoices', { filter: { q: 'Studio' } })).rows)).toEqual([s.invoices.o3.id, copy1.invoices.o3.id].sort());
    expect(ids((await list('payments', { filter: { q: 'ignoto' } })).rows)).toEqual([s.payments.unmatched, copy1.payments.unmatched].sort());
    expect(ids((await list('devices', { filter: { q: s.devices.giuseppe } })).rows)).toEqual([s.devices.giuseppe]);
    expect((await list('products', { filter: { q: 'commercialisti' } })).rows.map((r) => r.id)).toEqual(['RIN-FIRMA-COMM']);
    expect((await list('orders', { filter: { q: 'nobody-at-all' } })).range).toBe('orders */0');
    // q combines with the field filters.
    expect(ids((await list('orders', { filter: { q: 'rossi', status: 'expired' } })).rows)).toEqual([s.orders.o5, copy1.orders.o5].sort());
  });

  it('reads one by id (404 when unknown), and many with filter={"id":[...]}', async () => {
    const one = await get(`/api/invoices/${s.invoices.o1.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: s.invoices.o1.id, displayNumber: '1/2026', buyerName: 'Mario Rossi', seller: { name: 'Firme Digitali S.r.l.' } });
    const missing = await get('/api/orders/no-such-order');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'order_not_found', message: 'order no-such-order not found' });
    const wanted = [s.orders.o1, s.orders.o3, copy1.orders.o4, 'unknown'];
    const many = await get(url('orders', { filter: { id: wanted } }));
    expect(ids(many.json())).toEqual([s.orders.o1, s.orders.o3, copy1.orders.o4].sort());
    expect(many.headers['content-range']).toBe('orders 0-2/3');
  });
});

describe('malformed or unknown input is a 400 naming the parameter and the rule', () => {
  it.each([
    [{ sort: ['nope', 'ASC'] }, /^sort: "nope" is not a sortable field of orders; sort by one of id, .*placedAt/],
    [{ sort: ['lines', 'ASC'] }, /^sort: "lines" is not a sortable field/],
    [{ sort: ['placedAt', 'UP'] }, /^sort: the order must be "ASC" or "DESC"/],
    [{ sort: '["placedAt"' }, /^sort: must be JSON like \["id","ASC"\]/],
    [{ sort: '{"a":1}' }, /^sort: must be \[field, "ASC" \| "DESC"\]/],
    [{ range: '[0,' }, /^range: must be JSON like \[0,24\]/],
    [{ range: [5, 1] }, /^range: last must not be before first/],
    [{ range: [0, 5000] }, /^range: at most 1000 rows at a time/],
    [{ range: [-1, 3] }, /^range: must be \[first, last\]/],
    [{ filter: '{bad' }, /^filter: must be JSON like \{"q":"rossi"\}/],
    [{ filter: '[]' }, /^filter: must be a JSON object/],
    [{ filter: { nope: 1 } }, /^filter.nope: unknown filter; orders can be filtered by id, q, customerId, status/],
    [{ filter: { status: 'lost' } }, /^filter.status: must be one of awaiting_payment, paid, fulfilled/],
    [{ filter: { totalCents_gte: 'much' } }, /^filter.totalCents_gte: must be a whole number/],
    [{ filter: { placedAt_gte: 'yesterday' } }, /^filter.placedAt_gte: must be a date YYYY-MM-DD or an ISO-8601 date-time/],
    [{ filter: { id: { $ne: 1 } } }, /^filter.id: must be a string/],
    [{ filter: { q: 42 } }, /^filter.q: must be a string/],
    [{ filter: { lines: 'x' } }, /^filter.lines: unknown filter/],
  ])('%j', async (query, message) => {
    const response = await get(url('orders', query as Query));
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'input_invalid', message: expect.stringMatching(message) });
  });

  it('names inherited by every object ("constructor", "__proto__", "toString") are unknown filters, not a 500', async () => {
    for (const resource of ['devices', 'orders', 'audit-events']) {
      for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'constructor_gte', 'valueOf_lte']) {
        const response = await get(`/api/${resource}?filter=${encodeURIComponent(`{"${key}":1}`)}`);
        expect(response.statusCode, `${resource} ${key}: ${response.body}`).toBe(400);
        expect(response.json().message).toMatch(new RegExp(`^filter\\.${key}: unknown filter; ${resource} can be filtered by id`));
      }
    }
  });

  it('refuses unknown or repeated query parameters too', async () => {
    const extra = await get('/api/orders?page=2');
    expect(extra.statusCode).toBe(400);
    expect(extra.json().message).toMatch(/querystring/);
    const twice = await get('/api/orders?sort=%5B%22id%22%2C%22ASC%22%5D&sort=%5B%22id%22%2C%22ASC%22%5D');
    expect(twice.statusCode).toBe(400);
    expect(twice.json().message).toMatch(/querystring.sort/);
  });

  it('audit events: unknown types are refused; ids are positions', async () => {
    const response = await get(url('audit-events', { filter: { type: 'OrderDreamedOf' } }));
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/^filter.type: must be one of StaffUsernameClaimed, /);
    expect((await get('/api/audit-events/abc')).statusCode).toBe(404);
  });
});

describe('devices: days to expiry, computed at query time', () => {
  it('counts whole days from the server clock, tells the renewal window under the policy, filters near expiry and by window', async () => {
    const { rows } = await list('devices', { filter: { id: [s.devices.mario, s.devices.laura, s.devices.giuseppe, s.devices.firm] }, sort: ['daysToExpiry', 'ASC'] });
    expect(rows.map((r) => [r.id, r.daysToExpiry, r.windowState])).toEqual([
      [s.devices.giuseppe, -5, 'closed'],
      [s.devices.laura, -1, 'in_grace'],
      [s.devices.mario, 10, 'open'],
      [s.devices.firm, 584, 'not_yet'],
    ]);
    expect(rows[2]).toMatchObject({ signingValidUntil: '2026-12-04T09:00:00.000Z', authenticationValidUntil: '2027-01-03T09:00:00.000Z', expiresAt: '2026-12-04T09:00:00.000Z', holderCodiceFiscale: 'RSSMRA80A01H501U' });
    // The guides' window (no policy set: GUIDE_POLICY): 90 days before, 24 hours after, per certificate and for the device.
    expect(rows[2]).toMatchObject({
      policyId: 'default',
      signingWindowOpensAt: '2026-09-05T09:00:00.000Z',
      signingWindowClosesAt: '2026-12-05T09:00:00.000Z',
      authenticationWindowClosesAt: '2027-01-04T09:00:00.000Z',
      windowOpensAt: '2026-09-05T09:00:00.000Z',
      windowClosesAt: '2026-12-05T09:00:00.000Z',
    });
    expect(ids((await list('devices', { filter: { expiringWithinDays: 30 } })).rows)).toEqual([s.devices.mario, s.devices.laura, copy1.devices.mario, copy1.devices.laura].sort());
    expect(ids((await list('devices', { filter: { windowState: 'closed' } })).rows)).toEqual([s.devices.giuseppe, copy1.devices.giuseppe].sort());
    expect(ids((await list('devices', { filter: { windowState: ['open', 'in_grace'] } })).rows)).toEqual([s.devices.mario, s.devices.laura, copy1.devices.mario, copy1.devices.laura].sort());
    expect((await list('devices', { filter: { windowState: ['not_yet', 'open', 'in_grace'], holderCodiceFiscale: 'RSSMRA80A01H501U' } })).range).toBe('devices 0-3/4');
    const badState = await get(url('devices', { filter: { windowState: 'needs_replacement' } }));
    expect(badState.statusCode).toBe(400);
    expect(badState.json().message).toBe('filter.windowState: must be one of not_yet, open, in_grace, closed (or an array of them)');
    const bad = await get(url('devices', { filter: { expiringWithinDays: -3 } }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBe('filter.expiringWithinDays: must be a whole number of days from 0 to 3650');

    // 13 hours later (sessions idle that long have ended: log in again), Laura's token is past the grace.
    t.clock.advance(13 * 3_600_000);
    try {
      await logInAll();
      const later = (await get(`/api/devices/${s.devices.laura}`)).json();
      expect(later).toMatchObject({ daysToExpiry: -2, windowState: 'closed' });
      expect((await get(`/api/devices/${s.devices.mario}`)).json()).toMatchObject({ daysToExpiry: 9 });
    } finally {
      t.clock.advance(-13 * 3_600_000);
      await logInAll();
    }
  });
});

describe('who sees what', () => {
  it('shows coupon codes to operators and supervisors, only the hint to accountants, and searches by code for the desk only', async () => {
    const code = s.coupons.o3a.code;
    expect((await get(`/api/coupons/${s.coupons.o3a.id}`, 'operator')).json()).toMatchObject({ code, codeHint: couponCodeHint(code), state: 'issued' });
    expect((await get(`/api/coupons/${s.coupons.o3a.id}`, 'supervisor')).json()).toMatchObject({ code });
    const accountantView = await get(`/api/coupons/${s.coupons.o3a.id}`, 'accountant');
    expect(accountantView.json()).toMatchObject({ code: couponCodeHint(code), codeHint: couponCodeHint(code) });
    expect(accountantView.body).not.toContain(code.slice(0, 9));
    const accountantList = await get(url('coupons', { range: [0, 99] }), 'accountant');
    for (const coupon of [s.coupons.o1, s.coupons.o3a, s.coupons.o3b]) expect(accountantList.body).not.toContain(coupon.code.slice(0, 9));

    // The desk finds a coupon by its code, typed loosely; an accountant's search never looks at codes.
    const typed = code.toLowerCase().replace(/-/g, ' ');
    expect(ids((await list('coupons', { filter: { q: typed } }, 'operator')).rows)).toEqual([s.coupons.o3a.id]);
    expect((await list('coupons', { filter: { q: code } }, 'accountant')).range).toBe('coupons */0');
    expect((await list('coupons', { filter: { q: code.slice(0, 4) } }, 'accountant')).range).toBe('coupons */0');
    expect(ids((await list('coupons', { filter: { q: code.slice(-4) } }, 'accountant')).rows)).toContain(s.coupons.o3a.id);
    expect(ids((await list('coupons', { filter: { code } }, 'operator')).rows)).toEqual([s.coupons.o3a.id]);
    const refused = await get(url('coupons', { filter: { code } }), 'accountant');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toMatch(/^filter.code: not available to your role/);
  });

  it('keeps admins out of the sales data (403), the audit trail for accountants and supervisors, staff users for admins', async () => {
    for (const resource of resources) {
      const allowed = resource.access;
      for (const role of ['operator', 'accountant', 'supervisor', 'admin'] as const) {
        const response = await get(url(resource.name, { range: [0, 0] }), role);
        expect(response.statusCode, `${role} ${resource.name}`).toBe(allowed.includes(role) ? 200 : 403);
      }
    }
    expect((await get('/api/orders')).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/orders' })).statusCode).toBe(401);
    expect((await get('/api/orders', 'admin')).json()).toMatchObject({ code: 'forbidden' });
  });
});

describe('the audit trail', () => {
  it('filters by actor, by type and by time range; masks coupon codes and password hashes', async () => {
    const bySupervisor = await list('audit-events', { filter: { actorId: 'sup-1' }, range: [0, 999] });
    expect(bySupervisor.rows.length).toBeGreaterThan(0);
    expect(new Set(bySupervisor.rows.map((r) => r.actorRole))).toEqual(new Set(['supervisor']));
    expect(new Set(bySupervisor.rows.map((r) => r.type))).toEqual(
      new Set(['ProductAdded', 'ProductPriceChanged', 'ProductWithdrawn', 'CouponCancelled', 'CreditNoteNumberAssigned', 'CreditNoteIssued', 'OrderCouponsRefunded', 'PrepaidCredited', 'OrderCancelled']),
    );

    const issued = await list('audit-events', { filter: { type: 'CouponIssued' }, sort: ['at', 'ASC'], range: [0, 99] });
    expect(issued.range).toBe('audit-events 0-5/6');
    for (const row of issued.rows) {
      expect(row.data.code).toMatch(/^\*\*\*\*-\*\*\*\*-\*\*\*\*-\*\*\*\*-[0-9A-Z]{4}$/);
      expect(row).toMatchObject({ actorId: 'system', actorRole: 'system', stream: expect.stringMatching(/^coupon-/), correlationId: expect.any(String) });
    }
    const claims = await list('audit-events', { filter: { type: 'CouponCodeClaimed' }, range: [0, 99] });
    for (const row of claims.rows) {
      expect(row.stream).toMatch(/^coupon-code-\*\*\*\*-\*\*\*\*-\*\*\*\*-\*\*\*\*-[0-9A-Z]{4}$/);
      expect(row.data.code).toMatch(/^\*\*\*\*-/);
    }
    const everything = await get(url('audit-events', { range: [0, 999] }));
    for (const coupon of [s.coupons.o1, s.coupons.o3a, s.coupons.o3b]) {
      expect(everything.body).not.toContain(coupon.code);
      expect(everything.body).not.toContain(coupon.code.replace(/-/g, ''));
    }
    expect(everything.body).not.toMatch(/scrypt/);
    const created = await list('audit-events', { filter: { type: 'StaffUserCreated' }, range: [0, 9] });
    expect(created.rows.map((r) => r.data.passwordHash)).toEqual([HIDDEN, HIDDEN, HIDDEN, HIDDEN]);

    // One day of the story: 2026-03-20, the refund of copy 0 (and nothing of copy 1, a minute later).
    const day = await list('audit-events', { filter: { at_gte: '2026-03-30T09:00:00Z', at_lte: '2026-03-30T09:00:59Z' }, sort: ['at', 'ASC'], range: [0, 99] });
    expect(day.rows.map((r) => r.type)).toEqual(['CouponCancelled', 'CreditNoteNumberAssigned', 'CreditNoteIssued', 'OrderCouponsRefunded', 'PrepaidCredited']);
    expect(new Set(day.rows.map((r) => r.correlationId)).size).toBe(5);
    const byTypes = await list('audit-events', { filter: { type: ['OrderPlaced', 'OrderPaid'], actorRole: 'operator' }, range: [0, 99] });
    expect(byTypes.rows.map((r) => r.type).sort()).toEqual([...Array(10).fill('OrderPlaced'), 'OrderPaid', 'OrderPaid'].sort());
    const orderHistory = await list('audit-events', { filter: { stream: `order-${s.orders.o3}` }, sort: ['id', 'ASC'] });
    expect(orderHistory.rows.map((r) => r.type)).toEqual(['OrderPlaced', 'OrderPaymentReceived', 'OrderPaid', 'OrderFulfilled', 'OrderCouponsRefunded']);
    const one = await get(`/api/audit-events/${orderHistory.rows[0]!.id}`, 'supervisor');
    expect(one.json()).toMatchObject({ id: orderHistory.rows[0]!.id, position: orderHistory.rows[0]!.id, type: 'OrderPlaced', actorId: OPERATOR.userId, data: { orderId: s.orders.o3 } });
  });
});

describe('read-your-writes', () => {
  it('a staff user created is in the list fetched right after', async () => {
    for (let n = 0; n < 5; n++) {
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/staff-users',
        headers: { cookie: cookies.admin },
        payload: { username: `nuovo${n}`, displayName: `Nuovo ${n}`, roles: ['operator'], password: 'correct horse battery staple' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const { position, ...user } = created.json();
      expect(t.app.projections.snapshot().find((p) => p.name === 'staff-users')!.position).toBeGreaterThanOrEqual(position);
      const listed = await list('staff-users', { filter: { q: `nuovo${n}` } }, 'admin');
      expect(listed.rows).toEqual([user]);
      const disabled = await t.app.inject({ method: 'POST', url: `/api/staff-users/${user.id}/disable`, headers: { cookie: cookies.admin } });
      expect(disabled.statusCode).toBe(200);
      expect((await get(`/api/staff-users/${user.id}`, 'admin')).json()).toMatchObject({ disabled: true });
    }
    expect((await list('staff-users', { filter: { disabled: true }, sort: ['username', 'DESC'] }, 'admin')).rows.map((r) => r.username)).toEqual(['nuovo4', 'nuovo3', 'nuovo2', 'nuovo1', 'nuovo0']);
    expect((await list('staff-users', { filter: { role: 'admin' } }, 'admin')).rows.map((r) => r.username)).toEqual(['only-admin']);
  });

  it('answerAfterProjections waits until the named projections have the position, bounded', async () => {
    const warnings: unknown[] = [];
    const request = { server: t.app, log: { warn: (obj: unknown) => warnings.push(obj) } } as unknown as FastifyRequest;
    const position = await append(t.store, `customer-${s.customers.giuseppe}`, [
      { type: 'CustomerEmailChanged', data: { customerId: s.customers.giuseppe, oldEmail: 'giuseppe0@example.it', newEmail: 'g.verdi@example.it', changedAt: '2026-11-24T09:00:00.000Z' } },
    ], OPERATOR, '2026-11-24T09:00:00.000Z');
    expect(await answerAfterProjections(request, position, ['customers'])).toBe(true);
    expect((await get(`/api/customers/${s.customers.giuseppe}`)).json()).toMatchObject({ email: 'g.verdi@example.it' });
    expect(await answerAfterProjections(request, 0, ['customers'])).toBe(true);
    expect(await answerAfterProjections(request, position, ['not-a-projection'])).toBe(true);
    expect(warnings).toHaveLength(1);
    const started = Date.now();
    expect(await answerAfterProjections(request, position + 1000, ['customers'])).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(warnings).toHaveLength(2);
  });
});
