// The e-mail outbox after a burst: E-mails queued at once on the embedded store (on disk), sent
// through a real SMTP server in this process (smtp-server) that answers each message ANSWER_MS
// after reading it, as a relay across the network does; nodemailer's pool as the server uses it.
// Measured from the outbox's start to the last EmailSent, one e-mail at a time and as many at once
// as the pool's default connections. The limit beside each: the same messages sent straight through
// nodemailer's pool with as many in flight, no store, no claims, no records.
//
// Then an SMTP outage: e-mails queued in batches of OUTAGE_BATCH while those before them wait for
// their retry (the SMTP port refuses connections); the process's CPU per e-mail, from its batch's
// queueing until its attempt is recorded as failed, with a few thousand waiting and with close to
// OUTAGE_BATCHES x OUTAGE_BATCH (medians of three batches each; the first two batches warm up).
// The two should cost the same: the outbox finds the e-mails due without walking the others.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { createServer, type AddressInfo } from 'node:net';
import { createSqliteStore } from '../events/adapters/sqlite';
import type { EventStore } from '../events/port';
import { EventCatalogue, SYSTEM_ACTOR } from '../events/eventCatalogue';
import { emailEventShapes, emailStream, type EmailEvent } from '../domain/emails/events';
import type { ComposedEmail } from '../server/features/emails/couponEmailMessage';
import { defaultOutboxSettings, OutboxWorker } from '../server/features/emails/outbox';
import { median } from './eventStore';
import type { BenchModule, Figure } from './run';

const EMAILS = Number(process.env.BENCH_OUTBOX_EMAILS ?? 600);
const ANSWER_MS = 20;
const OUTAGE_BATCH = 1_000;
const OUTAGE_BATCHES = 20;
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

/** Appends `count` EmailQueued at once, each on its own e-mail's stream. */
async function queueEmails(store: EventStore, count: number): Promise<void> {
  const at = new Date().toISOString();
  const context = { actor: SYSTEM_ACTOR, at, correlationId: randomUUID(), causationId: null };
  await Promise.all(
    Array.from({ length: count }, (_, i) => {
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
}

/** A local port nothing listens on: connections to it are refused, as to an SMTP server that is down. */
async function refusingPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** CPU (ms, this process) per e-mail queued during an outage, batch by batch, as more and more wait. */
async function outageCosts(): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-outbox-outage-'));
  const store = createSqliteStore({ file: join(dir, 'events.db') });
  const transport = pool(await refusingPort(), defaultOutboxSettings.concurrentSends);
  let failed = 0;
  let reached: { count: number; resolve: () => void } | undefined;
  const counting = store.subscribeToAll({ after: 0 });
  void (async () => {
    for await (const event of counting) {
      if (event.type === 'EmailAttemptFailed' && ++failed === reached?.count) reached.resolve();
    }
  })();
  const worker = new OutboxWorker({
    store,
    catalogue,
    transport,
    compose: async () => message(0),
    // No retry and no probe within the bench: every e-mail waits after its first attempt.
    settings: { firstDelayMs: 3_600_000, maxDelayMs: 3_600_000, smtpProbeMs: 3_600_000 },
  });
  const costs: number[] = [];
  try {
    worker.start();
    for (let batch = 1; batch <= OUTAGE_BATCHES; batch++) {
      const before = process.cpuUsage();
      const allFailed = new Promise<void>((resolve) => (reached = { count: batch * OUTAGE_BATCH, resolve }));
      await queueEmails(store, OUTAGE_BATCH);
      await allFailed;
      const used = process.cpuUsage(before);
      costs.push((used.user + used.system) / 1000 / OUTAGE_BATCH);
    }
    return costs;
  } finally {
    await worker.stop();
    await counting.stop();
    transport.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
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
    await queueEmails(store, EMAILS);
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
  progress(`SMTP down: ${OUTAGE_BATCHES} batches of ${OUTAGE_BATCH} e-mails, each queued while those before wait for their retry`);
  const outage = await outageCosts();
  const waiting = (batch: number) => ((batch - 1) * OUTAGE_BATCH).toLocaleString('en');
  figures.push(
    {
      name: `SMTP down: CPU per e-mail queued, ${waiting(OUTAGE_BATCHES - 2)}-${waiting(OUTAGE_BATCHES)} waiting`,
      value: median(outage.slice(-3)),
      unit: 'ms',
      note: 'from its queueing until its failed attempt is recorded',
    },
    { name: `  with ${waiting(3)}-${waiting(5)} waiting`, value: median(outage.slice(2, 5)), unit: 'ms' },
  );
  return figures;
}

export const outboxBench: BenchModule = { name: 'outbox', run };
