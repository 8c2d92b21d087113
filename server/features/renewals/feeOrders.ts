// Pay-after: the renewal completes first, then the customer owes the policy's fee. This reactor
// places, for each pay-after renewal completed, a direct order with an RF reference for the fee
// (one line, no coupon), under an id derived from the renewal (so a repeat lands on the same
// order), then records RenewalFeeOrdered. The order is then like any direct order: it waits for
// the transfer, is invoiced by the fulfilment when paid, and shows among the customer's unpaid
// orders until then.
import type { CommandContext } from '../../../events/eventCatalogue';
import { recordFeeOrder, renewalAggregate, streamOf as renewalStream } from '../../../domain/renewals/decider';
import { handleCommand } from '../../commands/handle';
import { Reactor, type Decoded, type ReactorDeps } from '../../reactors/reactor';
import { lastPosition, type SalesDeps } from '../deps';
import { derivedId } from '../ids';
import { placeFeeOrder } from '../orders/service';
import { getRenewal } from './service';

/** The fee order of a pay-after renewal. */
export const renewalFeeOrderId = (renewalId: string): string => derivedId('renewal-fee-order', renewalId);

/** The fee's line on the order and the invoice. */
export const PAY_AFTER_FEE_CODE = 'RINNOVO-POSTICIPATO';

/**
 * What is owed for a renewal already done does not lapse like an unpaid quote (30 days): the order
 * stays due, and reminded, for this long.
 */
export const PAY_AFTER_FEE_ORDER_DAYS = 3650;

export async function orderRenewalFee(deps: SalesDeps, renewalId: string, ctx: CommandContext): Promise<{ position: number; orderId: string | null }> {
  const renewal = await getRenewal(deps, renewalId);
  if (renewal.status !== 'completed' || renewal.payment.mode !== 'pay_after' || renewal.customerId === null) return { position: 0, orderId: null };
  const orderId = renewal.feeOrderId ?? renewalFeeOrderId(renewalId);
  const placed = await placeFeeOrder(
    deps,
    {
      orderId,
      customerId: renewal.customerId,
      fee: {
        code: PAY_AFTER_FEE_CODE,
        description: `Rinnovo con pagamento posticipato, dispositivo ${renewal.deviceSerial}`,
        priceCents: renewal.payment.feeCents,
        vatRateBp: renewal.payment.vatRateBp,
      },
      method: 'bank_transfer',
      expiresAfterDays: PAY_AFTER_FEE_ORDER_DAYS,
    },
    ctx,
  );
  const recorded = await handleCommand(deps, renewalStream(renewalId), renewalAggregate, (s) => recordFeeOrder({ orderId, at: deps.clock().toISOString() }, s), ctx);
  return { position: lastPosition(placed.position, recorded.position), orderId };
}

interface FeeTask {
  renewalId: string;
  ctx: CommandContext;
}

export class RenewalFeeReactor extends Reactor<FeeTask> {
  readonly name = 'renewal-fees';
  /** Pay-after renewals not yet completed. */
  private readonly payAfter = new Set<string>();

  constructor(deps: ReactorDeps) {
    super(deps);
  }

  protected readonly observes = new Set<Decoded['type']>(['RenewalStarted', 'RenewalCompleted', 'RenewalAbandoned', 'RenewalFeeOrdered']);

  protected observe(event: Decoded): void {
    switch (event.type) {
      case 'RenewalStarted':
        if (event.data.payment.mode === 'pay_after') this.payAfter.add(event.data.renewalId);
        break;
      case 'RenewalCompleted':
        if (this.payAfter.delete(event.data.renewalId)) {
          this.schedule(`fee:${event.data.renewalId}`, { renewalId: event.data.renewalId, ctx: this.contextFor(event) });
        }
        break;
      case 'RenewalAbandoned':
        this.payAfter.delete(event.data.renewalId);
        break;
      case 'RenewalFeeOrdered':
        this.done(`fee:${event.data.renewalId}`);
        break;
    }
  }

  protected async perform({ renewalId, ctx }: FeeTask): Promise<void> {
    await orderRenewalFee(this.deps, renewalId, ctx);
  }

  protected override extraState(): string[] {
    return [...this.payAfter];
  }

  protected override restoreExtraState(extra: unknown): void {
    this.payAfter.clear();
    for (const id of (extra as string[] | null) ?? []) this.payAfter.add(id);
  }
}
