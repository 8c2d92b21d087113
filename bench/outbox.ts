// The e-mail outbox after a burst: E-mails queued at once on the embedded store (on disk), sent
// through a real SMTP server in this process (smtp-server) that answers each message ANSWER_MS
// after reading it, as a relay across the network does; nodemailer's pool as the server uses it.
// Measured from the outbox's start to the last EmailSent, one e-mail at a time and as many at once
// as the pool's default connections. The limit beside each: the same messages sent straight through
// nodemailer's pool with as many in flight, no store, no claims, no records.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { createSqliteStore } from '../events/adapters/sqlite';
import { EventCatalogue, SYSTEM_ACTOR } from '../events/eventCatalogue';
import { emailEventShapes, emailStream, type EmailEvent } from '../domain/emails/events';
import type { ComposedEmail } from '../server/features/emails/couponEmailMessage';
import { defaultOutboxSettings, OutboxWorker } from '../server/features/emails/outbox';
import type { BenchModule, Figure } from './run';

const EMAILS = Number(process.env.BENCH_OUTBOX_EMAILS ?? 600);
const ANSWER_MS = 20;
const catalogue = new EventCatalogue<EmailEvent>(emailEventShapes);

const progress = (line: string) => process.stderr.write(`  outbox: ${line}\n`);

async function startSmtp(): Promise<{ port: number; received: () => number; close(): Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        received++;
        setTimeout(() => callback(), ANSWER_MS);
      });
    },
  });
  server.on('error', () => {}); // a connection reset by its sender: not the bench's concern
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const pool = (port: number, connections: number): Transporter =>
  nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: connections }) as Transporter;

function message(i: number): ComposedEmail & { to: string } {
  return {
    to: `studio${i}@example.it`,
    subject: `Codici coupon, ordine ${i}`,
    text: `Codici: ${randomUUID()}`,
    html: `<p>Codici</p>`,
  };
}

/** E-mails/s straight through the pool, `connections` in flight. */
async function bareSends(port: number, connections: number): Promise<number> {
  const transport = pool(port, connections);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < EMAILS) await transport.sendMail({ from: defaultOutboxSettings.fromAddress, ...message(next++) });
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  transport.close();
  return EMAILS / seconds;
}

/** E-mails/s through the outbox, from its start on a log of EMAILS queued e-mails to the last recorded sent. */
async function outboxSends(port: number, connections: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-outbox-'));
  const store = createSqliteStore({ file: join(dir, 'events.db') });
  const transport = pool(port, connections);
  try {
    const at = new Date().toISOString();
    const context = { actor: SYSTEM_ACTOR, at, correlationId: randomUUID(), causationId: null };
    await Promise.all(
      Array.from({ length: EMAILS }, (_, i) => {
        const emailId = randomUUID();
        const queued = catalogue.encode(
          {
            type: 'EmailQueued',
            data: { emailId, purpose: 'coupon_codes', customerId: `c-${i}`, orderId: `o-${i}`, couponIds: [`k-${i}`], reason: 'fulfilment', queuedAt: at },
          },
          context,
        );
        return store.append(emailStream(emailId), [queued], { expectedRevision: 'no_stream' });
      }),
    );
    let sent = 0;
    let done!: () => void;
    const allSent = new Promise<void>((resolve) => (done = resolve));
    const counting = store.subscribeToAll({ after: await store.headPosition() });
    void (async () => {
      for await (const event of counting) if (event.type === 'EmailSent' && ++sent === EMAILS) done();
    })();
    let i = 0;
    const worker = new OutboxWorker({
      store,
      catalogue,
      transport,
      compose: async () => message(i++),
      settings: { concurrentSends: connections },
    });
    const t0 = performance.now();
    worker.start();
    await allSent;
    const seconds = (performance.now() - t0) / 1000;
    await worker.stop();
    await counting.stop();
    return EMAILS / seconds;
  } finally {
    transport.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(): Promise<Figure[]> {
  const smtp = await startSmtp();
  const figures: Figure[] = [];
  try {
    for (const connections of [1, defaultOutboxSettings.concurrentSends]) {
      progress(`${EMAILS} e-mails, ${connections} at a time, SMTP answering in ${ANSWER_MS} ms`);
      const outbox = await outboxSends(smtp.port, connections);
      const limit = await bareSends(smtp.port, connections);
      const atOnce = connections === 1 ? 'one at a time' : `${connections} at once`;
      figures.push(
        { name: `e-mails sent after a burst, ${atOnce}`, value: outbox, unit: 'e-mails/s', note: `${EMAILS} queued, SMTP answering in ${ANSWER_MS} ms` },
        { name: `  limit: the pool alone, ${atOnce}`, value: limit, unit: 'e-mails/s' },
        { name: '  outbox / limit', value: (100 * outbox) / limit, unit: '%' },
      );
    }
  } finally {
    await smtp.close();
  }
  return figures;
}

export const outboxBench: BenchModule = { name: 'outbox', run };
