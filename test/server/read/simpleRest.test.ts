// The console's data provider itself, ra-data-simple-rest, run in Node against the server listening
// on a real port, logged in with a session cookie: getList (pagination, sort, filter), getOne,
// getMany, getManyReference, and the 400s it surfaces.
import simpleRestProvider from 'ra-data-simple-rest';
import type { DataProvider } from 'ra-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, login, type TestApp } from '../security/support';
import { cookieHttpClient, HttpError, seedAll, startReadApp, type SeededBusiness } from './fixtures';

let t: TestApp;
let s: SeededBusiness;
let copies: SeededBusiness[];
let operator: DataProvider;
let accountant: DataProvider;
let admin: DataProvider;
let address: string;

beforeAll(async () => {
  t = await startReadApp();
  for (const role of ['operator', 'accountant', 'admin'] as const) await addUser(t.store, `ra-${role}`, [role]);
  const seeded = await seedAll(t.store, 3);
  s = seeded.first;
  copies = seeded.all;
  expect(await t.app.projections.waitFor(seeded.head, undefined, 10_000)).toBe(true);
  address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const provider = async (username: string) => simpleRestProvider(`${address}/api`, cookieHttpClient(await login(t.app, username)));
  operator = await provider('ra-operator');
  accountant = await provider('ra-accountant');
  admin = await provider('ra-admin');
});
afterAll(async () => {
  await t?.close();
});

describe('ra-data-simple-rest against the running server', () => {
  it('getList: pagination, sort and filter, with the total from Content-Range', async () => {
    const page1 = await operator.getList('orders', { pagination: { page: 1, perPage: 4 }, sort: { field: 'totalCents', order: 'DESC' }, filter: {} });
    expect(page1.total).toBe(15);
    expect(page1.data).toHaveLength(4);
    const page4 = await operator.getList('orders', { pagination: { page: 4, perPage: 4 }, sort: { field: 'totalCents', order: 'DESC' }, filter: {} });
    expect(page4.data).toHaveLength(3);
    const everything = await operator.getList('orders', { pagination: { page: 1, perPage: 100 }, sort: { field: 'totalCents', order: 'DESC' }, filter: {} });
    expect(everything.data.map((o) => o.id)).toEqual([...page1.data, ...(await operator.getList('orders', { pagination: { page: 2, perPage: 4 }, sort: { field: 'totalCents', order: 'DESC' }, filter: {} })).data, ...(await operator.getList('orders', { pagination: { page: 3, perPage: 4 }, sort: { field: 'totalCents', order: 'DESC' }, filter: {} })).data, ...page4.data].map((o) => o.id));
    const totals = everything.data.map((o) => o.totalCents as number);
    expect([...totals].sort((a, b) => b - a)).toEqual(totals);

    const awaiting = await operator.getList('orders', { pagination: { page: 1, perPage: 10 }, sort: { field: 'placedAt', order: 'ASC' }, filter: { status: 'awaiting_payment', paymentMode: 'direct' } });
    expect(awaiting.total).toBe(3);
    expect(awaiting.data.map((o) => o.id)).toEqual(copies.map((c) => c.orders.o2));
    const searched = await operator.getList('customers', { pagination: { page: 1, perPage: 10 }, sort: { field: 'fullName', order: 'ASC' }, filter: { q: 'verdi' } });
    expect(searched.total).toBe(6);
    expect(searched.data.map((c) => c.fullName)).toEqual([...Array(3).fill('Studio Verdi S.r.l.'), ...Array(3).fill('Giuseppe Verdi')]);
    const invoices = await accountant.getList('invoices', { pagination: { page: 1, perPage: 2 }, sort: { field: 'displayNumber', order: 'DESC' }, filter: { year: 2026 } });
    expect(invoices).toMatchObject({ total: 6, data: [{ displayNumber: '6/2026' }, { displayNumber: '5/2026' }] });
  });

  it('getOne, getMany and getManyReference', async () => {
    const one = await operator.getOne('orders', { id: s.orders.o3 });
    expect(one.data).toMatchObject({ id: s.orders.o3, status: 'partially_refunded', invoiceDisplayNumber: '2/2026', lines: [{ productCode: 'RIN-FIRMA-COMM', quantity: 2 }] });
    const many = await operator.getMany('customers', { ids: copies.map((c) => c.customers.firm) });
    expect(many.data.map((c) => c.id).sort()).toEqual(copies.map((c) => c.customers.firm).sort());
    expect(many.data.every((c) => c.partitaIva === '01234560017')).toBe(true);
    const coupons = await operator.getManyReference('coupons', {
      target: 'orderId',
      id: s.orders.o3,
      pagination: { page: 1, perPage: 25 },
      sort: { field: 'issuedAt', order: 'ASC' },
      filter: {},
    });
    expect(coupons.total).toBe(2);
    expect(coupons.data.map((c) => c.id).sort()).toEqual([s.coupons.o3a.id, s.coupons.o3b.id].sort());
    expect(coupons.data.map((c) => c.code).sort()).toEqual([s.coupons.o3a.code, s.coupons.o3b.code].sort());
    const movements = await accountant.getManyReference('prepaid-movements', {
      target: 'customerId',
      id: s.customers.mario,
      pagination: { page: 1, perPage: 1 },
      sort: { field: 'at', order: 'DESC' },
      filter: { kind: 'debit' },
    });
    expect(movements).toMatchObject({ total: 1, data: [{ kind: 'debit', amountCents: -3660, orderId: s.orders.o1, balanceAfterCents: 6340 }] });
  });

  it('hides coupon codes from accountants and keeps admins out of the sales data', async () => {
    const forAccountant = await accountant.getOne('coupons', { id: s.coupons.o3a.id });
    expect(forAccountant.data.code).toBe(forAccountant.data.codeHint);
    expect(forAccountant.data.code).not.toBe(s.coupons.o3a.code);
    await expect(admin.getList('orders', { pagination: { page: 1, perPage: 5 }, sort: { field: 'id', order: 'ASC' }, filter: {} })).rejects.toMatchObject({ status: 403 });
    const users = await admin.getList('staff-users', { pagination: { page: 1, perPage: 5 }, sort: { field: 'username', order: 'ASC' }, filter: { role: 'operator' } });
    expect(users).toEqual({ total: 1, data: [{ id: expect.any(String), username: 'ra-operator', displayName: 'ra-operator (test)', roles: ['operator'], disabled: false }] });
  });

  it('surfaces a 400 with a message for an unknown sort field or a malformed filter', async () => {
    const unknownSort = operator.getList('orders', { pagination: { page: 1, perPage: 5 }, sort: { field: 'favouriteColour', order: 'ASC' }, filter: {} });
    await expect(unknownSort).rejects.toBeInstanceOf(HttpError);
    await expect(unknownSort).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^sort: "favouriteColour" is not a sortable field of orders/) });
    await expect(
      operator.getList('orders', { pagination: { page: 1, perPage: 5 }, sort: { field: 'id', order: 'ASC' }, filter: { status: 'lost' } }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^filter.status: must be one of/) });
    await expect(operator.getList('orders', { pagination: { page: 1, perPage: 5000 }, sort: { field: 'id', order: 'ASC' }, filter: {} })).rejects.toMatchObject({
      status: 400,
      message: 'range: at most 1000 rows at a time',
    });
    // Malformed JSON, as a hand-made URL would send it.
    const raw = await fetch(`${address}/api/orders?filter=%7Bbad`, { headers: { cookie: await login(t.app, 'ra-operator') } });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ code: 'input_invalid', message: 'filter: must be JSON like {"q":"rossi"}' });
  });
});
