// A customer's prepaid account as the customer's page shows it, folded from `prepaid-<customerId>`
// with the customer's CustomerRegistered (the account exists, at zero, from the registration on):
// the balance, what came in and went out, and the manual adjustments waiting for a supervisor.
import type { CustomerEvent } from '../customers/events';
import type { PrepaidEvent } from '../prepaid/events';
import type { HistoryEvent } from './recorded';

export interface PrepaidAsOf {
  customerId: string;
  balanceCents: number;
  toppedUpCents: number;
  feesCents: number;
  debitedCents: number;
  creditedCents: number;
  movements: number;
  lastMovementAt: string | null;
  pendingAdjustments: { adjustmentId: string; amountCents: number; reason: string; requestedBy: string; requestedAt: string }[];
  openedAt: string;
}

/** The account after these events; null before the customer's registration. */
export function foldPrepaid(events: readonly HistoryEvent[]): PrepaidAsOf | null {
  let p: PrepaidAsOf | null = null;
  for (const raw of events) {
    const e = raw as unknown as PrepaidEvent | CustomerEvent;
    if (e.type === 'CustomerRegistered') {
      p ??= {
        customerId: e.data.customerId,
        balanceCents: 0,
        toppedUpCents: 0,
        feesCents: 0,
        debitedCents: 0,
        creditedCents: 0,
        movements: 0,
        lastMovementAt: null,
        pendingAdjustments: [],
        openedAt: e.data.registeredAt,
      };
      continue;
    }
    if (!p) continue;
    const moved = (balanceAfterCents: number, at: string): PrepaidAsOf => ({ ...p!, balanceCents: balanceAfterCents, movements: p!.movements + 1, lastMovementAt: at });
    switch (e.type) {
      case 'PrepaidToppedUp':
        p = { ...moved(e.data.balanceAfterCents, e.data.recordedAt), toppedUpCents: p.toppedUpCents + e.data.creditedCents, feesCents: p.feesCents + e.data.feeCents };
        break;
      case 'PrepaidDebited':
        p = { ...moved(e.data.balanceAfterCents, e.data.debitedAt), debitedCents: p.debitedCents + e.data.amountCents };
        break;
      case 'PrepaidCredited':
        p = { ...moved(e.data.balanceAfterCents, e.data.creditedAt), creditedCents: p.creditedCents + e.data.amountCents };
        break;
      case 'PrepaidAdjustmentRequested': {
        const d = e.data;
        p = {
          ...p,
          pendingAdjustments: [...p.pendingAdjustments, { adjustmentId: d.adjustmentId, amountCents: d.amountCents, reason: d.reason, requestedBy: d.requestedBy, requestedAt: d.requestedAt }],
        };
        break;
      }
      case 'PrepaidAdjustmentApproved': {
        const id = e.data.adjustmentId;
        p = {
          ...moved(e.data.balanceAfterCents, e.data.approvedAt),
          creditedCents: p.creditedCents + e.data.amountCents,
          pendingAdjustments: p.pendingAdjustments.filter((a) => a.adjustmentId !== id),
        };
        break;
      }
      case 'PrepaidAdjustmentRejected': {
        const id = e.data.adjustmentId;
        p = { ...p, pendingAdjustments: p.pendingAdjustments.filter((a) => a.adjustmentId !== id) };
        break;
      }
    }
  }
  return p;
}
