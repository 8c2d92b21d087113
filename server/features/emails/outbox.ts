// The outbox worker: follows the log, keeps the e-mails that are queued and not yet sent, and sends
// them through SMTP, retrying with back-off while the server is down (once a send goes through
// again, or the server answers a probe, the e-mails that failed for want of it go at once). What
// it keeps in memory only says which e-mails may need a send and when; before each send it reads
// the e-mail's own stream, and every outcome is decided on that stream by the e-mail decider
// (domain/emails/decider.ts) and appended with the revision read. So an e-mail already recorded as
// sent is neither sent nor recorded again, whatever order the worker learnt of its events in, and
// two workers never record one e-mail twice.
//
// The one duplicate no outbox can rule out: the SMTP server accepted the message and the process
// died before EmailSent was committed. The window is kept to that: EmailAttemptStarted is committed
// before the message is handed over, and EmailSent is appended as soon as the SMTP server answers
// (nothing is read or composed in between); the commit then takes one fsync of the event log. When
// the outcome cannot be recorded (store unavailable), the worker remembers that the SMTP server
// accepted it and only records it later, without sending again. After a crash in the window, the
// next send finds the attempt unfinished and its EmailSent says `possiblyDuplicate`; the
// Message-ID, derived from the e-mail id, is the same, so mail clients can tell the copies apart.
//
// Several servers (issue #21): every server's outbox follows the log and knows every queued
// e-mail, so the send is claimed on the e-mail's own stream: EmailAttemptStarted is appended with
// the exact revision the worker read, never decided again on a conflict; the worker whose append
// lands sends, the others see the attempt and leave the e-mail alone. Each attempt names the
// server run that started it (the server's id from its data directory, and this start). An
// unfinished attempt of the same server is taken up at once by a new attempt: a server knows which
// e-mails it is sending (never one e-mail twice at once), so one of its own that the log shows
// unfinished and that it is not sending is not going on (its run died, or its outcome could not be
// recorded); a server restarted after a crash thus finishes its own sends without waiting. One of
// another server is theirs for `attemptLeaseMs` (longer than an SMTP send may take); once that
// has passed without an outcome that server is taken to be dead, and another one claims a new
// attempt. Either way its EmailSent then says `possiblyDuplicate`. With one server the lease is 0:
// an unfinished attempt is its own, from before a restart, and is taken up at once, as it always was.
//
// Several e-mails go out at once (`concurrentSends`, the SMTP pool's connections), so that a burst
// of orders or one slow conversation with the SMTP server does not hold every other customer's
// e-mail behind it; each e-mail is still claimed, sent and recorded on its own stream as above.
//
// Waits are measured on the monotonic clock: a wall clock set back does not postpone a retry by
// more than the longest back-off, and never gives a negative wait.
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { CommandContext, DecodedEvent, EventCatalogue } from '../../../events/eventCatalogue';
import { SYSTEM_ACTOR } from '../../../events/eventCatalogue';
import { emailStream, type EmailEvent } from '../../../domain/emails/events';
import type { EventStore, RecordedEvent } from '../../../events/port';
import { appendDecided, handleCommand, loadAggregate } from '../../commands/handle';
import { WrongExpectedRevisionError } from '../../../events/port';
import { attemptHeldFor, emailAggregate, recordEmailAttemptFailed, recordEmailSent, startEmailAttempt, type EmailState } from '../../../domain/emails/decider';
import type { ServerRun } from '../../../domain/shared/serverRun';
import { DomainError } from '../../../domain/shared/errors';
import type { Checkpoint } from '../../reactors/checkpoints';
import { followLog, type CheckpointedFollower, type Following } from '../../reactors/followLog';
import type { ComposedEmail } from './couponEmailMessage';
import { randomUUID } from 'node:crypto';
import { uuidv7 } from '../../../events/uuid';
import { DueTimes } from '../../dueTimes';

type Queued = Extract<EmailEvent, { type: 'EmailQueued' }>['data'];

