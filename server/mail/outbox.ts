// The outbox worker: follows the log, keeps the e-mails that are queued and not yet sent, and sends
// them through SMTP, retrying with back-off while the server is down. Every outcome is an event on
// the e-mail's own stream, appended with the revision the worker knows, so two workers (or a worker
// restarted mid-send) never record one e-mail twice.
//
// Delivery is at least once in one narrow window: if the process dies after the SMTP server accepted
// a message and before EmailSent is written, the message is sent again after the restart. The
// Message-ID is derived from the e-mail id, so the copies are recognisably the same message.
//
// Time: waits are measured on the monotonic clock, so a wall clock set back (by an hour, or by NTP)
// never makes an e-mail wait longer than its back-off; a retry time read back from the log is
// capped at the back-off it was given. The times recorded on an e-mail's stream never go back
// (each is at least the one before it), so no outcome is dated before the e-mail was queued.
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { CommandContext, DecodedEvent, EventCatalogue } from '../../events/catalogue';
import { SYSTEM_ACTOR } from '../../events/catalogue';
import { emailStream, type EmailEvent } from '../../events/emails';
import { WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '../../events/port';
import { followLog, type Following, type LogFollower } from '../reactors/followLog';
import type { ComposedEmail } from './couponEmail';
import { randomUUID } from 'node:crypto';

type Queued = Extract<EmailEvent, { type: 'EmailQueued' }>['data'];

export interface PendingEmail {
  queued: Queued;
  /** Attempts made so far. */
  attempts: number;
  /** Not before this time (ms since epoch), as recorded. */
  retryAt: number;
  /** Not before this time on the monotonic clock (`performance.now()`): what the worker waits for. */
  dueAt: number;
  /** The latest time recorded on the e-mail's stream (ms since epoch): the next one is not before it. */
  lastAt: number;
  /** Revision of the e-mail's stream, for the append that records the outcome. */
  revision: number;
  causationId: string;
}

export interface OutboxSettings {
  /** Delay after the first failure; doubled each time up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** After this many failed attempts the e-mail is given up (staff can ask for a retry). */
  maxAttempts: number;
  fromAddress: string;
  /** Domain part of Message-IDs. */
  messageIdDomain: string;
}

export const defaultOutboxSettings: OutboxSettings = {
  firstDelayMs: 5_000,
  maxDelayMs: 15 * 60_000,
  maxAttempts: 12,
  fromAddress: 'Back office <noreply@localhost>',
  messageIdDomain: 'backoffice.local',
};

export interface OutboxDeps<E extends { type: string; data: unknown }> {
  store: EventStore;
  catalogue: EventCatalogue<E>;
  transport: Transporter;
  /** Composes the message when it is sent: the recipient is the profile e-mail in force then. */
  compose(queued: Queued): Promise<ComposedEmail & { to: string }>;
  settings?: Partial<OutboxSettings>;
  now?: () => number;
  /** A clock that never goes back, in ms (default `performance.now()`). */
  monotonic?: () => number;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export function backoffDelay(attempt: number, settings: Pick<OutboxSettings, 'firstDelayMs' | 'maxDelayMs'>): number {
  return Math.min(settings.maxDelayMs, settings.firstDelayMs * 2 ** Math.max(0, attempt - 1));
}

export class OutboxWorker<E extends { type: string; data: unknown }> implements LogFollower {
  readonly pending = new Map<string, PendingEmail>();
  private readonly settings: OutboxSettings;
  private readonly now: () => number;
  private readonly monotonic: () => number;
  private following?: Following;
  private live = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private sending?: Promise<void>;
  /** After a failure to record an outcome: nothing is sent before this (monotonic ms). */
  private pausedUntil = 0;

  constructor(private readonly deps: OutboxDeps<E>) {
    this.settings = { ...defaultOutboxSettings, ...deps.settings };
    this.now = deps.now ?? Date.now;
    this.monotonic = deps.monotonic ?? (() => performance.now());
  }

  /** Follows the log from the start on a subscription of its own; sending begins once the replay has caught up. */
  start(): void {
    this.following = followLog(this.deps.store, [this]);
  }

  accept(recorded: RecordedEvent): void {
    if (!recorded.stream.startsWith('email-') || !this.deps.catalogue.has(recorded.type)) return;
    this.apply(this.deps.catalogue.decode(recorded) as unknown as DecodedEvent<EmailEvent>);
    if (this.live) this.kick();
  }

  caughtUp(): void {
    this.live = true;
    this.kick();
  }

  failed(error: unknown): void {
    this.deps.log?.error({ err: error }, 'outbox stopped following the log');
  }

  /** Stops its own subscription, if it has one; a sending in progress finishes first. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.following?.stop();
    await this.sending;
  }

  /** Whether the e-mail's next attempt is due now. */
  isDue(email: PendingEmail): boolean {
    return email.dueAt <= this.monotonic();
  }

  /** Resolves when nothing is due now (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.sending) await this.sending;
  }

  /** E-mails given up, kept so that a retry requested by staff can put them back in the queue. */
  private readonly givenUp = new Map<string, PendingEmail>();

  private apply(event: { type: EmailEvent['type']; data: EmailEvent['data']; id: string; revision: number }): void {
    const id = event.data.emailId;
    const current = this.pending.get(id) ?? this.givenUp.get(id);
    // The worker applies its own outcomes at once; the subscription then delivers them again.
    if (current && event.revision <= current.revision) return;
    if (current) current.revision = event.revision;
    switch (event.type) {
      case 'EmailQueued': {
        const data = event.data as Queued;
        const queuedAt = Date.parse(data.queuedAt);
        this.pending.set(id, { queued: data, attempts: 0, retryAt: 0, dueAt: 0, lastAt: queuedAt, revision: event.revision, causationId: event.id });
        break;
      }
      case 'EmailAttemptFailed':
        if (current) {
          const data = event.data as Extract<EmailEvent, { type: 'EmailAttemptFailed' }>['data'];
          const delay = backoffDelay(data.attempt, this.settings);
          current.attempts = data.attempt;
          current.retryAt = Date.parse(data.retryAt);
          // Recorded at retryAt − delay; waited for on the monotonic clock, never longer than the delay.
          current.lastAt = Math.max(current.lastAt, current.retryAt - delay);
          current.dueAt = this.monotonic() + Math.min(delay, Math.max(0, current.retryAt - this.now()));
        }
        break;
      case 'EmailSent':
        this.pending.delete(id);
        this.givenUp.delete(id);
        break;
      case 'EmailGaveUp':
        if (current) this.givenUp.set(id, current);
        this.pending.delete(id);
        break;
      case 'EmailRetryRequested':
        if (current) {
          this.givenUp.delete(id);
          this.pending.set(id, { ...current, attempts: 0, retryAt: 0, dueAt: 0, causationId: event.id });
        }
        break;
    }
  }

  /** Re-reads one e-mail's stream, when another writer recorded an outcome first. */
  private async reload(emailId: string): Promise<void> {
    const events = await this.deps.store.readStream(emailStream(emailId));
    this.pending.delete(emailId);
    this.givenUp.delete(emailId);
    for (const r of events) this.apply(this.deps.catalogue.decode(r) as unknown as DecodedEvent<EmailEvent>);
  }

  private kick(): void {
    if (this.stopped || !this.live || this.sending) return;
    this.sending = this.sendDue()
      .catch((error: unknown) => {
        // An outcome could not be recorded (a full disk, the store away): the e-mail stays pending,
        // and the worker tries again after the first back-off instead of crashing the process.
        this.deps.log?.error({ err: error }, 'outbox could not record an outcome; trying again shortly');
        this.pausedUntil = this.monotonic() + this.settings.firstDelayMs;
      })
      .finally(() => {
        this.sending = undefined;
        this.schedule();
      });
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped || this.pending.size === 0) return;
    const next = Math.max(this.pausedUntil, Math.min(...[...this.pending.values()].map((p) => p.dueAt)));
    this.timer = setTimeout(() => this.kick(), Math.max(0, next - this.monotonic()));
    this.timer.unref();
  }

  private async sendDue(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      if (this.monotonic() < this.pausedUntil) return;
      const due = [...this.pending.values()].find((p) => this.isDue(p));
      if (!due) return;
      await this.sendOne(due);
    }
  }

  private context(causationId: string, correlationId: string): CommandContext {
    return {
      actor: SYSTEM_ACTOR,
      at: new Date(this.now()).toISOString(),
      correlationId,
      causationId,
    };
  }

  private async record(email: PendingEmail, event: EmailEvent): Promise<void> {
    const id = email.queued.emailId;
    const encoded = this.deps.catalogue.encode(event as unknown as E, this.context(email.causationId, randomUUID()));
    try {
      const appended = await this.deps.store.append(emailStream(id), [encoded], { expectedRevision: email.revision });
      this.apply({ ...event, id: encoded.id, revision: appended.nextRevision });
    } catch (error) {
      // Someone else recorded an outcome first (another worker, or staff): take the stream as it is.
      if (error instanceof WrongExpectedRevisionError) await this.reload(id);
      else throw error;
    }
  }

  private async sendOne(email: PendingEmail): Promise<void> {
    const attempt = email.attempts + 1;
    const messageId = `<${email.queued.emailId}@${this.settings.messageIdDomain}>`;
    // Never before the last time on the e-mail's stream, whatever the wall clock did meanwhile.
    const atMs = Math.max(this.now(), email.lastAt);
    const at = new Date(atMs).toISOString();
    try {
      const message = await this.deps.compose(email.queued);
      await this.deps.transport.sendMail({
        from: this.settings.fromAddress,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId,
      });
      await this.record(email, {
        type: 'EmailSent',
        data: { emailId: email.queued.emailId, to: message.to, messageId, attempt, sentAt: at },
      });
      this.deps.log?.info({ emailId: email.queued.emailId, attempt }, 'e-mail sent');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.deps.log?.warn({ emailId: email.queued.emailId, attempt, reason }, 'e-mail attempt failed');
      if (attempt >= this.settings.maxAttempts) {
        await this.record(email, {
          type: 'EmailGaveUp',
          data: { emailId: email.queued.emailId, attempts: attempt, error: reason, at },
        });
      } else {
        const retryAt = new Date(atMs + backoffDelay(attempt, this.settings)).toISOString();
        await this.record(email, {
          type: 'EmailAttemptFailed',
          data: { emailId: email.queued.emailId, attempt, error: reason, retryAt },
        });
      }
    }
  }
}
