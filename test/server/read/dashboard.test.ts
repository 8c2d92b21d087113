// The console's home-page figures (GET /api/dashboard), summed on the server over the read models,
// with Rome's days: half an hour after midnight in Rome it is already the next day there.
import { afterEach, describe, expect, it } from 'vitest';
import { addDays, monthStart, romeDayOf, romeDayStart } from '../../../domain/shared/romeCalendar';
import {
  addGuideProducts,
  expectStatus,
  manualOrder,
  registerCard,
  registerPerson,
  startApi,
  topUp,
  type ApiWorld,
} from '../api/support';

let world: ApiWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("Rome's calendar", () => {
  it('starts a Rome day at 23:00 UTC in winter and 22:00 UTC in summer, also on the days the clocks change', () => {
    expect(romeDayStart('2026-11-25')).toBe('2026-11-24T23:00:00.000Z');
    expect(romeDayStart('2026-07-01')).toBe('2026-06-30T22:00:00.000Z');
    expect(romeDayStart('2026-03-29')).toBe('2026-03-28T23:00:00.000Z'); // clocks go forward at 02:00
    expect(romeDayStart('2026-03-30')).toBe('2026-03-29T22:00:00.000Z');
    expect(romeDayStart('2026-10-25')).toBe('2026-10-24T22:00:00.000Z'); // clocks go back at 03:00
    expect(romeDayStart('2026-10-26')).toBe('2026-10-25T23:00:00.000Z');
  });

  it('names the Rome day of an instant, and counts days and months across year ends', () => {
    expect(romeDayOf(new Date('2026-11-24T23:30:00Z'))).toBe('2026-11-25');
    expect(romeDayOf(new Date('2026-11-24T22:59:59Z'))).toBe('2026-11-24');
    expect(romeDayOf(new Date('2026-06-30T22:00:00Z'))).toBe('2026-07-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(monthStart('2026-11-25')).toBe('2026-11-01');
    expect(monthStart('2026-11-25', -11)).toBe('2025-12-01');
    expect(monthStart('2026-01-15', 1)).toBe('2026-02-01');
  });
});

describe('GET /api/dashboard', () => {
  it("sums orders, payments, devices and documents by Rome's days and months", async () => {
    // 23:30 in Rome on 24 November.
    world = await startApi({ start: '2026-11-24T22:30:00.000Z' });
    const w = world;
    await addGuideProducts(w);
    const customerId = await registerPerson(w);
    await topUp(w, customerId, 20_000);
    expectStatus(await registerCard(w, '1205100001', undefined, 10), 201);
    expectStatus(await registerCard(w, '1205100002', undefined, 60), 201); // not within 30 days

    const total = (order: { totals: { totalCents: number } }) => order.totals.totalCents;
    const late = expectStatus(await w.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' })), 201).json();
    await w.idle(); // its invoice is issued on 24 November
    // 00:30 in Rome on 25 November, still 24 November in UTC.
    w.clock.advance(60 * 60_000);
    const early = expectStatus(await w.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' }, 'RIN-FIRMA-CNS', 2)), 201).json();
    const unpaid = expectStatus(await w.operator.post('/api/orders', manualOrder(customerId, { mode: 'direct', method: 'bank_transfer' })), 201).json();
    expectStatus(
      await w.accountant.post('/api/payments', { method: 'bank_transfer', amountCents: 1234, receivedOn: '2026-11-25', payer: 'Ignoto', reason: 'rinnovo', bankReference: 'CRO 1234' }),
      201,
    );
    await w.idle();
    const refund = expectStatus(await w.supervisor.post(`/api/orders/${late.id}/refund`, { refundTo: 'prepaid' }), 200).json();
    expect(refund.totals.totalCents).toBe(total(late.order));

    const answer = expectStatus(await w.accountant.get('/api/dashboard'), 200).json();
    expect(answer).toMatchObject({
      today: '2026-11-25',
      monthStart: '2026-11-01',
      paidToday: { count: 1, cents: total(early.order) },
      paidThisMonth: { count: 2, cents: total(early.order) + total(late.order) },
      unpaidOrders: { count: 1, cents: total(unpaid.order) },
      unmatchedPayments: { count: 1, cents: 1234 },
      devicesExpiring: 1,
      failedEmails: 0,
    });
    expect(answer.revenueByMonth).toHaveLength(12);
    expect(answer.revenueByMonth[0]).toEqual({ month: '2025-12', invoicedCents: 0, creditedCents: 0, netCents: 0 });
    expect(answer.revenueByMonth[11]).toEqual({
      month: '2026-11',
      invoicedCents: total(early.order) + total(late.order),
      creditedCents: total(late.order),
      netCents: total(early.order),
    });

    // A refund does not unpay an order: this month's sales still count it.
    // The desk sees it too; the admin, who sees no sales, does not.
    expectStatus(await w.operator.get('/api/dashboard'), 200);
    expect((await w.admin.get('/api/dashboard')).status).toBe(403);
  });
});
