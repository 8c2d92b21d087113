// The renewal reminders reactor. How it finds what is due: not by keeping every certificate in
// memory (its checkpoint would carry them all), but by asking the `certificate_deadlines` read model
// (SQLite, indexed by deadline) on an interval (settings.reminderCheckIntervalMs) at the injected
// clock's time, and once as soon as it is live, so a reminder due while the server was down goes out
// at start (only the latest offset due: see due.ts). Each certificate found is a unit of work keyed
// by its claim stream; `perform` decides on the device's own stream and claims the reminder once
// (service.ts), so a read model that lags delays a reminder, never repeats or wrongly sends one.
//
// The log tells it which reminders are recorded (RenewalReminderSent): a unit still waiting for one
// recorded meanwhile (by another server on the same store) is dropped.
import type Database from 'better-sqlite3';
import { Reactor, type Decoded, type ReactorDeps } from '../../reactors/reactor';
import { reminderStream } from '../../../domain/reminders/schedule';
import { dueReminders } from './due';
import { sendRenewalReminder, type ReminderTask } from './service';

export interface RenewalReminderReactorOptions {
  /** The read models' database (app.projections.db), for the due certificates. */
  readDb: () => Database.Database;
  /** Resolves once the read model has caught up with the log (the first check waits for it). */
  readModelCaughtUp?: (() => Promise<void>) | undefined;
}

export class RenewalReminderReactor extends Reactor<ReminderTask> {
  readonly name = 'renewal-reminders';
  private interval?: NodeJS.Timeout;
  /** Read-model problems already logged (once each, not every check). */
  private readonly logged = new Set<string>();

  constructor(
    deps: ReactorDeps,
    private readonly options: RenewalReminderReactorOptions,
  ) {
    super(deps);
  }

  protected readonly observes = new Set<Decoded['type']>(['RenewalReminderSent']);

  protected observe(event: Decoded): void {
    if (event.type !== 'RenewalReminderSent') return;
    const d = event.data;
    this.done(reminderStream(d.deviceSerial, d.certificateSerialNumber, d.offsetDays));
  }

  protected async perform(task: ReminderTask): Promise<void> {
    const result = await sendRenewalReminder(this.deps, task, this.systemContext());
    if (result.outcome === 'sent') {
      this.deps.log?.info({ reminder: result.stream, emailIds: result.emailIds }, 'renewal reminder queued');
    } else if (result.outcome === 'skipped' && result.why === 'no_recipient' && !this.logged.has(result.stream)) {
      this.logged.add(result.stream);
      this.deps.log?.warn({ reminder: result.stream }, 'renewal reminder due but no customer to write to (no customer with the holder\'s codice fiscale, no order)');
    }
  }

  protected override onLive(): void {
    this.interval = setInterval(() => this.checkNow(), this.deps.settings.reminderCheckIntervalMs);
    this.interval.unref();
    // At start, the first check waits for the read model to catch up with the log, so a reminder
    // that fell due while the server was down goes out now, not at the next interval.
    const caughtUp = this.options.readModelCaughtUp?.() ?? Promise.resolve();
    caughtUp.then(
      () => this.checkNow(),
      () => this.checkNow(),
    );
  }

  /** Schedules every reminder the read model shows due at the clock's time (the timer calls this). */
  checkNow(): void {
    if (!this.live) return;
    let due: ReminderTask[];
    try {
      due = dueReminders(this.options.readDb(), this.deps.clock(), this.deps.settings.reminderOffsetsDays);
    } catch (error) {
      // The read model not there yet (being built) or the database closing: the next check sees it.
      if (!this.logged.has('read-model')) {
        this.logged.add('read-model');
        this.deps.log?.warn({ err: error }, 'renewal reminders: the certificate deadlines cannot be read yet');
      }
      return;
    }
    for (const task of due) this.schedule(reminderStream(task.deviceSerial, task.certificateSerialNumber, task.offsetDays), task);
    this.kick();
  }

  override async stop(): Promise<void> {
    clearInterval(this.interval);
    await super.stop();
  }
}
