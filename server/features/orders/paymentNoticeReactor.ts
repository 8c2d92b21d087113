// The payment notice of a direct order, when its placing did not queue it. Placing an order appends
// OrderPlaced, then the notice's EmailQueued (server/features/orders/service.ts): a server that dies
// between the two appends leaves the customer without the RF reference to pay with. This reactor
// keeps the direct orders placed whose notice the log does not show queued and queues the notice
// itself, on the same stream with 'no_stream', so a notice is never queued twice whoever gets there
// first: at once for the orders placed before it went live (their commands ended with the process
// that ran them, when it is this server's), and after NOTICE_GRACE_MS for those placed since (their
// command queues the notice within milliseconds, unless its server dies or the store fails between).
//
// Only orders placed less than NOTICE_MAX_AGE_MS ago: a start that replays the log (a new data
// directory, this reactor's first start on an older log) must not e-mail orders placed long ago,
// before notices were e-mailed at all; an order paid, cancelled or expired needs no notice. The
// timer's units have no cause, so with several servers each may try: the stream decides.
import { Reactor, type Decoded } from '../../reactors/reactor';
import { queuePaymentNoticeEmail } from './paymentNoticeEmail';

/** How long after its placing, while this server runs, an order's notice is taken as missing. */
export const NOTICE_GRACE_MS = 10_000;
/** Orders placed longer ago than this get no late notice. */
export const NOTICE_MAX_AGE_MS = 24 * 3_600_000;

interface Placed {
  customerId: string;
  placedAt: number;
}

export class PaymentNoticeReactor extends Reactor<{ orderId: string; customerId: string }> {
  readonly name = 'payment-notice';
  /** Direct orders placed without their notice queued (yet): orderId → customer and time placed. */
  readonly waiting = new Map<string, Placed>();
  private interval?: NodeJS.Timeout;
  /** When it went live (the clock's ms): orders placed before then are not waited for. */
  private liveSince = Number.POSITIVE_INFINITY;

  protected readonly observes = new Set<Decoded['type']>(['OrderPlaced', 'EmailQueued', 'OrderPaid', 'OrderCancelled', 'OrderExpired']);

  protected observe(event: Decoded): void {
    switch (event.type) {
      case 'OrderPlaced':
        if (event.data.payment.mode === 'direct') {
          this.waiting.set(event.data.orderId, { customerId: event.data.customerId, placedAt: Date.parse(event.data.placedAt) });
        }
        break;
      case 'EmailQueued':
        if (event.data.purpose === 'payment_notice') this.forget(event.data.orderId);
        break;
      case 'OrderPaid':
      case 'OrderCancelled':
      case 'OrderExpired':
        this.forget(event.data.orderId);
        break;
    }
  }

  private forget(orderId: string): void {
    this.waiting.delete(orderId);
    this.done(`notice:${orderId}`);
  }

  protected async perform(task: { orderId: string; customerId: string }): Promise<void> {
    await queuePaymentNoticeEmail(this.deps, task, this.systemContext());
  }

  protected override extraState(): Array<[string, Placed]> {
    return [...this.waiting];
  }

  protected override restoreExtraState(extra: unknown): void {
    this.waiting.clear();
    for (const [orderId, placed] of extra as Array<[string, Placed]>) this.waiting.set(orderId, placed);
  }

  protected override onLive(): void {
    this.liveSince = this.deps.clock().getTime();
    this.interval = setInterval(() => this.checkNow(), Math.min(this.deps.settings.orderExpiryCheckIntervalMs, NOTICE_GRACE_MS / 2));
    this.interval.unref();
    this.checkNow();
  }

  /** Schedules the notice of every order placed before it went live or waiting long enough since; forgets the old ones. */
  checkNow(): void {
    if (!this.live) return;
    const now = this.deps.clock().getTime();
    for (const [orderId, { customerId, placedAt }] of this.waiting) {
      if (placedAt < now - NOTICE_MAX_AGE_MS) this.forget(orderId);
      else if (placedAt <= this.liveSince || placedAt <= now - NOTICE_GRACE_MS) this.schedule(`notice:${orderId}`, { orderId, customerId });
    }
    this.kick();
  }

  override async stop(): Promise<void> {
    clearInterval(this.interval);
    await super.stop();
  }
}
