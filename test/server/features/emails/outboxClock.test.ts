// The outbox and a wall clock set back an hour: a failed e-mail is retried after its back-off (the
// waits are on the monotonic clock, a retry time read back from the log is capped at its back-off),
// and no outcome is dated before the e-mail was queued.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../../events/adapters/sqlite';
import { EventCatalogue, SYSTEM_ACTOR } from '../../../../events/eventCatalogue';
import { emailEventShapes, emailStream, type EmailEvent } from '../../../../domain/emails/events';
import type { EventStore } from '../../../../events/port';
import { OutboxWorker } from '../../../../server/features/emails/outbox';
import { startTestSmtp } from '../../../support/smtp';
import { tempDir } from '../../../support/tmp';

const catalogue = new EventCatalogue<EmailEvent>(emailEventShapes);
const HOUR = 3_600_000;

async function append(store: EventStore, emailId: string, event: EmailEvent, expectedRevision: number | 'no_stream', at: string) {
  const encoded = catalogue.encode(event, { actor: SYSTEM_ACTOR, at, correlationId: randomUUID(), causationId: null });
  await store.append(emailStream(emailId), [encoded], { expectedRevision });
}

const queued = (emailId: string, queuedAt: string): EmailEvent => ({
  type: 'EmailQueued',
  data: { emailId, purpose: 'coupon_codes', customerId: 'c-1', orderId: 'o-1', couponIds: ['k-1'], reason: 'fulfilment', queuedAt },
});

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the outbox when the wall clock is set back', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup() {
    const dir = tempDir();
    const store = createSqliteStore({ file: join(dir.path, 'events.db') });
    const smtp = await startTestSmtp();
    cleanups.push(() => dir.remove(), () => store.close(), () => smtp.close());
    const clock = { offset: 0 };
    const worker = () => {
      const w = new OutboxWorker({
        store,
        catalogue,
        transport: nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }),
        compose: async () => ({ to: 'customer@example.it', subject: 'Codici', text: 'Codici', html: '<p>Codici</p>' }),
        settings: { firstDelayMs: 300, maxDelayMs: 1000, maxAttempts: 5 },
        now: () => Date.now() + clock.offset,
      });
      cleanups.push(() => w.stop());
      return w;
    };
    return { store, smtp, clock, worker };
  }

  it('a failed e-mail is retried after its back-off, not an hour later, and sent no earlier than it was queued', async () => {
    const { store, smtp, clock, worker } = await setup();
    smtp.refusing = true;
    const emailId = randomUUID();
    const queuedAt = new Date().toISOString();
    await append(store, emailId, queued(emailId, queuedAt), 'no_stream', queuedAt);
    worker().start();
    await eventually(async () => (await store.readStream(emailStream(emailId))).some((e) => e.type === 'EmailAttemptFailed'));
    clock.offset = -HOUR;
    smtp.refusing = false;
    await smtp.waitForMessages(1, 3_000);
    await eventually(async () => (await store.readStream(emailStream(emailId))).at(-1)!.type === 'EmailSent');
    const sent = (await store.readStream(emailStream(emailId))).at(-1)!.data as { sentAt: string };
    expect(Date.parse(sent.sentAt)).toBeGreaterThanOrEqual(Date.parse(queuedAt));
  });

  it('a worker started after the clock went back waits at most the back-off for a retry recorded before', async () => {
    const { store, smtp, clock, worker } = await setup();
    const emailId = randomUUID();
    const before = Date.now();
    await append(store, emailId, queued(emailId, new Date(before).toISOString()), 'no_stream', new Date(before).toISOString());
    await append(
      store,
      emailId,
      { type: 'EmailAttemptFailed', data: { emailId, attempt: 1, error: '451 try later', failedAt: new Date(before).toISOString(), retryAt: new Date(before + 300).toISOString() } },
      0,
      new Date(before).toISOString(),
    );
    clock.offset = -HOUR; // retryAt now lies an hour and 300 ms ahead of the wall clock
    worker().start();
    await smtp.waitForMessages(1, 3_000);
    await eventually(async () => (await store.readStream(emailStream(emailId))).at(-1)!.type === 'EmailSent');
    const sent = (await store.readStream(emailStream(emailId))).at(-1)!.data as { sentAt: string };
    expect(Date.parse(sent.sentAt)).toBeGreaterThanOrEqual(before);
  });
});
