// The work a scenario sends: prepaid orders (placement, then fulfilment), direct orders and their
// bank transfers (payment matching, then fulfilment), refunds of fulfilled orders (credit notes).
// Every command carries an Idempotency-Key and stays pending until the server answers it: after a
// kill, `resume()` sends the pending ones again with the same key, as the console does.
import { randomUUID } from 'node:crypto';
import type { Answer, ApiClient } from './api';
import type { Random } from './random';

type Kind = 'prepaid_order' | 'direct_order' | 'payment' | 'refund';

export interface Command {
  key: string;
  kind: Kind;
  path: string;
  body: unknown;
  /** The 2xx answer, once there is one. */
  answer?: Answer;
  /** A 4xx refusal (e.g. a refund of an order not yet fulfilled): not sent again. */
  refused?: Answer;
  /**
   * Sent again after a kill, answered 409 "already recorded" (the first run did it, but its answer
   * was lost with the server) instead of the first run's answer.
   */
  duplicateAnswer?: Answer;
  /**
   * A prepaid order whose placing failed after its debit (a full disk): the debit was credited
   * back and the same key is answered 409 order_attempt_reversed. Its user places a new order, as
   * the message says; so does the workload, with a new key.
   */
  reversed?: Answer;
  sends: number;
  /** Answers 5xx seen (e.g. 503 disk full), with their bodies. */
  serverErrors: Answer[];
}

const today = () => new Date().toISOString().slice(0, 10);

export class Workload {
  readonly commands: Command[] = [];
  private readonly refunded = new Set<string>();

  constructor(
    private client: ApiClient,
    private readonly customerIds: string[],
    private readonly random: Random,
  ) {}

  /** The client of the server now running (after a restart). */
  use(client: ApiClient): void {
    this.client = client;
  }

  pending(): Command[] {
    return this.commands.filter((c) => !c.answer && !c.refused && !c.duplicateAnswer && !c.reversed);
  }

  /** Each pending command as a verdict names it: what, how often sent, the last answer. */
  describePending(): string[] {
    return this.pending().map((c) => {
      const last = c.serverErrors.at(-1);
      return `${c.kind} ${c.path} sent ${c.sends} times, last answer ${last ? `${last.status} ${last.text.slice(0, 160)}` : 'none (no answer)'}`;
    });
  }

  /**
   * Commands refused by a rule where none was expected. A refund is picked among the prepaid
   * orders answered so far, so it may come before its order is fulfilled: its refusal is the rule's
   * right answer (order_not_fulfilled), not a fault.
   */
  refusedUnexpectedly(commands: Command[] = this.commands): Command[] {
    return commands.filter((c) => c.refused && c.kind !== 'refund');
  }

  /** Orders answered as placed. */
  placedOrderIds(): string[] {
    return this.commands.filter((c) => (c.kind === 'prepaid_order' || c.kind === 'direct_order') && c.answer).map((c) => c.answer!.body.id as string);
  }

  /** Sends `count` new commands side by side (and the payments of direct orders answered meanwhile). */
  async burst(count: number): Promise<void> {
    const work: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const roll = this.random.next();
      if (roll < 0.45) work.push(this.send(this.prepaidOrder()));
      else if (roll < 0.9) work.push(this.send(this.directOrder()));
      else {
        const refund = this.refund();
        if (refund) work.push(this.send(refund));
      }
    }
    await Promise.all(work);
  }

  /** Sends every pending command again with its key, until each is answered or `deadline` passes. */
  async resume(deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      const pending = this.pending();
      if (pending.length === 0) return;
      await Promise.all(pending.map((c) => this.send(c)));
      if (this.pending().length > 0) await new Promise((r) => setTimeout(r, 200));
    }
  }

  private add(kind: Kind, path: string, body: unknown): Command {
    const command: Command = { key: randomUUID(), kind, path, body, sends: 0, serverErrors: [] };
    this.commands.push(command);
    return command;
  }

  private prepaidOrder(): Command {
    return this.add('prepaid_order', '/api/orders', {
      customerId: this.random.pick(this.customerIds),
      manual: { lines: [{ productCode: this.random.pick(['RIN-FIRMA', 'RIN-CNS', 'RIN-FIRMA-CNS']), quantity: this.random.int(1, 2) }] },
      payment: { mode: 'prepaid' },
    });
  }

  private directOrder(): Command {
    return this.add('direct_order', '/api/orders', {
      customerId: this.random.pick(this.customerIds),
      manual: { lines: [{ productCode: this.random.pick(['RIN-FIRMA', 'RIN-FIRMA-CNS']), quantity: 1 }] },
      payment: { mode: 'direct', method: 'bank_transfer' },
    });
  }

  private payment(order: Answer): Command {
    return this.add('payment', '/api/payments', {
      method: 'bank_transfer',
      amountCents: order.body.order.totals.totalCents as number,
      bankReference: `TRN ${randomUUID().slice(0, 18)}`,
      receivedOn: today(),
      payer: 'Mario Rossi',
      reason: `pagamento ${order.body.rfReference as string}`,
    });
  }

  private refund(): Command | null {
    const candidates = this.commands.filter((c) => c.kind === 'prepaid_order' && c.answer && !this.refunded.has(c.answer.body.id as string));
    if (candidates.length === 0) return null;
    const orderId = this.random.pick(candidates).answer!.body.id as string;
    this.refunded.add(orderId);
    return this.add('refund', `/api/orders/${orderId}/refund`, { refundTo: 'prepaid' });
  }

  private async send(command: Command): Promise<void> {
    command.sends++;
    let answer: Answer;
    try {
      answer = await this.client.post(command.path, command.body, command.key);
    } catch {
      return; // the server died or did not answer: still pending
    }
    if (answer.status >= 200 && answer.status < 300) {
      command.answer = answer;
      if (command.kind === 'direct_order') await this.send(this.payment(answer));
    } else if (answer.status >= 500 || (answer.status === 409 && ['idempotency_key_in_flight', 'concurrent_change'].includes(answer.body?.code))) {
      // "try again": a 5xx, the same key still in flight, or a stream changed by someone else meanwhile
      command.serverErrors.push(answer);
    } else if (answer.status === 401) {
      // a session lost with the server's data? keep it pending
    } else if (command.kind === 'prepaid_order' && answer.status === 409 && answer.body?.code === 'order_attempt_reversed') {
      command.reversed = answer;
      await this.send(this.add(command.kind, command.path, command.body));
    } else if (command.sends > 1 && answer.status === 409 && /_exists$|_taken$/.test(String(answer.body?.code))) {
      command.duplicateAnswer = answer;
    } else {
      command.refused = answer;
    }
  }
}
