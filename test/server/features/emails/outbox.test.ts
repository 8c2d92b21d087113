import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../../events/adapters/sqlite';
import { EventCatalogue, SYSTEM_ACTOR } from '../../../../events/eventCatalogue';
import { emailEventShapes, emailStream, type EmailEvent } from '../../../../domain/emails/events';
import type { EventStore } from '../../../../events/port';
import { OutboxWorker, backoffDelay, defaultOutboxSettings } from '../../../../server/features/emails/outbox';
import { smtpConnections } from '../../../../server/plugins/app/sales';
import { startTestSmtp } from '../../../support/smtp';
import { tempDir } from '../../../support/tmp';

type Queued = Extract<EmailEvent, { type: 'EmailQueued' }>['data'];

const catalogue = new EventCatalogue<EmailEvent>(emailEventShapes);

async function queueEmail(store: EventStore, emailId = randomUUID()): Promise<string> {
  const event = catalogue.encode(
    {
      type: 'EmailQueued',
      data: {
        emailId,
        purpose: 'coupon_codes',
        customerId: 'c-1',
        orderId: 'o-1',
        couponIds: ['k-1'],
        reason: 'fulfilment',
        queuedAt: new Date().toISOString(),
      },
    },
    { actor: SYSTEM_ACTOR, at: new Date().toISOString(), correlationId: randomUUID(), causationId: null },
  );
  await store.append(emailStream(emailId), [event], { expectedRevision: 'no_stream' });
  return emailId;
}

