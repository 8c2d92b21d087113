// A list's total is counted no further than LIST_COUNT_CAP (here 4, over ten orders): above it the
// read API answers `Content-Range: orders 0-3/*` with `X-Total-More-Than`, and the console's data
// provider (admin-ui/src/dataProvider.ts, run in Node against the listening server) turns that into
// react-admin's partial pagination with "more than 4" to show, while every page still holds the same
// rows as an uncapped read, and the CSV export still has them all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listReads } from '../../../admin-ui/src/dataProvider';
import { startTestApp, type TestApp } from '../../support/app';
import { addUser, login } from '../security/support';
import { cookieHttpClient, seedAll, type SeededBusiness } from './fixtures';

const CAP = 4;
let t: TestApp;
let cookie: string;
let copies: SeededBusiness[];

beforeAll(async () => {
  t = await startTestApp({ prefix: 'bo-count-cap-', sales: { reactors: false }, listCountCap: CAP, listen: true });
  await addUser(t.store, 'cap-operator', ['operator']);
  cookie = await login(t.app, 'cap-operator');
  const seeded = await seedAll(t.store, 2); // ten orders, five per copy
  copies = seeded.all;
  expect(await t.app.projections.waitFor(seeded.head, undefined, 10_000)).toBe(true);
});
afterAll(async () => {
  await t?.close();
});

async function list(resource: string, query: { sort?: unknown; range?: unknown; filter?: unknown }) {
  const params = Object.entries(query).map(([k, v]) => `${k}=${encodeURIComponent(JSON.stringify(v))}`);
  const response = await t.app.inject({ method: 'GET', url: `/api/${resource}?${params.join('&')}`, headers: { cookie } });
  expect(response.statusCode, response.body).toBe(200);
  return { ids: (response.json() as Array<{ id: string }>).map((r) => r.id), range: response.headers['content-range'], moreThan: response.headers['x-total-more-than'] };
}

describe('the read API counts up to the cap', () => {
  const sort = ['totalCents', 'DESC'];

  it('above the cap: no total, and how far it counted', async () => {
    const page1 = await list('orders', { sort, range: [0, 3] });
    expect(page1).toMatchObject({ range: 'orders 0-3/*', moreThan: String(CAP) });
    expect(page1.ids).toHaveLength(4);
    // A page beyond the cap counts as far as itself: "more than 8" on rows 5-8.
    const page2 = await list('orders', { sort, range: [4, 7] });
    expect(page2).toMatchObject({ range: 'orders 4-7/*', moreThan: '8' });
    // The last page knows the end: the exact total again.
    const page3 = await list('orders', { sort, range: [8, 11] });
    expect(page3).toMatchObject({ range: 'orders 8-9/10', moreThan: undefined });
    // The same rows, in the same order, as one read whose page is larger than the cap (an exact total).
    const whole = await list('orders', { sort, range: [0, 99] });
    expect(whole.range).toBe('orders 0-9/10');
    expect([...page1.ids, ...page2.ids, ...page3.ids]).toEqual(whole.ids);
  });

  it('at or below the cap: the exact total', async () => {
    // Three orders awaiting a direct payment (one of the copies has none).
    const awaiting = await list('orders', { sort, range: [0, 1], filter: { status: 'awaiting_payment' } });
    expect(awaiting.range).toMatch(/^orders 0-1\/[0-4]$/);
    expect(awaiting.moreThan).toBeUndefined();
    const one = await list('orders', { sort, range: [0, 0], filter: { customerId: copies[0]!.customers.mario } });
    expect(one.range).toMatch(/^orders 0-0\/\d$/);
  });

  it('an empty page past the end still says the exact total', async () => {
    expect(await list('orders', { sort, range: [40, 49] })).toMatchObject({ ids: [], range: 'orders */10' });
  });

  it('the CSV export of the same filter still has every row', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/api/orders/export.csv?sort=${encodeURIComponent(JSON.stringify(sort))}`, headers: { cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.body.trim().split('\n')).toHaveLength(1 + 10);
  });
});

describe("the console's data provider", () => {
  it('reads a capped total as partial pagination with "more than", and pages through the same rows', async () => {
    const address = t.baseUrl!;
    const reads = listReads(`${address}/api`, cookieHttpClient(cookie));
    const params = (page: number) => ({ pagination: { page, perPage: 4 }, sort: { field: 'totalCents', order: 'DESC' as const }, filter: {} });
    const page1 = await reads.getList('orders', params(1));
    expect(page1.total).toBeUndefined();
    expect(page1.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false });
    expect(page1.meta).toEqual({ totalMoreThan: CAP });
    const page2 = await reads.getList('orders', params(2));
    expect(page2).toMatchObject({ pageInfo: { hasNextPage: true, hasPreviousPage: true }, meta: { totalMoreThan: 8 } });
    const page3 = await reads.getList('orders', params(3));
    expect(page3.total).toBe(10);
    const all = await reads.getList('orders', { ...params(1), pagination: { page: 1, perPage: 25 } });
    expect(all.total).toBe(10);
    expect([...page1.data, ...page2.data, ...page3.data].map((o) => o.id)).toEqual(all.data.map((o) => o.id));
    // getManyReference (a customer's orders on the customer's page) reads the same way.
    const mario = await reads.getManyReference('orders', { target: 'customerId', id: copies[0]!.customers.mario, pagination: { page: 1, perPage: 10 }, sort: { field: 'placedAt', order: 'DESC' }, filter: {} });
    expect(mario.total).toBe(mario.data.length);
    expect(mario.data.every((o) => o.customerId === copies[0]!.customers.mario)).toBe(true);
  });
});
