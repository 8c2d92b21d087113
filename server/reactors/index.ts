// Starts the sales process managers and the e-mail outbox on one store:
//   payment application (payments → orders, surpluses → prepaid), fulfilment (paid orders →
//   coupons, invoice, e-mail), order expiry (timer), late payment notices (timer: a direct order
//   whose placing did not queue its notice), renewal reminders (timer over the read model
//   of certificate deadlines, when the read models are given), the replacement cards' steps, pay-after
//   renewal fees (completed renewal → fee order), and the OutboxWorker that sends the e-mails
//   (coupon codes and reminders).
//
//   const reactors = startReactors({ ...salesDeps, transport: nodemailer.createTransport(url) });
//   ...
//   await reactors.stop();
//
// On a store shared by several servers (EventStoreDB: `store.competingConsumers`) the reactors
// share their work through persistent subscriptions (server/reactors/competing.ts) and the outbox
// claims each send on the e-mail's stream under a lease (features/emails/outbox.ts); on the
// embedded store one server does it all, as before. `status()` says which, per reactor.
import type Database from 'better-sqlite3';
import type { Transporter } from 'nodemailer';
import { OutboxWorker, SHARED_ATTEMPT_LEASE_MS, type OutboxSettings } from '../features/emails/outbox';
import { defaultCompetingSettings, groupName, type CompetingSettings, type WorkMode } from './competing';
import type { DomainEvent } from '../../events/index';
import type { ServerRun } from '../../domain/shared/serverRun';
import { composeEmailFor } from '../features/emails/compose';
import { RenewalReminderReactor } from '../features/reminders/reactor';
import { FulfilmentReactor, type FulfilmentHooks } from '../features/orders/fulfilment';
import { OrderExpiryReactor } from '../features/orders/expiry';
import { PaymentNoticeReactor } from '../features/orders/paymentNoticeReactor';
import { PaymentApplicationReactor } from '../features/payments/application';
import { RenewalFeeReactor } from '../features/renewals/feeOrders';
import { ReplacementProcessReactor } from '../features/replacements/process';
import type { CheckpointStore } from './checkpoints';
import { followLog } from './followLog';
import type { ReactorDeps, ReactorStatus } from './reactor';

export { composeCouponEmailFor } from '../features/emails/couponEmails';
export { FulfilmentReactor, fulfilOrder, type FulfilmentHooks } from '../features/orders/fulfilment';
export { OrderExpiryReactor } from '../features/orders/expiry';
export { PaymentNoticeReactor } from '../features/orders/paymentNoticeReactor';
export { PaymentApplicationReactor } from '../features/payments/application';
export { RenewalFeeReactor } from '../features/renewals/feeOrders';
export { RenewalReminderReactor } from '../features/reminders/reactor';
export { ReplacementProcessReactor } from '../features/replacements/process';
export { Reactor, type ReactorDeps, type ReactorLog, type ReactorStatus } from './reactor';
export { groupName, type CompetingSettings, type WorkMode } from './competing';
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
  /**
   * How the work is shared: by default persistent when the store offers competing consumers
   * (EventStoreDB), catch-up otherwise; and the persistent subscriptions' settings.
   */
  competing?: ({ mode?: WorkMode | undefined } & Partial<CompetingSettings>) | undefined;
  /** This server run: the outbox's attempts are started by it. */
  run?: ServerRun | undefined;
}

export interface RunningReactors {
  payments: PaymentApplicationReactor;
  fulfilment: FulfilmentReactor;
  expiry: OrderExpiryReactor;
  /** Direct orders whose payment notice their placing did not queue (a crash between the two appends). */
  paymentNotices: PaymentNoticeReactor;
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
  /** catch-up: this server does all the work; persistent: the servers share it. */
  mode: WorkMode;
  /** Each reactor's and the outbox's mode, lag and connection (for /health and /metrics). */
  status(): Promise<ReactorStatus[]>;
  /**
   * Hands the events parked by the named reactor's group out again: false when the reactor does
   * not share its work (catch-up mode: nothing is parked), undefined when there is no such reactor.
   */
  replayParked(name: string): Promise<boolean | undefined>;
  /** The reactors that share their work (persistent mode) and how many events each one's group has parked (null: the store cannot say now). */
  parked(): Promise<Array<{ name: string; group: string; parked: number | null }>>;
  /** Stops following the log; work in progress finishes first. */
  stop(): Promise<void>;
  /**
   * Resolves once every reactor has seen the whole log and nothing is due, over a full pass in
   * which nothing new was appended (e-mails due for sending are waited for too).
   */
  idle(): Promise<void>;
}

export function startReactors(deps: StartReactorsDeps): RunningReactors {
  const consumers = deps.store.competingConsumers;
  const mode: WorkMode = deps.competing?.mode ?? (consumers ? 'persistent' : 'catch-up');
  if (mode === 'persistent' && !consumers) throw new Error(`the ${deps.store.kind} store has no persistent subscriptions: the reactors cannot share their work`);
  const payments = new PaymentApplicationReactor(deps);
  const fulfilment = new FulfilmentReactor(deps, { hooks: deps.fulfilmentHooks });
  const expiry = new OrderExpiryReactor(deps);
  const paymentNotices = new PaymentNoticeReactor(deps);
  const renewalFees = new RenewalFeeReactor(deps);
  const replacements = new ReplacementProcessReactor(deps);
  const outbox = new OutboxWorker<DomainEvent>({
    store: deps.store,
    catalogue: deps.catalogue,
    transport: deps.transport,
    compose: composeEmailFor(deps),
    settings: { ...(mode === 'persistent' ? { attemptLeaseMs: SHARED_ATTEMPT_LEASE_MS } : {}), ...deps.outbox },
    log: deps.log,
    run: deps.run,
  });
  const reminders = deps.readDb ? new RenewalReminderReactor(deps, { readDb: deps.readDb, readModelCaughtUp: deps.readModelsCaughtUp }) : null;
  const reactors = [payments, fulfilment, expiry, paymentNotices, replacements, renewalFees, ...(reminders ? [reminders] : [])];
  if (mode === 'persistent') {
    const { mode: _mode, ...settings } = deps.competing ?? {};
    for (const reactor of reactors) reactor.shareWork(consumers!, { ...defaultCompetingSettings, ...settings });
  }
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
    paymentNotices,
    renewalFees,
    reminders,
    replacements,
    outbox,
    live: following.live,
    resumedFrom,
    mode,
    async status() {
      const head = await deps.store.headPosition();
      const statuses = await Promise.all(reactors.map((r) => r.status(head)));
      statuses.push({
        name: outbox.name,
        mode: 'catch-up', // every server's outbox; sends are claimed on the e-mails' streams
        live: outbox.isLive,
        position: outbox.position,
        lag: Math.max(0, head - outbox.position),
        backlog: outbox.pending.size,
        inFlight: outbox.inFlight,
        connected: !stopped,
        parked: null,
      });
      return statuses;
    },
    async parked() {
      const shared = mode === 'persistent' ? reactors : [];
      return Promise.all(shared.map(async (r) => ({ name: r.name, group: groupName(r), parked: await r.parked() })));
    },
    async replayParked(name) {
      return reactors.find((r) => r.name === name)?.replayParked();
    },
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
