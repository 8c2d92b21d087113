// Applies matched payments to their orders and puts money that no order needs on the customer's
// prepaid account:
//   PaymentMatched                                  → the order's receivePayment (the order
//                                                     ignores a payment it has already received)
//   OrderPaymentReceived with surplusCents > 0      → prepaid credit, reason 'overpayment',
//                                                     creditId derived from the paymentId
//   OrderCancelled / OrderExpired with              → prepaid credit, reason 'refund',
//     amountToCreditCents > 0                         creditId derived from the orderId
// A unit is done when the log shows its result (OrderPaymentReceived for the payment,
// PrepaidCredited with the credit id).
import type { CommandContext } from '../../../events/eventCatalogue';
import type { OrderEvent } from '../../../domain/orders/events';
import { orderAggregate, receivePayment, streamOf as orderStream, type OrderState } from '../../../domain/orders/decider';
import { creditAccount, prepaidAggregate, streamOf as prepaidStream } from '../../../domain/prepaid/decider';
import type { CreditReason } from '../../../domain/prepaid/events';
import { handleCommand } from '../../commands/handle';
import { saleIds } from '../ids';
import { getOrder } from '../orders/service';
import { getPayment } from './service';
import { Reactor, type Decoded } from '../../reactors/reactor';

type CreditCommand = { customerId: string; creditId: string; orderId: string; amountCents: number; reason: CreditReason; note: string };

type PaymentTask =
  | { kind: 'receive'; paymentId: string; orderId: string; ctx: CommandContext }
  | { kind: 'credit'; command: CreditCommand; ctx: CommandContext }
  /** A refund of a closed order, whose customer is looked up when it runs. */
  | { kind: 'refund'; orderId: string; creditId: string; amountCents: number; what: 'cancelled' | 'expired'; ctx: CommandContext };

export class PaymentApplicationReactor extends Reactor<PaymentTask> {
  readonly name = 'payment-application';

  protected readonly observes = new Set<Decoded['type']>(['PaymentMatched', 'OrderPaymentReceived', 'OrderCancelled', 'OrderExpired', 'PrepaidCredited']);

  protected observe(event: Decoded): void {
    switch (event.type) {
      case 'PaymentMatched': {
        const { paymentId, orderId } = event.data;
        this.schedule(`receive:${paymentId}`, { kind: 'receive', paymentId, orderId, ctx: this.contextFor(event) });
        break;
      }
      case 'OrderPaymentReceived': {
        const { paymentId, surplusCents, customerId, orderId } = event.data;
        this.done(`receive:${paymentId}`);
        if (surplusCents > 0) {
          const creditId = saleIds.overpaymentCredit(paymentId);
          this.schedule(`credit:${creditId}`, {
            kind: 'credit',
            command: { customerId, creditId, orderId, amountCents: surplusCents, reason: 'overpayment', note: `payment ${paymentId}: surplus over the order's total` },
            ctx: this.contextFor(event),
          });
        }
        break;
      }
      case 'OrderCancelled':
      case 'OrderExpired': {
        const { orderId, amountToCreditCents } = event.data;
        if (amountToCreditCents <= 0) break;
        const creditId = saleIds.closedOrderCredit(orderId);
        const what = event.type === 'OrderCancelled' ? 'cancelled' : 'expired';
        this.schedule(`credit:${creditId}`, { kind: 'refund', orderId, creditId, amountCents: amountToCreditCents, what, ctx: this.contextFor(event) });
        break;
      }
      case 'PrepaidCredited':
        this.done(`credit:${event.data.creditId}`);
        break;
    }
  }

  protected async perform(task: PaymentTask): Promise<void> {
    switch (task.kind) {
      case 'receive':
        return this.receive(task.paymentId, task.orderId, task.ctx);
      case 'credit':
        return this.credit(task.command, task.ctx);
      case 'refund': {
        const order = await getOrder(this.deps, task.orderId);
        const { orderId, creditId, amountCents, what } = task;
        return this.credit({ customerId: order.customerId, creditId, orderId, amountCents, reason: 'refund', note: `order ${what}: payments received` }, task.ctx);
      }
    }
  }

  private async receive(paymentId: string, orderId: string, ctx: CommandContext): Promise<void> {
    const payment = await getPayment(this.deps, paymentId);
    if (payment.status === 'none') throw new Error(`payment ${paymentId} not found`);
    await handleCommand<OrderState, OrderEvent>(this.deps, orderStream(orderId), orderAggregate, (state) =>
      receivePayment({ paymentId, method: payment.method, amountCents: payment.amountCents, at: this.deps.clock().toISOString() }, state),
    { ...ctx, at: this.deps.clock().toISOString() });
  }

  private async credit(command: CreditCommand, ctx: CommandContext): Promise<void> {
    await handleCommand(this.deps, prepaidStream(command.customerId), prepaidAggregate, (state) => creditAccount({ ...command, at: this.deps.clock().toISOString() }, state), {
      ...ctx,
      at: this.deps.clock().toISOString(),
    });
  }
}
