// Issue #14, "an accountant can create prepaid money": money enters a prepaid account only from a
// recorded payment or through a manual adjustment that a supervisor other than the requester
// approves. Over real HTTP, with the reactors running.
import { afterEach, describe, expect, it } from 'vitest';
import { append } from '../read/fixtures';
import { addUser } from '../security/support';
import {
  addGuideProducts,
  expectStatus,
  loggedIn,
  manualOrder,
  registerPerson,
  startApi,
  streamTypes,
  type ApiWorld,
  type Client,
} from './support';

let world: ApiWorld;
afterEach(async () => {
  await world?.close();
});

const filter = (f: object) => `filter=${encodeURIComponent(JSON.stringify(f))}`;

async function balanceOf(client: Client, customerId: string): Promise<number> {
  return expectStatus(await client.get(`/api/customers/${customerId}`), 200).json().prepaidBalanceCents ?? 0;
}

async function userIdOf(client: Client): Promise<string> {
  return expectStatus(await client.get('/api/auth/me'), 200).json().id;
}

describe('prepaid money by hand', () => {
  it("an accountant's direct credit no longer exists: no money is created", async () => {
    world = await startApi();
    const customerId = await registerPerson(world);
    const answer = await world.accountant.post(`/api/customers/${customerId}/prepaid/credits`, { amountCents: 100_000_000 });
    expect(answer.status).toBe(404);
    expect(answer.json()).toMatchObject({ code: 'route_not_found' });
    expect((await world.supervisor.post(`/api/customers/${customerId}/prepaid/credits`, { amountCents: 100 })).status).toBe(404);
    expect(await balanceOf(world.accountant, customerId)).toBe(0);
    expect(await streamTypes(world.store, `prepaid-${customerId}`)).toEqual([]);
  });

  it('four eyes: requested by an accountant, approved by a supervisor, decided once; the requester never decides', async () => {
    world = await startApi();
    await addGuideProducts(world);
    await addUser(world.store, 'supervisore2', ['supervisor']);
    const otherSupervisor = await loggedIn(world, 'supervisore2');
    const accountantId = await userIdOf(world.accountant);
    const supervisorId = await userIdOf(world.supervisor);
    const otherSupervisorId = await userIdOf(otherSupervisor);
    const customerId = await registerPerson(world);
    const base = `/api/customers/${customerId}/prepaid/adjustments`;

    // The request moves no money.
    const asked = expectStatus(await world.accountant.post(base, { amountCents: 5000, reason: 'rimborso pagato in contanti il 3 ottobre' }), 201).json();
    expect(asked).toMatchObject({ id: expect.any(String), customerId, status: 'pending', balanceCents: 0 });
    expect(await balanceOf(world.accountant, customerId)).toBe(0);

    // Who may ask: accountants and supervisors; the desk may not, nor may anyone but a supervisor decide.
    expect((await world.operator.post(base, { amountCents: 5000, reason: 'prova' })).status).toBe(403);
    expect((await world.accountant.post(`${base}/${asked.id}/approve`, {})).status).toBe(403);
    expect((await world.operator.post(`${base}/${asked.id}/approve`, {})).status).toBe(403);
    expect((await world.accountant.post(`${base}/${asked.id}/reject`, { reason: 'no' })).status).toBe(403);

    // The pending queue, as the console lists it.
    const pending = expectStatus(await world.supervisor.get(`/api/prepaid-adjustments?${filter({ status: 'pending' })}`), 200).json();
    expect(pending).toEqual([
      expect.objectContaining({ id: asked.id, customerId, amountCents: 5000, status: 'pending', requestedBy: accountantId, reason: 'rimborso pagato in contanti il 3 ottobre', decidedBy: null }),
    ]);

    // A supervisor's own request: they may not approve or reject it.
    const own = expectStatus(await world.supervisor.post(base, { amountCents: 700, reason: 'correzione di una ricarica' }), 201).json();
    const selfApproval = expectStatus(await world.supervisor.post(`${base}/${own.id}/approve`, {}), 422).json();
    expect(selfApproval).toMatchObject({ code: 'adjustment_decision_by_requester', message: expect.stringMatching(/another supervisor must approve/) });
    expect(expectStatus(await world.supervisor.post(`${base}/${own.id}/reject`, { reason: 'ci ho ripensato' }), 422).json().code).toBe('adjustment_decision_by_requester');
    expect(await balanceOf(world.supervisor, customerId)).toBe(0);

    // Another supervisor approves: the money is credited, the movement says who asked, who approved, why.
    const approved = expectStatus(await world.supervisor.post(`${base}/${asked.id}/approve`, {}), 200).json();
    expect(approved).toMatchObject({ id: asked.id, status: 'approved', balanceCents: 5000 });
    expect(await balanceOf(world.operator, customerId)).toBe(5000);
    const movements = expectStatus(await world.operator.get(`/api/prepaid-movements?${filter({ customerId })}`), 200).json();
    expect(movements).toEqual([
      expect.objectContaining({
        kind: 'adjustment',
        amountCents: 5000,
        adjustmentId: asked.id,
        note: 'rimborso pagato in contanti il 3 ottobre',
        requestedBy: accountantId,
        approvedBy: supervisorId,
        balanceAfterCents: 5000,
      }),
    ]);
    const shown = expectStatus(await world.accountant.get(`/api/prepaid-adjustments/${asked.id}`), 200).json();
    expect(shown).toMatchObject({ status: 'approved', decidedBy: supervisorId, balanceAfterCents: 5000, decidedAt: expect.any(String) });

    // Once only: a second approval, by anyone, and a rejection after it are refused; nothing more is credited.
    const again = expectStatus(await otherSupervisor.post(`${base}/${asked.id}/approve`, {}), 409).json();
    expect(again).toMatchObject({ code: 'adjustment_already_decided', message: expect.stringMatching(/already been approved/) });
    expect(expectStatus(await world.supervisor.post(`${base}/${asked.id}/approve`, {}), 409).json().code).toBe('adjustment_already_decided');
    expect(expectStatus(await otherSupervisor.post(`${base}/${asked.id}/reject`, { reason: 'troppo tardi' }), 409).json().code).toBe('adjustment_already_decided');
    expect(await balanceOf(world.operator, customerId)).toBe(5000);

    // Rejected by the other supervisor, with a reason: recorded, nothing credited.
    expect(expectStatus(await otherSupervisor.post(`${base}/${own.id}/reject`, { reason: '  ' }), 400).json().errors).toHaveProperty('reason');
    const rejected = expectStatus(await otherSupervisor.post(`${base}/${own.id}/reject`, { reason: 'nessuna ricevuta' }), 200).json();
    expect(rejected).toMatchObject({ id: own.id, status: 'rejected', balanceCents: 5000 });
    expect(expectStatus(await world.accountant.get(`/api/prepaid-adjustments/${own.id}`), 200).json()).toMatchObject({
      status: 'rejected',
      requestedBy: supervisorId,
      decidedBy: otherSupervisorId,
      rejectionReason: 'nessuna ricevuta',
    });
    expect(expectStatus(await world.operator.get(`/api/prepaid-adjustments?${filter({ status: 'pending' })}`), 200).json()).toEqual([]);
    expect(await streamTypes(world.store, `prepaid-${customerId}`)).toEqual([
      'PrepaidAdjustmentRequested',
      'PrepaidAdjustmentRequested',
      'PrepaidAdjustmentApproved',
      'PrepaidAdjustmentRejected',
    ]);

    // The audit trail shows each step with who did it, in the role the route let them in with.
    const trail = expectStatus(await world.accountant.get(`/api/audit-events?${filter({ stream: `prepaid-${customerId}` })}&sort=${encodeURIComponent('["id","ASC"]')}`), 200).json();
    expect(trail.map((e: { type: string; actorId: string; actorRole: string }) => [e.type, e.actorId, e.actorRole])).toEqual([
      ['PrepaidAdjustmentRequested', accountantId, 'accountant'],
      ['PrepaidAdjustmentRequested', supervisorId, 'supervisor'],
      ['PrepaidAdjustmentApproved', supervisorId, 'supervisor'],
      ['PrepaidAdjustmentRejected', otherSupervisorId, 'supervisor'],
    ]);

    // The approved money is spendable at the desk (RIN-FIRMA, 13,42 €).
    const order = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' }, 'RIN-FIRMA')), 201).json();
    expect(order.prepaidBalanceCents).toBe(5000 - 1342);
  });

  it('amounts are positive whole cents within the bound, a reason is said, the request names a real customer and adjustment', async () => {
    world = await startApi();
    const customerId = await registerPerson(world);
    const base = `/api/customers/${customerId}/prepaid/adjustments`;
    for (const amountCents of [0, -5, 12.5, '100', 1_000_001, 100_000_000]) {
      const bad = expectStatus(await world.accountant.post(base, { amountCents, reason: 'prova di importo' }), 400).json();
      expect(bad.errors, JSON.stringify(amountCents)).toHaveProperty('amountCents');
    }
    expect(expectStatus(await world.accountant.post(base, { amountCents: 1_000_001, reason: 'troppo' }), 400).json().errors.amountCents).toMatch(/at most 1000000 cents/);
    expect(expectStatus(await world.accountant.post(base, { amountCents: 100 }), 400).json().errors).toHaveProperty('reason');
    expect(expectStatus(await world.accountant.post(base, { amountCents: 100, reason: 'ok ok', approvedBy: 'me' }), 400).json().code).toBe('input_invalid');
    const unknownCustomer = `/api/customers/00000000-0000-4000-8000-000000000000/prepaid/adjustments`;
    expect(expectStatus(await world.accountant.post(unknownCustomer, { amountCents: 100, reason: 'nessuno' }), 404).json().code).toBe('customer_not_found');
    expect(expectStatus(await world.supervisor.post(`${base}/00000000-0000-4000-8000-000000000000/approve`, {}), 404).json().code).toBe('prepaid_adjustment_not_found');
    expect(expectStatus(await world.supervisor.post(`${base}/not-an-id/approve`, {}), 400).json().errors).toHaveProperty('adjustmentId');
    expect(await streamTypes(world.store, `prepaid-${customerId}`)).toEqual([]);

    // The same request sent again with its Idempotency-Key is one request.
    const headers = { 'idempotency-key': 'adj-key-1' };
    const first = expectStatus(await world.accountant.post(base, { amountCents: 100, reason: 'una volta' }, headers), 201).json();
    const second = expectStatus(await world.accountant.post(base, { amountCents: 100, reason: 'una volta' }, headers), 201).json();
    expect(second.id).toBe(first.id);
    expect(await streamTypes(world.store, `prepaid-${customerId}`)).toEqual(['PrepaidAdjustmentRequested']);
  });

  it('credits the old direct route wrote stay in the log, the movements and the balance', async () => {
    world = await startApi();
    const customerId = await registerPerson(world);
    const accountantId = await userIdOf(world.accountant);
    // Exactly what `POST …/prepaid/credits` appended before issue #14.
    const at = world.clock.now().toISOString();
    // The approval's answer waits for the read models to pass its own, later, position.
    await append(
      world.store,
      `prepaid-${customerId}`,
      [
        {
          type: 'PrepaidCredited',
          data: { customerId, creditId: 'old-credit-1', reason: 'correction', orderId: null, amountCents: 2500, note: 'goodwill', balanceAfterCents: 2500, creditedAt: at },
        },
      ],
      { userId: accountantId, role: 'accountant' },
      at,
    );
    const asked = expectStatus(await world.accountant.post(`/api/customers/${customerId}/prepaid/adjustments`, { amountCents: 500, reason: 'correzione' }), 201).json();
    const approved = expectStatus(await world.supervisor.post(`/api/customers/${customerId}/prepaid/adjustments/${asked.id}/approve`, {}), 200).json();
    expect(approved.balanceCents).toBe(3000);
    const movements = expectStatus(await world.operator.get(`/api/prepaid-movements?${filter({ customerId })}&sort=${encodeURIComponent('["at","ASC"]')}`), 200).json();
    expect(movements.map((m: { kind: string; amountCents: number; reason: string | null; note: string | null }) => [m.kind, m.amountCents, m.reason, m.note])).toEqual([
      ['credit', 2500, 'correction', 'goodwill'],
      ['adjustment', 500, null, 'correzione'],
    ]);
    expect(await balanceOf(world.operator, customerId)).toBe(3000);
  });
});