async function typesOf(store: EventStore, emailId: string): Promise<string[]> {
  return (await store.readStream(emailStream(emailId))).map((e) => e.type);
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('e-mail outbox', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(settings: Record<string, number> = {}) {
    const dir = tempDir();
    const store = createSqliteStore({ file: join(dir.path, 'events.db') });
    const smtp = await startTestSmtp();
    cleanups.push(() => dir.remove(), () => store.close(), () => smtp.close());
    const worker = (beforeCompose: (queued: Queued) => Promise<void> = async () => undefined, run?: { server: string; run: string }) => {
      const w = new OutboxWorker({
        store,
        run,
        catalogue,
        transport: nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }),
        compose: async (queued) => {
          await beforeCompose(queued);
          return {
            to: `customer-${queued.purpose === 'log_head' ? queued.to : queued.customerId}@example.it`,
            subject: `Codici ordine ${queued.purpose === 'coupon_codes' ? queued.orderId : ''}`,
            text: `Codici: ${queued.purpose === 'coupon_codes' ? queued.couponIds.join(', ') : ''}`,
            html: `<p>Codici</p>`,
          };
        },
        settings: { firstDelayMs: 30, maxDelayMs: 100, maxAttempts: 5, ...settings },
      });
      cleanups.push(() => w.stop());
      return w;
    };
    return { store, smtp, worker };
  }

  it('sends a queued e-mail through SMTP and records it as sent, with the address it went to', async () => {
    const { store, smtp, worker } = await setup();
    const emailId = await queueEmail(store);
    worker().start();
    const [mail] = await smtp.waitForMessages(1);
    expect(mail!.subject).toBe('Codici ordine o-1');
    expect(mail!.messageId).toBe(`<${emailId}@backoffice.local>`);
    await eventually(async () => (await typesOf(store, emailId)).includes('EmailSent'));
    const [queued, started, sent] = await store.readStream(emailStream(emailId));
    expect([queued!.type, started!.type, sent!.type]).toEqual(['EmailQueued', 'EmailAttemptStarted', 'EmailSent']);
    expect(sent!.data).toMatchObject({ to: 'customer-c-1@example.it', attempt: 1 });
    expect(sent!.data).not.toHaveProperty('possiblyDuplicate');
  });

  it('sends several e-mails at once, never more than concurrentSends, each once', async () => {
    const { store, smtp, worker } = await setup({ concurrentSends: 3 });
    smtp.hold();
    const emailIds: string[] = [];
    for (let i = 0; i < 7; i++) emailIds.push(await queueEmail(store));
    worker().start();
    await eventually(async () => smtp.inProgress === 3);
    await new Promise((r) => setTimeout(r, 200)); // time enough for a fourth to start, were it allowed
    expect(smtp.inProgress).toBe(3);
    smtp.release();
    await smtp.waitForMessages(7);
    for (const emailId of emailIds) await eventually(async () => (await typesOf(store, emailId)).includes('EmailSent'));
    expect(smtp.mostAtOnce).toBe(3);
    expect(new Set(smtp.messages.map((m) => m.messageId))).toEqual(new Set(emailIds.map((id) => `<${id}@backoffice.local>`)));
    for (const emailId of emailIds) expect(await typesOf(store, emailId)).toEqual(['EmailQueued', 'EmailAttemptStarted', 'EmailSent']);
  });

  it('an e-mail the SMTP server is slow to take does not hold the ones queued after it', async () => {
    const { store, smtp, worker } = await setup();
    const slow = await queueEmail(store);
    smtp.hold((mail) => mail.messageId === `<${slow}@backoffice.local>`);
    const others: string[] = [];
    for (let i = 0; i < 4; i++) others.push(await queueEmail(store));
    worker().start();
    await smtp.waitForMessages(4);
    for (const emailId of others) await eventually(async () => (await typesOf(store, emailId)).includes('EmailSent'));
    expect(await typesOf(store, slow)).toEqual(['EmailQueued', 'EmailAttemptStarted']);
    smtp.release();
    await eventually(async () => (await typesOf(store, slow)).includes('EmailSent'));
    expect(smtp.messages.filter((m) => m.messageId === `<${slow}@backoffice.local>`)).toHaveLength(1);
  });

  it('retries with back-off while the SMTP server refuses, then sends once it accepts', async () => {
    const { store, smtp, worker } = await setup();
    smtp.refusing = true;
    const emailId = await queueEmail(store);
    worker().start();
    await eventually(async () => (await typesOf(store, emailId)).filter((t) => t === 'EmailAttemptFailed').length >= 2);
    smtp.refusing = false;
    await smtp.waitForMessages(1);
    await eventually(async () => (await typesOf(store, emailId)).at(-1) === 'EmailSent');
    const failures = (await store.readStream(emailStream(emailId))).filter((e) => e.type === 'EmailAttemptFailed');
    expect((failures[0]!.data as { error: string }).error).toMatch(/try again later/);
    expect(smtp.messages).toHaveLength(1);
  });

  it('once the SMTP server answers again, the e-mails that could not reach it go at once, not at their next retry', async () => {
    const { store, smtp, worker } = await setup({ firstDelayMs: 60_000, maxDelayMs: 60_000 });
    await smtp.close(); // down: nothing listens on its port
    const waiting = [await queueEmail(store), await queueEmail(store)];
    worker().start();
    for (const emailId of waiting) await eventually(async () => (await typesOf(store, emailId)).includes('EmailAttemptFailed'));
    const back = await startTestSmtp(smtp.port);
    cleanups.push(() => back.close());
    const fresh = await queueEmail(store); // due at once: the first send that goes through
    await back.waitForMessages(3);
    for (const emailId of [...waiting, fresh]) await eventually(async () => (await typesOf(store, emailId)).at(-1) === 'EmailSent');
    for (const emailId of waiting) {
      expect(await typesOf(store, emailId)).toEqual(['EmailQueued', 'EmailAttemptStarted', 'EmailAttemptFailed', 'EmailAttemptStarted', 'EmailSent']);
    }
  });

  it('once the SMTP server answers a probe again, the e-mails that could not reach it go, with nothing else sent', async () => {
    const { store, smtp, worker } = await setup({ firstDelayMs: 60_000, maxDelayMs: 60_000, smtpProbeMs: 100 });
    await smtp.close(); // down: nothing listens on its port
    const waiting = [await queueEmail(store), await queueEmail(store)];
    worker().start();
    for (const emailId of waiting) await eventually(async () => (await typesOf(store, emailId)).includes('EmailAttemptFailed'));
    await new Promise((r) => setTimeout(r, 300)); // probes that find it still down change nothing
    expect(await Promise.all(waiting.map((id) => typesOf(store, id)))).toEqual(waiting.map(() => ['EmailQueued', 'EmailAttemptStarted', 'EmailAttemptFailed']));
    const back = await startTestSmtp(smtp.port);
    cleanups.push(() => back.close());
    await back.waitForMessages(2);
    for (const emailId of waiting) {
      await eventually(async () => (await typesOf(store, emailId)).at(-1) === 'EmailSent');
      expect(await typesOf(store, emailId)).toEqual(['EmailQueued', 'EmailAttemptStarted', 'EmailAttemptFailed', 'EmailAttemptStarted', 'EmailSent']);
    }
  });

  it('an e-mail the SMTP server refused waits for its retry, whatever else goes through', async () => {
    const { store, smtp, worker } = await setup({ firstDelayMs: 60_000, maxDelayMs: 60_000 });
    smtp.refusing = true; // answers 451
    const refused = await queueEmail(store);
    const w = worker();
    w.start();
    await eventually(async () => (await typesOf(store, refused)).includes('EmailAttemptFailed'));
    smtp.refusing = false;
    const fresh = await queueEmail(store);
    await eventually(async () => (await typesOf(store, fresh)).includes('EmailSent'));
    await w.idle();
    expect(await typesOf(store, refused)).toEqual(['EmailQueued', 'EmailAttemptStarted', 'EmailAttemptFailed']);
    expect(smtp.messages).toHaveLength(1);
  });

  it('gives up after the last attempt, and sends again when staff ask for a retry', async () => {
    const { store, smtp, worker } = await setup({ maxAttempts: 2 });
    smtp.refusing = true;
    const emailId = await queueEmail(store);
    worker().start();
    await eventually(async () => (await typesOf(store, emailId)).includes('EmailGaveUp'));
    smtp.refusing = false;
    const retry = catalogue.encode(
      { type: 'EmailRetryRequested', data: { emailId, requestedAt: new Date().toISOString() } },
      { actor: { userId: 'u-1', role: 'operator' }, at: new Date().toISOString(), correlationId: randomUUID(), causationId: null },
    );
    await store.append(emailStream(emailId), [retry], { expectedRevision: 'stream_exists' });
    await smtp.waitForMessages(1);
    await eventually(async () => (await typesOf(store, emailId)).at(-1) === 'EmailSent');
  });

  it('a restarted worker neither loses a queued e-mail nor sends a sent one again', async () => {
    const { store, smtp, worker } = await setup();
    const first = await queueEmail(store);
    const w1 = worker();
    w1.start();
    await smtp.waitForMessages(1);
    await eventually(async () => (await typesOf(store, first)).includes('EmailSent'));
    await w1.stop();

    const second = await queueEmail(store); // queued while no worker runs
    worker().start();
    await smtp.waitForMessages(2);
    await eventually(async () => (await typesOf(store, second)).includes('EmailSent'));
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.map((m) => m.messageId)).toEqual([
      `<${first}@backoffice.local>`,
      `<${second}@backoffice.local>`,
    ]);
  });

  // The defect seen after restarts: the EmailSent that was the last event of the log was handed to
  // the worker after it had been told the replay was over, and the e-mail went out again.
  it('restarted just after an e-mail was recorded as sent (the last event of the log), sends nothing again', async () => {
    const { store, smtp, worker } = await setup();
    for (let round = 0; round < 5; round++) {
      const emailId = await queueEmail(store);
      const w = worker();
      w.start();
      await eventually(async () => (await typesOf(store, emailId)).includes('EmailSent'));
      await w.stop();
      const restarted = worker();
      restarted.start();
      await new Promise((r) => setTimeout(r, 100));
      await restarted.idle();
      await restarted.stop();
      expect((await typesOf(store, emailId)).filter((t) => t === 'EmailSent')).toHaveLength(1);
    }
    expect(smtp.messages).toHaveLength(5);
  });

  it('an e-mail the log shows sent is neither sent nor recorded again, whatever the worker was told', async () => {
    const { store, smtp, worker } = await setup();
    const emailId = await queueEmail(store);
    const w = worker();
    w.start();
    await eventually(async () => (await typesOf(store, emailId)).includes('EmailSent'));
    await w.stop();
    const [queuedEvent] = await store.readStream(emailStream(emailId));

    // A worker handed only the EmailQueued, as if the rest were still on its way.
    const stale = worker();
    stale.accept(queuedEvent!);
    stale.caughtUp();
    await stale.idle();
    expect(stale.pending.size).toBe(0);
    expect(smtp.messages).toHaveLength(1);
    expect(await typesOf(store, emailId)).toEqual(['EmailQueued', 'EmailAttemptStarted', 'EmailSent']);
  });

  it('a send interrupted before its outcome was recorded goes out again, marked as possibly a duplicate', async () => {
    const { store, smtp, worker } = await setup();
    const emailId = await queueEmail(store);
    // What a process that died after handing the message to the SMTP server leaves in the log.
    const started = catalogue.encode(
      { type: 'EmailAttemptStarted', data: { emailId, attempt: 1, messageId: `<${emailId}@backoffice.local>`, startedAt: new Date().toISOString() } },
      { actor: SYSTEM_ACTOR, at: new Date().toISOString(), correlationId: randomUUID(), causationId: null },
    );
    await store.append(emailStream(emailId), [started], { expectedRevision: 0 });
    worker().start();
    await smtp.waitForMessages(1);
    await eventually(async () => (await typesOf(store, emailId)).includes('EmailSent'));
    const events = await store.readStream(emailStream(emailId));
    expect(events.map((e) => e.type)).toEqual(['EmailQueued', 'EmailAttemptStarted', 'EmailSent']);
    expect(events[2]!.data).toMatchObject({ attempt: 1, possiblyDuplicate: true });
  });

  it('with several servers, a restarted server sends at once what its earlier run left unfinished; another server waits out the lease', async () => {
    const { store, smtp, worker } = await setup({ attemptLeaseMs: 11 * 60_000 });
    const ours = await queueEmail(store);
    const theirs = await queueEmail(store);
    // What server A's run killed after handing the messages to the SMTP server left in the log.
    const killedRun = { server: 'server-a', run: 'run-1' };
    for (const emailId of [ours, theirs]) {
      const started = catalogue.encode(
        { type: 'EmailAttemptStarted', data: { emailId, attempt: 1, messageId: `<${emailId}@backoffice.local>`, startedAt: new Date().toISOString(), by: killedRun } },
        { actor: SYSTEM_ACTOR, at: new Date().toISOString(), correlationId: randomUUID(), causationId: null },
      );
      await store.append(emailStream(emailId), [started], { expectedRevision: 0 });
    }
    // Server B follows the same log: both are server A's, within their lease.
    const b = worker(undefined, { server: 'server-b', run: 'run-1' });
    b.start();
    await b.idle();
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages).toHaveLength(0);
    // Server A again, a new run: it takes up its own attempts at once, as new attempts of this run.
    worker(undefined, { server: 'server-a', run: 'run-2' }).start();
    await smtp.waitForMessages(2);
    for (const emailId of [ours, theirs]) {
      await eventually(async () => (await typesOf(store, emailId)).includes('EmailSent'));
      const events = await store.readStream(emailStream(emailId));
      expect(events.map((e) => e.type)).toEqual(['EmailQueued', 'EmailAttemptStarted', 'EmailAttemptStarted', 'EmailSent']);
      expect(events[2]!.data).toMatchObject({ attempt: 1, by: { server: 'server-a', run: 'run-2' } });
      expect(events[3]!.data).toMatchObject({ attempt: 1, possiblyDuplicate: true });
    }
    expect(smtp.messages).toHaveLength(2);
  });

  // Seen in CI: the worker planned another look at an e-mail the subscription had already taken out
  // of its queue, then found it due with nothing to send and looped on it without end, holding
  // the event loop (the whole server stopped answering). Before the fix this test hangs there.
  it('an e-mail another server sends while this one composes it is left to that server, and this one goes on', async () => {
    const { store, smtp, worker } = await setup();
    const raced = await queueEmail(store);
    const w = worker(async (queued) => {
      if (queued.emailId !== raced) return;
      const meta = { actor: SYSTEM_ACTOR, at: new Date().toISOString(), correlationId: randomUUID(), causationId: null };
      const messageId = `<${raced}@elsewhere.local>`;
      const otherServers = [
        catalogue.encode({ type: 'EmailAttemptStarted', data: { emailId: raced, attempt: 1, messageId, startedAt: meta.at } }, meta),
        catalogue.encode({ type: 'EmailSent', data: { emailId: raced, to: 'customer-c-1@example.it', messageId, attempt: 1, sentAt: meta.at } }, meta),
      ];
      await store.append(emailStream(raced), otherServers, { expectedRevision: 0 });
      await eventually(async () => !w.pending.has(raced));
    });
    w.start();
    await eventually(async () => (await typesOf(store, raced)).includes('EmailSent'));
    await new Promise((r) => setTimeout(r, 100)); // past the 30 ms after which it would look at it again

    const next = await queueEmail(store);
    await eventually(async () => (await typesOf(store, next)).includes('EmailSent'));
    expect(smtp.messages).toHaveLength(1);
    expect(await typesOf(store, raced)).toEqual(['EmailQueued', 'EmailAttemptStarted', 'EmailSent']);
  });

  it("sends as many e-mails at once as SMTP_URL's pool keeps connections, nodemailer's 5 unless it says", () => {
    expect(smtpConnections('smtp://127.0.0.1:1025?maxConnections=2')).toBe(2);
    expect(smtpConnections('smtps://user:secret@mail.example.it/?pool=true&maxConnections=12')).toBe(12);
    for (const url of ['smtp://127.0.0.1:1025', 'smtp://127.0.0.1:1025?maxConnections=0', 'smtp://127.0.0.1:1025?maxConnections=many', 'not a URL', undefined]) {
      expect(smtpConnections(url)).toBeUndefined();
    }
    expect(defaultOutboxSettings.concurrentSends).toBe(5);
  });

  it('backs off exponentially up to the maximum delay', () => {
    const settings = { firstDelayMs: 5_000, maxDelayMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, settings))).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
  });
});
