// Starts the sales process managers and the e-mail outbox on one store:
//   payment application (payments → orders, surpluses → prepaid), fulfilment (paid orders →
//   coupons, invoice, e-mail), order expiry (timer), renewal reminders (timer over the read model
//   of certificate deadlines, when the read models are given), the replacement cards' steps, pay-after
//   renewal fees (completed renewal → fee order), and the OutboxWorker that sends the e-mails
//   (coupon codes and reminders).
//
//   const reactors = startReactors({ ...salesDeps, transport: nodemailer.createTransport(url) });
//   ...
//   await reactors.stop();
import type Database from 'better-sqlite3';
import type { Transporter } from 'nodemailer';
import { OutboxWorker, type OutboxSettings } from '../features/emails/outbox';
import type { DomainEvent } from '../../events/index';
import { composeEmailFor } from '../features/emails/compose';
import { RenewalReminderReactor } from '../features/reminders/reactor';
import { FulfilmentReactor, type FulfilmentHooks } from '../features/orders/fulfilment';
import { OrderExpiryReactor } from '../features/orders/expiry';
import { PaymentApplicationReactor } from '../features/payments/application';
import { RenewalFeeReactor } from '../features/renewals/feeOrders';
import { ReplacementProcessReactor } from '../features/replacements/process';
import type { CheckpointStore } from './checkpoints';
import { followLog } from './followLog';
import type { ReactorDeps } from './reactor';

export { composeCouponEmailFor } from '../features/emails/couponEmails';
export { FulfilmentReactor, fulfilOrder, type FulfilmentHooks } from '../features/orders/fulfilment';
export { OrderExpiryReactor } from '../features/orders/expiry';
export { PaymentApplicationReactor } from '../features/payments/application';
export { RenewalFeeReactor } from '../features/renewals/feeOrders';
export { RenewalReminderReactor } from '../features/reminders/reactor';
export { ReplacementProcessReactor } from '../features/replacements/process';
export { Reactor, type ReactorDeps, type ReactorLog } from './reactor';
export { sqliteCheckpointStore, type CheckpointStore } from './checkpoints';

export interface StartReactorsDeps extends ReactorDeps {
  transport: Transporter;
  outbox?: Partial<OutboxSettings> | undefined;
  /** Test hooks of the fulfilment (simulated crashes). */
  fulfilmentHooks?: FulfilmentHooks | undefined;
  /** Where the reactors and the outbox keep their checkpoints; without one they replay the whole log at start. */
  checkpoints?: CheckpointStore | undefined;
  /** The read models' database (app.projections.db): without it no renewal reminders are sent. */
  readDb?: (() => Database.Database) | undefined;
  /** Resolves once the read models have caught up with the log. */
  readModelsCaughtUp?: (() => Promise<void>) | undefined;
}

export interface RunningReactors {
  payments: PaymentApplicationReactor;
  fulfilment: FulfilmentReactor;
  expiry: OrderExpiryReactor;
  /** Pay-after renewals completed → the fee order. */
  renewalFees: RenewalFeeReactor;
  /** Null without the read models (readDb). */
  reminders: RenewalReminderReactor | null;
  replacements: ReplacementProcessReactor;
  outbox: OutboxWorker<DomainEvent>;
  /** Resolves once all of them have caught up with the log and started their work. */
  live: Promise<void>;
  /** Where the log was read from at start: the earliest of their checkpoints' positions (0: the whole log). */
  resumedFrom: number;
  /** Stops following the log; work in progress finishes first. */
  stop(): Promise<void>;
  /**
   * Resolves once every reactor has seen the whole log and nothing is due, over a full pass in
   * which nothing new was appended (e-mails due for sending are waited for too).
   */
  idle(): Promise<void>;
}

export function startReactors(deps: StartReactorsDeps): RunningReactors {
  const payments = new PaymentApplicationReactor(deps);
  const fulfilment = new FulfilmentReactor(deps, { hooks: deps.fulfilmentHooks });
  const expiry = new OrderExpiryReactor(deps);
  const renewalFees = new RenewalFeeReactor(deps);
  const replacements = new ReplacementProcessReactor(deps);
  const outbox = new OutboxWorker<DomainEvent>({
    store: deps.store,
    catalogue: deps.catalogue,
    transport: deps.transport,
    compose: composeEmailFor(deps),
    settings: deps.outbox,
    log: deps.log,
  });
  const reminders = deps.readDb ? new RenewalReminderReactor(deps, { readDb: deps.readDb, readModelCaughtUp: deps.readModelsCaughtUp }) : null;
  const reactors = [payments, fulfilment, expiry, replacements, renewalFees, ...(reminders ? [reminders] : [])];
  // One subscription for them all: each event is read and parsed once.
  const started = performance.now();
  const following = followLog(deps.store, [...reactors, outbox], {
    checkpoints: deps.checkpoints,
    onSaveError: (error) => deps.log?.error({ err: error }, 'reactor checkpoint not saved; it will be tried again'),
  });
  const { resumedFrom } = following;
  void following.live.then(() =>
    deps.log?.info({ resumedFrom, ms: Math.round(performance.now() - started) }, 'reactors live'),
  );

  let stopped = false;
  const outboxIdle = async () => {
    await outbox.idle();
    while (!stopped && outbox.hasDue()) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await outbox.idle();
    }
  };

  return {
    payments,
    fulfilment,
    expiry,
    renewalFees,
    reminders,
    replacements,
    outbox,
    live: following.live,
    resumedFrom,
    async stop() {
      stopped = true;
      await following.stop();
      await Promise.all([...reactors.map((r) => r.stop()), outbox.stop()]);
    },
    async idle() {
      for (;;) {
        const head = await deps.store.headPosition();
        for (const r of reactors) await r.idle();
        await outboxIdle();
        if (stopped || (await deps.store.headPosition()) === head) return;
      }
    },
  };
}
