// The e-mail aggregate (stream `email-<emailId>`): queued, then tried until sent or given up; staff
// may ask for a given-up e-mail to be tried again. An e-mail is recorded as sent at most once,
// whoever records it and in whatever order the outbox learnt of its events: the rule is decided on
// the stream's own state, so a worker acting on a stale picture is refused instead of writing a
// second EmailSent.
//
// Times on an e-mail's stream never go back: each one recorded is at least the latest before it
// (`lastAt`), so a wall clock set back (by an hour, or by NTP) never dates EmailSent before
// EmailQueued, nor a retry before the attempt that failed.
import type { EmailEvent } from './events';
import { conflict, notFound, refuse } from '../shared/errors';
import type { ServerRun } from '../shared/serverRun';

type Queued = Extract<EmailEvent, { type: 'EmailQueued' }>['data'];

export type EmailStatus = 'pending' | 'sent' | 'given_up';

export interface KnownEmail {
  status: EmailStatus;
  queued: Queued;
  /** Attempts made since it was queued or last put back by staff. */
  attempts: number;
  /** When the next attempt is due (UTC ISO), null when due now. */
  retryAt: string | null;
  /**
   * An attempt started and not finished: a send that may have reached the SMTP server before the
   * process died (or before its outcome could be recorded).
   */
  unfinishedAttempt: UnfinishedAttempt | null;
  sentAt: string | null;
  /** The latest time recorded on the stream (UTC ISO): the next one is not before it. */
  lastAt: string;
}

export interface UnfinishedAttempt {
  attempt: number;
  /** The server run that started it; null in logs written before servers named their attempts. */
  by: ServerRun | null;
}

export type EmailState = { status: 'none' } | KnownEmail;

export const streamOf = (emailId: string): string => `email-${emailId}`;

export const initialState = (): EmailState => ({ status: 'none' });