export interface PendingEmail {
  queued: Queued;
  /** Attempts made so far. */
  attempts: number;
  /** Not before this time (ms since epoch, wall clock), as the log says. */
  retryAt: number;
  /** Revision of the e-mail's stream this entry reflects: older events delivered late are ignored. */
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
  /**
   * How long an attempt another worker started is left to it (ms); 0 with one server. Longer than
   * a send may take (nodemailer gives up on a silent SMTP server after 10 minutes).
   */
  attemptLeaseMs: number;
  /** E-mails sent at once: as many as the SMTP pool keeps connections (nodemailer's maxConnections, 5). */
  concurrentSends: number;
  /** While e-mails wait because no SMTP server could be reached, how often to ask whether one answers (ms). */
  smtpProbeMs: number;
}

/** The lease with several servers: beyond nodemailer's socket timeout (10 min). */
export const SHARED_ATTEMPT_LEASE_MS = 11 * 60_000;

export const defaultOutboxSettings: OutboxSettings = {
  firstDelayMs: 5_000,
  maxDelayMs: 15 * 60_000,
  maxAttempts: 12,
  fromAddress: 'Back office <noreply@localhost>',
  messageIdDomain: 'backoffice.local',
  attemptLeaseMs: 0,
  concurrentSends: 5,
  smtpProbeMs: 5_000,
};

export interface OutboxDeps<E extends { type: string; data: unknown }> {
  store: EventStore;
  catalogue: EventCatalogue<E>;
  transport: Transporter;
  /** Composes the message when it is sent: the recipient is the profile e-mail in force then. */
  compose(queued: Queued): Promise<ComposedEmail & { to: string }>;
  settings?: Partial<OutboxSettings>;
  /** Wall clock (ms since epoch), for the times recorded in events. */
  now?: () => number;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The server run its attempts are started by; without one, a server of its own (tests). */
  run?: ServerRun | undefined;
}

