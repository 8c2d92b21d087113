// Issue #14: a desk payment far above the order's amount credited its surplus to the prepaid
// account, money nobody paid. A desk payment is now at most the amount still due.
import { afterEach, describe, expect, it } from 'vitest';
import { addGuideProducts, expectStatus, manualOrder, registerPerson, startApi, streamTypes, type ApiWorld, type Client } from './support';

let world: ApiWorld;
afterEach(async () => {
  await world?.close();
});

async function balanceOf(client: Client, customerId: string): Promise<number> {
  return expectStatus(await client.get(`/api/customers/${customerId}`), 200).json().prepaidBalanceCents ?? 0;
}

describe('a desk payment above the amount due', () => {
  it('is refused, naming the field and the rule: no payment, no surplus, the balance unchanged', async () => {
    world = await startApi();
    await addGuideProducts(world);
    const customerId = await registerPerson(world);
    const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'direct', method: 'cash' }, 'RIN-FIRMA')), 201).json();
    expect(placed.order.totals.totalCents).toBe(1342);

    const refused = expectStatus(await world.operator.post(`/api/orders/${placed.id}/desk-payment`, { method: 'cash', amountCents: 100_000 }), 422).json();
    expect(refused).toMatchObject({
      code: 'desk_payment_exceeds_amount_due',
      message: expect.stringMatching(/^amountCents: a desk payment may be at most the amount due on the order, 13,42 € \(got 1\.000,00 €\)/),
      errors: { amountCents: expect.any(String) },
    });
    // One cent over is over.
    expect(expectStatus(await world.operator.post(`/api/orders/${placed.id}/desk-payment`, { method: 'credit_card', amountCents: 1343 }), 422).json().code).toBe(
      'desk_payment_exceeds_amount_due',
    );
    await world.idle();
    expect(expectStatus(await world.accountant.get(`/api/payments`), 200).json()).toEqual([]);
    expect(await streamTypes(world.store, `prepaid-${customerId}`)).toEqual([]);
    expect(await balanceOf(world.operator, customerId)).toBe(0);
    expect(expectStatus(await world.operator.get(`/api/orders/${placed.id}`), 200).json()).toMatchObject({ status: 'awaiting_payment', amountDueCents: 1342 });

    // Part of it, then the rest to the cent: paid, no surplus.
    expect(expectStatus(await world.operator.post(`/api/orders/${placed.id}/desk-payment`, { method: 'cash', amountCents: 1000 }), 200).json()).toMatchObject({ amountDueCents: 342 });
    expect(expectStatus(await world.operator.post(`/api/orders/${placed.id}/desk-payment`, { method: 'cash', amountCents: 343 }), 422).json().message).toMatch(/3,42 €/);
    const paid = expectStatus(await world.operator.post(`/api/orders/${placed.id}/desk-payment`, { method: 'cash', amountCents: 342 }), 200).json();
    expect(paid).toMatchObject({ orderStatus: 'paid', amountDueCents: 0, surplusCents: 0 });
    await world.idle();
    expect(await balanceOf(world.operator, customerId)).toBe(0);
  });
});
