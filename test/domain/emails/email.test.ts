import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { emailEventShapes, type EmailEvent } from '../../../domain/emails/events';
import { attemptHeldFor, emailAggregate, recordEmailAttemptFailed, type KnownEmail, recordEmailSent, requestEmailRetry, startEmailAttempt } from '../../../domain/emails/decider';
import { specFor } from '../gwt';

const spec = specFor(emailAggregate, { catalogue: new EventCatalogue<EmailEvent>(emailEventShapes) });

const emailId = '6f0c6f4e-8a7d-4c52-9d7e-6c1d1f0a2b3c';
const messageId = `<${emailId}@backoffice.local>`;
const AT = '2026-03-10T09:00:00.000Z';
const queued: EmailEvent = {
  type: 'EmailQueued',
  data: { emailId, purpose: 'coupon_codes', customerId: 'c-1', orderId: 'o-1', couponIds: ['k-1'], reason: 'fulfilment', queuedAt: AT },
};
const started = (attempt: number, by?: { server: string; run: string }, startedAt = AT): EmailEvent => ({
  type: 'EmailAttemptStarted',
  data: { emailId, attempt, messageId, startedAt, ...(by ? { by } : {}) },
});
const SERVER_A = { server: 'server-a', run: 'run-1' };
const SERVER_A_RESTARTED = { server: 'server-a', run: 'run-2' };
const SERVER_B = { server: 'server-b', run: 'run-1' };
const LEASE_MS = 11 * 60_000;
/** One server (no lease) or several (a lease), by server run `by`, at `at`. */
const start = (by = SERVER_A, leaseMs = 0, at = AT) => ({ emailId, messageId, at, by, leaseMs });
const minutesAfter = (minutes: number) => new Date(Date.parse(AT) + minutes * 60_000).toISOString();
const sent = (attempt: number): EmailEvent => ({ type: 'EmailSent', data: { emailId, to: 'mario@example.it', messageId, attempt, sentAt: AT } });
const failed = (attempt: number): EmailEvent => ({ type: 'EmailAttemptFailed', data: { emailId, attempt, error: '451 try again later', failedAt: AT, retryAt: '2026-03-10T09:00:05.000Z' } });
const send = (afterUnfinishedAttempt = false) => ({ emailId, to: 'mario@example.it', messageId, at: AT, afterUnfinishedAttempt });
const failure = { emailId, error: '451 try again later', at: AT, maxAttempts: 3, delayMs: (attempt: number) => 5000 * attempt };

describe('e-mail', () => {
  it('a queued e-mail: an attempt starts, and the SMTP server accepting it records it sent', () => {
    spec.given([queued]).when((s) => startEmailAttempt(start(), s)).then([started(1, SERVER_A)]);
    spec.given([queued, started(1)]).when((s) => recordEmailSent(send(), s)).then([sent(1)]);
  });

  it('an e-mail recorded as sent is never recorded as sent again, nor tried again', () => {
    spec.given([queued, started(1), sent(1)]).when((s) => recordEmailSent(send(), s)).then({ error: 'email_already_sent', kind: 'conflict' });
    spec.given([queued, started(1), sent(1)]).when((s) => startEmailAttempt(start(), s)).then({ error: 'email_already_sent' });
    spec.given([queued, started(1), sent(1)]).when((s) => recordEmailAttemptFailed(failure, s)).then({ error: 'email_already_sent' });
  });

  it('an attempt left unfinished is taken up again, and the send it ends with is marked as possibly a duplicate', () => {
    spec.given([queued, started(1)]).when((s) => startEmailAttempt(start(), s)).thenNothing();
    spec
      .given([queued, started(1)])
      .when((s) => recordEmailSent(send(true), s))
      .then([{ type: 'EmailSent', data: { ...(sent(1).data as object), possiblyDuplicate: true } } as EmailEvent]);
  });

  it('with several servers, an unfinished attempt of an earlier run of the same server is taken over at once by a new attempt', () => {
    spec.given([queued, started(1, SERVER_A)]).when((s) => startEmailAttempt(start(SERVER_A_RESTARTED, LEASE_MS), s)).then([started(1, SERVER_A_RESTARTED)]);
    // Logs from before attempts were named: another server's, for all anyone knows.
    spec.given([queued, started(1)]).when((s) => startEmailAttempt(start(SERVER_A_RESTARTED, LEASE_MS), s)).then({ error: 'email_attempt_held', kind: 'conflict' });
  });

  it("with several servers, another server's unfinished attempt is its own until the lease from its start has passed", () => {
    spec.given([queued, started(1, SERVER_A)]).when((s) => startEmailAttempt(start(SERVER_B, LEASE_MS, minutesAfter(10)), s)).then({ error: 'email_attempt_held', kind: 'conflict' });
    spec.given([queued, started(1, SERVER_A)]).when((s) => startEmailAttempt(start(SERVER_B, LEASE_MS, minutesAfter(11)), s)).then([started(1, SERVER_B, minutesAfter(11))]);
    const state = spec.given([queued, started(1, SERVER_A)]).state();
    expect(attemptHeldFor(state as KnownEmail, { at: minutesAfter(10), by: SERVER_B, leaseMs: LEASE_MS })).toBe(60_000);
    expect(attemptHeldFor(state as KnownEmail, { at: AT, by: SERVER_A_RESTARTED, leaseMs: LEASE_MS })).toBe(0);
    expect(attemptHeldFor(state as KnownEmail, { at: AT, by: SERVER_B, leaseMs: 0 })).toBe(0);
  });

  it('a failed attempt is retried after the back-off, and the last one gives the e-mail up', () => {
    spec.given([queued, started(1)]).when((s) => recordEmailAttemptFailed(failure, s)).then([failed(1)]);
    spec
      .given([queued, started(1), failed(1), started(2), failed(2), started(3)])
      .when((s) => recordEmailAttemptFailed(failure, s))
      .then([{ type: 'EmailGaveUp', data: { emailId, attempts: 3, error: '451 try again later', gaveUpAt: AT } }]);
    spec.given([queued, started(1), failed(1), started(2)]).when((s) => recordEmailSent(send(), s)).then([sent(2)]);
  });

  it('staff may retry only an e-mail given up', () => {
    const gaveUp: EmailEvent = { type: 'EmailGaveUp', data: { emailId, attempts: 3, error: 'x', gaveUpAt: AT } };
    spec.given([queued, gaveUp]).when((s) => requestEmailRetry({ emailId, at: AT }, s)).then([{ type: 'EmailRetryRequested', data: { emailId, requestedAt: AT } }]);
    spec.given([queued]).when((s) => requestEmailRetry({ emailId, at: AT }, s)).then({ error: 'email_not_given_up' });
    spec.given([queued, sent(1)]).when((s) => requestEmailRetry({ emailId, at: AT }, s)).then({ error: 'email_already_sent' });
    spec.given([]).when((s) => requestEmailRetry({ emailId, at: AT }, s)).then({ error: 'email_not_found', kind: 'not_found' });
    spec.given([queued, gaveUp]).when((s) => recordEmailSent(send(), s)).then({ error: 'email_given_up' });
  });
});