export function backoffDelay(attempt: number, settings: Pick<OutboxSettings, 'firstDelayMs' | 'maxDelayMs'>): number {
  return Math.min(settings.maxDelayMs, settings.firstDelayMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Whether the send failed before any SMTP server was reached: refused or unreachable at connect,
 * no greeting in time, a name that does not resolve (nodemailer's codes). Not a reply code, and not
 * a connection dropped in the middle of a message, which may be the message's own doing.
 */
function smtpNotReached(error: unknown): boolean {
  const e = error as { code?: unknown; syscall?: unknown; command?: unknown } | null;
  return (e?.code === 'ESOCKET' && e.syscall === 'connect') || e?.code === 'EDNS' || (e?.code === 'ETIMEDOUT' && e.command === 'CONN');
}

interface OutboxSnapshot {
  pending: PendingEmail[];
  givenUp: PendingEmail[];
}

/** What the SMTP server accepted and the log does not show yet. */
interface AcceptedBySmtp {
  to: string;
  messageId: string;
  at: string;
  afterUnfinishedAttempt: boolean;
}

export class OutboxWorker<E extends { type: string; data: unknown }> implements CheckpointedFollower {
  readonly name = 'email-outbox';
  readonly checkpointVersion = 1;
  readonly pending = new Map<string, PendingEmail>();
  /** E-mails given up, kept so that a retry requested by staff can put them back in the queue. */
  private readonly givenUp = new Map<string, PendingEmail>();
  /** When each pending e-mail is due, on the monotonic clock (performance.now()). */
  private readonly dueAt = new DueTimes<string>();
  private readonly accepted = new Map<string, AcceptedBySmtp>();
  /** E-mails whose last attempt here failed before reaching the SMTP server. */
  private readonly unreached = new Set<string>();
  private readonly settings: OutboxSettings;
  private readonly now: () => number;
  private readonly run: ServerRun;
  private following?: Following;
  private observed = 0;
  private live = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  /** The next probe of the SMTP server, or the one going on. */
  private probe?: NodeJS.Timeout;
  /** The sends going on, by e-mail id: an e-mail in here is not started again until it ends. */
  private readonly sending = new Map<string, Promise<void>>();
  private readonly isSending = (emailId: string) => this.sending.has(emailId);

  constructor(private readonly deps: OutboxDeps<E>) {
    this.settings = { ...defaultOutboxSettings, ...deps.settings };
    this.now = deps.now ?? Date.now;
    this.run = deps.run ?? { server: randomUUID(), run: randomUUID() };
  }

  /** Follows the log from the start on a subscription of its own; sending begins once the replay has caught up. */
  start(): void {
    this.following = followLog(this.deps.store, [this]);
  }

  get position(): number {
    return this.observed;
  }

  snapshot(): OutboxSnapshot {
    return { pending: [...this.pending.values()], givenUp: [...this.givenUp.values()] };
  }

  restore(checkpoint: Checkpoint): void {
    const saved = checkpoint.state as OutboxSnapshot;
    this.pending.clear();
    this.givenUp.clear();
    this.dueAt.clear();
    for (const email of saved.pending) {
      this.pending.set(email.queued.emailId, email);
      this.planAt(email);
    }
    for (const email of saved.givenUp) this.givenUp.set(email.queued.emailId, email);
    this.observed = checkpoint.position;
  }

  accept(recorded: RecordedEvent): void {
    this.observed = recorded.position;
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

  /** Stops its own subscription, if it has one; the sends in progress finish first. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.probe);
    await this.following?.stop();
    await this.idle();
  }

  /** It has caught up with the log and sends. */
  get isLive(): boolean {
    return this.live;
  }

  /** How many sends are in progress. */
  get inFlight(): number {
    return this.sending.size;
  }

  /** Resolves when no send is in progress (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.sending.size > 0) await Promise.all(this.sending.values());
  }

  /** Whether an e-mail is due now (an e-mail waiting for its retry is not). */
  hasDue(): boolean {
    return this.dueAt.anyDue(performance.now());
  }

  /** Sets when the e-mail is due from its wall-clock retryAt, at most the longest back-off away. */
  private planAt(email: PendingEmail): void {
    const wait = Math.min(Math.max(0, email.retryAt - this.now()), this.settings.maxDelayMs);
    this.dueAt.set(email.queued.emailId, performance.now() + wait);
  }

  /**
   * Looks at a pending e-mail again in `ms`. While this worker awaited the store, the subscription
   * may have taken the e-mail out of the queue (another server sent it): then nothing is planned,
   * or kick would find it due, hold nothing to send, and loop on it without end.
   */
  private dueIn(emailId: string, ms: number): void {
    if (this.pending.has(emailId)) this.dueAt.set(emailId, performance.now() + ms);
  }

  private forget(emailId: string): void {
    this.pending.delete(emailId);
    this.dueAt.delete(emailId);
    this.unreached.delete(emailId);
  }

  /**
   * A send went through: the e-mails whose last attempt here failed only because no SMTP server
   * could be reached are due now, not at their next retry (after a long outage the back-off
   * would keep customers waiting up to maxDelayMs after the server is back).
   */
  private smtpAnswersAgain(): void {
    const now = performance.now();
    for (const id of this.unreached) if (this.pending.has(id)) this.dueAt.set(id, now);
    this.unreached.clear();
  }

  /**
   * While e-mails wait for want of an SMTP server, asks every smtpProbeMs whether one answers
   * (nodemailer's verify: a connection, the greeting and the login, no message), so that they go
   * as soon as it is back even when no new e-mail is sent meanwhile. A probe records nothing.
   */
  private probeWhileUnreached(): void {
    if (this.probe !== undefined || this.stopped || this.unreached.size === 0) return;
    this.probe = setTimeout(async () => {
      let answers: boolean;
      try {
        await this.deps.transport.verify();
        answers = true;
      } catch {
        answers = false;
      }
      this.probe = undefined;
      if (this.stopped) return;
      if (!answers) return this.probeWhileUnreached();
      this.deps.log?.info({ emails: this.unreached.size }, 'SMTP server answers again: the e-mails waiting for it are due');
      this.smtpAnswersAgain();
      this.kick();
    }, this.settings.smtpProbeMs);
    this.probe.unref();
  }

  private apply(event: { type: EmailEvent['type']; data: EmailEvent['data']; id: string; revision: number }): void {
    const id = event.data.emailId;
    const current = this.pending.get(id) ?? this.givenUp.get(id);
    // The worker applies its own outcomes at once; the subscription then delivers them again.
    if (current && event.revision <= current.revision) return;
    if (current) current.revision = event.revision;
    switch (event.type) {
      case 'EmailQueued': {
        const email: PendingEmail = { queued: event.data as Queued, attempts: 0, retryAt: 0, revision: event.revision, causationId: event.id };
        this.pending.set(id, email);
        this.planAt(email);
        break;
      }
      case 'EmailAttemptFailed':
        if (current && this.pending.has(id)) {
          const data = event.data as Extract<EmailEvent, { type: 'EmailAttemptFailed' }>['data'];
          current.attempts = data.attempt;
          current.retryAt = Date.parse(data.retryAt);
          this.planAt(current);
        }
        break;
      case 'EmailSent':
        this.forget(id);
        this.givenUp.delete(id);
        this.accepted.delete(id);
        break;
      case 'EmailGaveUp':
        if (current) this.givenUp.set(id, current);
        this.forget(id);
        break;
      case 'EmailRetryRequested':
        if (current) {
          this.givenUp.delete(id);
          const email = { ...current, attempts: 0, retryAt: 0, causationId: event.id };
          this.pending.set(id, email);
          this.planAt(email);
        }
        break;
      case 'EmailAttemptStarted':
        break;
    }
  }

  /** Takes the e-mail's state as its stream has it: anything but pending leaves the queue. */
  private settle(emailId: string, state: EmailState, revision: number | 'no_stream'): void {
    if (state.status === 'pending') return;
    const current = this.pending.get(emailId);
    this.forget(emailId);
    this.accepted.delete(emailId);
    if (state.status === 'given_up' && current) this.givenUp.set(emailId, { ...current, revision: revision === 'no_stream' ? -1 : revision });
  }

  /** Starts the due e-mails that are not being sent, as long as there is room for another send. */
  private kick(): void {
    if (this.stopped || !this.live) return;
    const room = this.settings.concurrentSends - this.sending.size;
    if (room > 0) for (const id of this.dueAt.due(performance.now(), room, this.isSending)) this.startSend(id);
    this.schedule();
  }

  private startSend(emailId: string): void {
    const send = this.sendOne(emailId)
      .catch((error: unknown) => this.deps.log?.error({ err: error, emailId }, 'e-mail send failed unexpectedly'))
      .finally(() => {
        this.sending.delete(emailId);
        this.kick();
      });
    this.sending.set(emailId, send);
  }

  /** Wakes up for the next e-mail due that is not being sent; with no room, the next send's end does. */
  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped || this.sending.size >= this.settings.concurrentSends) return;
    const next = this.dueAt.next(this.isSending);
    if (next === Infinity) return;
    this.timer = setTimeout(() => this.kick(), Math.max(0, next - performance.now()));
    this.timer.unref();
  }

  private context(causationId: string): CommandContext {
    return { actor: SYSTEM_ACTOR, at: new Date(this.now()).toISOString(), correlationId: uuidv7(), causationId };
  }

  /** Decides on the e-mail's stream as it is and appends; the state after, or the refusal. */
  private async decide(emailId: string, causationId: string, decide: (state: EmailState) => EmailEvent[]): Promise<void> {
    const deps = this.deps;
    const result = await handleCommand(deps, emailStream(emailId), emailAggregate, decide, this.context(causationId));
    result.events.forEach((event, i) => {
      const revision = (result.revision as number) - (result.events.length - 1 - i);
      this.apply({ ...event, id: '', revision });
    });
  }

  private async sendOne(emailId: string): Promise<void> {
    const email = this.pending.get(emailId);
    if (!email) {
      this.dueAt.delete(emailId);
      return;
    }
    const messageId = `<${emailId}@${this.settings.messageIdDomain}>`;
    const deps = this.deps;
    try {
      let accepted = this.accepted.get(emailId);
      if (!accepted) {
        const { state, revision } = await loadAggregate(deps, emailStream(emailId), emailAggregate);
        if (state.status !== 'pending') {
          this.settle(emailId, state, revision);
          return;
        }
        const afterUnfinishedAttempt = state.unfinishedAttempt !== null;
        // Another server's attempt: its own until the lease ends.
        const held = attemptHeldFor(state, { at: new Date(this.now()).toISOString(), by: this.run, leaseMs: this.settings.attemptLeaseMs });
        if (held > 0) {
          this.dueIn(emailId, Math.min(held, this.settings.maxDelayMs));
          return;
        }
        let message: ComposedEmail & { to: string };
        try {
          message = await this.deps.compose(email.queued);
        } catch (error) {
          await this.recordFailure(email, error);
          return;
        }
        if (!(await this.claimAttempt(email, messageId, state, revision as number))) return;
        try {
          await this.deps.transport.sendMail({
            from: this.settings.fromAddress,
            to: message.to,
            subject: message.subject,
            text: message.text,
            html: message.html,
            ...(message.attachments ? { attachments: message.attachments } : {}),
            messageId,
          });
        } catch (error) {
          await this.recordFailure(email, error);
          if (smtpNotReached(error)) {
            this.unreached.add(emailId);
            this.probeWhileUnreached();
          }
          return;
        }
        accepted = { to: message.to, messageId, at: new Date(this.now()).toISOString(), afterUnfinishedAttempt };
        this.accepted.set(emailId, accepted);
        this.smtpAnswersAgain();
      }
      const sent = accepted;
      await this.decide(emailId, email.causationId, (s) => recordEmailSent({ emailId, ...sent }, s));
      this.accepted.delete(emailId);
      this.deps.log?.info({ emailId, possiblyDuplicate: sent.afterUnfinishedAttempt || undefined }, 'e-mail sent');
    } catch (error) {
      // Whatever comes next, not again at once.
      this.dueIn(emailId, this.settings.firstDelayMs);
      if (!(error instanceof DomainError) || error.code === 'concurrent_change') {
        // The store could not record it (or it kept changing): try again later, without sending
        // again if the SMTP server has it already.
        this.deps.log?.error({ err: error, emailId }, 'e-mail outcome not recorded; will try again');
        return;
      }
      // Refused: someone else recorded an outcome first (another worker, or staff); the stream decides.
      try {
        const { state, revision } = await loadAggregate(deps, emailStream(emailId), emailAggregate);
        if (state.status === 'sent' && this.accepted.has(emailId)) {
          this.deps.log?.warn({ emailId }, 'e-mail sent twice: another worker had recorded it as sent');
        }
        this.settle(emailId, state, revision);
      } catch (reloadError) {
        this.deps.log?.error({ err: reloadError, emailId }, 'e-mail state not readable; will try again');
      }
    }
  }

  /**
   * Appends EmailAttemptStarted on the revision read: false when someone else changed the e-mail
   * first (another worker's claim, or staff), and it is looked at again shortly. An unfinished
   * attempt is taken over with an attempt of its own only under a lease (several servers): with
   * one server the send goes on as that attempt.
   */
  private async claimAttempt(email: PendingEmail, messageId: string, state: EmailState, revision: number): Promise<boolean> {
    if (state.status !== 'pending') return false;
    const emailId = email.queued.emailId;
    const at = new Date(Math.max(this.now(), Date.parse(state.lastAt))).toISOString();
    const claim = startEmailAttempt({ emailId, messageId, at, by: this.run, leaseMs: this.settings.attemptLeaseMs }, state);
    if (claim.length === 0) return true;
    try {
      await appendDecided(this.deps, emailStream(emailId), emailAggregate, { state, revision }, claim, this.context(email.causationId));
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      this.dueIn(emailId, Math.min(this.settings.firstDelayMs, 1_000));
      return false;
    }
    claim.forEach((event, i) => this.apply({ ...event, id: '', revision: revision + 1 + i }));
    return true;
  }

  private async recordFailure(email: PendingEmail, error: unknown): Promise<void> {
    const emailId = email.queued.emailId;
    const reason = error instanceof Error ? error.message : String(error);
    this.deps.log?.warn({ emailId, attempt: email.attempts + 1, reason }, 'e-mail attempt failed');
    await this.decide(emailId, email.causationId, (s) =>
      recordEmailAttemptFailed(
        { emailId, error: reason, at: new Date(this.now()).toISOString(), maxAttempts: this.settings.maxAttempts, delayMs: (a) => backoffDelay(a, this.settings) },
        s,
      ),
    );
  }
}