export function evolve(state: EmailState, event: EmailEvent): EmailState {
  if (event.type === 'EmailQueued') {
    return { status: 'pending', queued: event.data, attempts: 0, retryAt: null, unfinishedAttempt: null, sentAt: null, lastAt: event.data.queuedAt };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'EmailAttemptStarted':
      return { ...state, unfinishedAttempt: { attempt: event.data.attempt, by: event.data.by ?? null }, lastAt: laterOf(event.data.startedAt, state.lastAt) };
    case 'EmailAttemptFailed':
      return { ...state, attempts: event.data.attempt, retryAt: event.data.retryAt, unfinishedAttempt: null };
    case 'EmailSent':
      return { ...state, status: 'sent', attempts: event.data.attempt, retryAt: null, unfinishedAttempt: null, sentAt: event.data.sentAt, lastAt: laterOf(event.data.sentAt, state.lastAt) };
    case 'EmailGaveUp':
      // A log may hold a give-up after a send (two workers); sent stays sent.
      return state.status === 'sent' ? state : { ...state, status: 'given_up', attempts: event.data.attempts, unfinishedAttempt: null, lastAt: laterOf(event.data.gaveUpAt, state.lastAt) };
    case 'EmailRetryRequested':
      return state.status === 'sent' ? state : { ...state, status: 'pending', attempts: 0, retryAt: null, lastAt: laterOf(event.data.requestedAt, state.lastAt) };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

export const emailAggregate = { initialState, evolve };

/** The later of two ISO instants. */
function laterOf(at: string, last: string): string {
  return Date.parse(last) > Date.parse(at) ? last : at;
}

function requirePending(state: EmailState, emailId: string): KnownEmail {
  if (state.status === 'none') throw notFound('email', emailId);
  if (state.status === 'sent') throw conflict('email_already_sent', `e-mail ${emailId} is already recorded as sent`);
  if (state.status === 'given_up') throw conflict('email_given_up', `e-mail ${emailId} was given up: staff must ask for a retry first`);
  return state;
}

/**
 * The outbox of server run `by` is about to send. With one server (`leaseMs` 0) an attempt left
 * unfinished was its own, before a restart: nothing to record, the send goes on as that attempt.
 * With several servers an unfinished attempt is taken over by a new attempt of this run's when
 * the same server started it (in an earlier run, now dead), or once its lease has passed (its
 * server is taken to be dead); before that it is refused (`attemptHeldFor` says how long).
 */
export function startEmailAttempt(
  command: { emailId: string; messageId: string; at: string; by: ServerRun; leaseMs: number },
  state: EmailState,
): EmailEvent[] {
  const email = requirePending(state, command.emailId);
  if (email.unfinishedAttempt !== null) {
    if (command.leaseMs === 0) return [];
    if (attemptHeldFor(email, command) > 0) {
      throw conflict('email_attempt_held', `e-mail ${command.emailId} is being sent by another server`);
    }
  }
  const { emailId, messageId, by } = command;
  return [{ type: 'EmailAttemptStarted', data: { emailId, attempt: email.attempts + 1, messageId, startedAt: laterOf(command.at, email.lastAt), by } }];
}

/**
 * How long (ms) the e-mail's unfinished attempt is still another server's under a lease of
 * `leaseMs` from its start: 0 when there is none, when it is free to take over, or when server
 * `by.server` itself left it (in an earlier run, or when its outcome could not be recorded).
 */
export function attemptHeldFor(email: KnownEmail, command: { at: string; by: ServerRun; leaseMs: number }): number {
  const unfinished = email.unfinishedAttempt;
  if (unfinished === null || command.leaseMs === 0) return 0;
  // A server asks only about e-mails it is not sending itself: an attempt of its own left
  // unfinished is not going on.
  if (unfinished.by?.server === command.by.server) return 0;
  return Math.max(0, Date.parse(email.lastAt) + command.leaseMs - Date.parse(command.at));
}

export interface RecordEmailSent {
  emailId: string;
  to: string;
  messageId: string;
  at: string;
  /** An attempt was left unfinished before this send began (known when it began). */
  afterUnfinishedAttempt: boolean;
}

/** The SMTP server accepted the message. Refused for an e-mail already recorded as sent. */
export function recordEmailSent(command: RecordEmailSent, state: EmailState): EmailEvent[] {
  const email = requirePending(state, command.emailId);
  const { emailId, to, messageId } = command;
  const sent = { emailId, to, messageId, attempt: email.attempts + 1, sentAt: laterOf(command.at, email.lastAt) };
  return [{ type: 'EmailSent', data: command.afterUnfinishedAttempt ? { ...sent, possiblyDuplicate: true } : sent }];
}

export interface RecordEmailAttemptFailed {
  emailId: string;
  error: string;
  at: string;
  /** Attempts after which the e-mail is given up. */
  maxAttempts: number;
  /** The wait before the next attempt, given the number of the attempt that failed. */
  delayMs(attempt: number): number;
}

/** An attempt failed: another is due after a delay, or, after the last attempt, the e-mail is given up. */
export function recordEmailAttemptFailed(command: RecordEmailAttemptFailed, state: EmailState): EmailEvent[] {
  const email = requirePending(state, command.emailId);
  const attempt = email.attempts + 1;
  const { emailId, error } = command;
  const at = laterOf(command.at, email.lastAt);
  if (attempt >= command.maxAttempts) return [{ type: 'EmailGaveUp', data: { emailId, attempts: attempt, error, gaveUpAt: at } }];
  const retryAt = new Date(Date.parse(at) + Math.max(0, command.delayMs(attempt))).toISOString();
  return [{ type: 'EmailAttemptFailed', data: { emailId, attempt, error, failedAt: at, retryAt } }];
}

/** Staff ask for a given-up e-mail to be tried again. */
export function requestEmailRetry(command: { emailId: string; at: string }, state: EmailState): EmailEvent[] {
  if (state.status === 'none') throw notFound('email', command.emailId);
  if (state.status === 'sent') throw refuse('email_already_sent', 'the e-mail has been sent: send the codes again instead');
  if (state.status === 'pending') throw refuse('email_not_given_up', 'the e-mail is still being tried: only an e-mail given up can be retried');
  return [{ type: 'EmailRetryRequested', data: { emailId: command.emailId, requestedAt: command.at } }];
}
