// Manual adjustments of a prepaid account, four eyes: one staff member requests, a different
// supervisor approves (the money is credited then) or rejects; decided once.
import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import {
  prepaidEventShapes,
  type PrepaidAdjustmentApproved,
  type PrepaidAdjustmentRequested,
  type PrepaidCredited,
  type PrepaidEvent,
} from '../../../domain/prepaid/events';
import {
  approveAdjustment,
  debitForOrder,
  maxAdjustmentCents,
  prepaidAggregate,
  rejectAdjustment,
  requestAdjustment,
} from '../../../domain/prepaid/decider';
import { fold, specFor } from '../gwt';

const catalogue = new EventCatalogue<PrepaidEvent>(prepaidEventShapes);
const spec = specFor(prepaidAggregate, { catalogue });
const now = new Date('2026-12-05T10:00:00.000Z');
const at = now.toISOString();

const requested = (amountCents = 5000, requestedBy = 'u-accountant', adjustmentId = 'adj-1'): PrepaidAdjustmentRequested => ({
  type: 'PrepaidAdjustmentRequested',
  data: { customerId: 'c-1', adjustmentId, amountCents, reason: 'refund paid by cash in October', requestedBy, requestedAt: at },
});

const approved = (amountCents = 5000, balanceAfterCents = 5000, approvedBy = 'u-supervisor'): PrepaidAdjustmentApproved => ({
  type: 'PrepaidAdjustmentApproved',
  data: {
    customerId: 'c-1',
    adjustmentId: 'adj-1',
    amountCents,
    reason: 'refund paid by cash in October',
    requestedBy: 'u-accountant',
    approvedBy,
    balanceAfterCents,
    approvedAt: at,
  },
});

const request = { customerId: 'c-1', adjustmentId: 'adj-1', amountCents: 5000, reason: ' refund paid by cash in October ', requestedBy: 'u-accountant', at: now.toISOString() };

describe('requesting an adjustment', () => {
  it('records the request and credits nothing', () => {
    spec.given([]).when((s) => requestAdjustment(request, s)).then([requested()]);
    expect(fold(prepaidAggregate, [requested()]).balanceCents).toBe(0);
  });

  it('the same request again is a no-op', () => {
    spec.given([requested()]).when((s) => requestAdjustment(request, s)).thenNothing();
  });

  it('amounts are positive whole cents up to the bound', () => {
    for (const amountCents of [0, -100, 12.5, Number.NaN]) {
      spec.given([]).when((s) => requestAdjustment({ ...request, amountCents }, s)).then({ error: 'amount_invalid', kind: 'invalid', field: 'amountCents' });
    }
    spec
      .given([])
      .when((s) => requestAdjustment({ ...request, amountCents: maxAdjustmentCents + 1 }, s))
      .then({ error: 'adjustment_too_large', kind: 'invalid', field: 'amountCents', message: /at most 10\.000,00/ });
    spec.given([]).when((s) => requestAdjustment({ ...request, amountCents: maxAdjustmentCents }, s)).events();
  });

  it('needs a reason', () => {
    spec.given([]).when((s) => requestAdjustment({ ...request, reason: '  ' }, s)).then({ error: 'value_required', field: 'reason' });
    spec.given([]).when((s) => requestAdjustment({ ...request, reason: 'x'.repeat(501) }, s)).then({ error: 'value_too_long', field: 'reason' });
  });
});

