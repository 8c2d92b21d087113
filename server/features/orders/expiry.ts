// Expires unpaid direct orders past their expiresAt. The open orders are kept in memory from the
// log (placed with a direct payment, not yet paid, cancelled or expired); a timer (unref'd, so it
// never keeps the process alive) looks for the ones past their time and expires them.
import { expireOrders } from './service';
import { Reactor, type Decoded, type ReactorDeps } from '../../reactors/reactor';

export class OrderExpiryReactor extends Reactor<{ orderId: string }> {
  readonly name = 'order-expiry';
  /** Unpaid direct orders: orderId → expiresAt (ms). */
  readonly open = new Map<string, number>();
  private interval?: NodeJS.Timeout;

  constructor(deps: ReactorDeps) {
    super(deps);
  }

  protected readonly observes = new Set<Decoded['type']>(['OrderPlaced', 'OrderPaid', 'OrderCancelled', 'OrderExpired']);

  protected observe(event: Decoded): void {
    switch (event.type) {
      case 'OrderPlaced':
        if (event.data.payment.mode === 'direct') this.open.set(event.data.orderId, Date.parse(event.data.payment.expiresAt));
        break;
      case 'OrderPaid':
      case 'OrderCancelled':
      case 'OrderExpired':
        this.open.delete(event.data.orderId);
        this.done(`expire:${event.data.orderId}`);
        break;
    }
  }

  protected async perform({ orderId }: { orderId: string }): Promise<void> {
    await expireOrders(this.deps, { orderIds: [orderId] }, this.systemContext());
  }

  protected override extraState(): Array<[string, number]> {
    return [...this.open];
  }

  protected override restoreExtraState(extra: unknown): void {
    this.open.clear();
    for (const [orderId, expiresAt] of extra as Array<[string, number]>) this.open.set(orderId, expiresAt);
  }

  protected override onLive(): void {
    this.interval = setInterval(() => this.checkNow(), this.deps.settings.orderExpiryCheckIntervalMs);
    this.interval.unref();
    this.checkNow();
  }

  /** Schedules the expiry of every open order past its time (the timer calls this). */
  checkNow(): void {
    if (!this.live) return;
    const now = this.deps.clock().getTime();
    for (const [orderId, expiresAt] of this.open) {
      if (expiresAt > now) continue;
      this.schedule(`expire:${orderId}`, { orderId });
    }
    this.kick();
  }

  override async stop(): Promise<void> {
    clearInterval(this.interval);
    await super.stop();
  }
}