describe('approving an adjustment', () => {
  const approve = { customerId: 'c-1', adjustmentId: 'adj-1', approvedBy: 'u-supervisor', at: now.toISOString() };

  it('by another supervisor: credits the amount, naming requester, approver and reason', () => {
    const credited: PrepaidCredited = {
      type: 'PrepaidCredited',
      data: { customerId: 'c-1', creditId: 'cr-1', reason: 'refund', orderId: 'o-1', amountCents: 1000, note: null, balanceAfterCents: 1000, creditedAt: at },
    };
    spec.given([credited, requested()]).when((s) => approveAdjustment(approve, s)).then([approved(5000, 6000)]);
    expect(fold(prepaidAggregate, [credited, requested(), approved(5000, 6000)]).balanceCents).toBe(6000);
  });

  it('the credited money can then be spent', () => {
    spec
      .given([requested(), approved()])
      .when((s) => debitForOrder({ customerId: 'c-1', orderId: 'o-1', amountCents: 5000, at: now.toISOString() }, s))
      .then([{ type: 'PrepaidDebited', data: { customerId: 'c-1', orderId: 'o-1', amountCents: 5000, balanceAfterCents: 0, debitedAt: at } }]);
  });

  it('never by its requester', () => {
    spec
      .given([requested(5000, 'u-supervisor')])
      .when((s) => approveAdjustment(approve, s))
      .then({ error: 'adjustment_decision_by_requester', kind: 'rule', message: /another supervisor must approve/ });
  });

  it('once only', () => {
    spec.given([requested(), approved()]).when((s) => approveAdjustment(approve, s)).then({ error: 'adjustment_already_decided', kind: 'conflict' });
    spec
      .given([requested(), approved()])
      .when((s) => approveAdjustment({ ...approve, approvedBy: 'u-other' }, s))
      .then({ error: 'adjustment_already_decided', kind: 'conflict', message: /approved by u-supervisor/ });
  });

  it('not after a rejection', () => {
    spec
      .given([requested(), { type: 'PrepaidAdjustmentRejected', data: { customerId: 'c-1', adjustmentId: 'adj-1', rejectedBy: 'u-other', rejectionReason: 'no receipt', rejectedAt: at } }])
      .when((s) => approveAdjustment(approve, s))
      .then({ error: 'adjustment_already_decided', kind: 'conflict', message: /rejected by u-other/ });
  });

  it('an unknown request is not found', () => {
    spec.given([]).when((s) => approveAdjustment(approve, s)).then({ error: 'prepaid_adjustment_not_found', kind: 'not_found' });
  });
});

describe('rejecting an adjustment', () => {
  const reject = { customerId: 'c-1', adjustmentId: 'adj-1', rejectedBy: 'u-supervisor', reason: ' no receipt for the cash refund ', at: now.toISOString() };

  it('records who and why, and credits nothing', () => {
    spec
      .given([requested()])
      .when((s) => rejectAdjustment(reject, s))
      .then([
        {
          type: 'PrepaidAdjustmentRejected',
          data: { customerId: 'c-1', adjustmentId: 'adj-1', rejectedBy: 'u-supervisor', rejectionReason: 'no receipt for the cash refund', rejectedAt: at },
        },
      ]);
    const state = spec.given([requested()]).when((s) => rejectAdjustment(reject, s));
    expect(fold(prepaidAggregate, [requested(), ...state.events()]).balanceCents).toBe(0);
  });

  it('needs a reason, is never by the requester, and comes once', () => {
    spec.given([requested()]).when((s) => rejectAdjustment({ ...reject, reason: '' }, s)).then({ error: 'value_required', field: 'reason' });
    spec.given([requested()]).when((s) => rejectAdjustment({ ...reject, rejectedBy: 'u-accountant' }, s)).then({ error: 'adjustment_decision_by_requester' });
    spec.given([requested(), approved()]).when((s) => rejectAdjustment(reject, s)).then({ error: 'adjustment_already_decided', kind: 'conflict' });
  });
});

describe('the log is never rewritten', () => {
  it('a credit written by the old staff route still reads back and counts in the balance', () => {
    const old = {
      type: 'PrepaidCredited',
      data: { customerId: 'c-1', creditId: 'cr-old', reason: 'correction', orderId: null, amountCents: 100_000_000, note: null, balanceAfterCents: 100_000_000, creditedAt: at },
    } as const;
    const context = { actor: { userId: 'u-accountant', role: 'accountant' as const }, at, correlationId: '7f1e3a52-5d2c-4a53-9a0e-3f1c2b4d5e6f', causationId: null };
    expect(() => catalogue.encode(old, context)).not.toThrow();
    expect(fold(prepaidAggregate, [old]).balanceCents).toBe(100_000_000);
  });
});
