// The reactors' start on a long log (issue: "reactors resume, they do not replay"): the time from
// startReactors to "reactors live" (every reactor and the outbox caught up and working)
//   - first start, without checkpoints: the whole log is replayed;
//   - a restart from the checkpoints the first run left, after more events were appended while
//     it was stopped (target: under 1 s, whatever the length of the log).
// The log holds paid orders whose fulfilment e-mails were queued and sent (OrderPaid, EmailQueued,
// EmailAttemptStarted, EmailSent: four events an order), so the reactors and the outbox take each
// order into their work lists and out again, as on a real log. BENCH_REACTOR_EVENTS=200000 for a
// quicker look.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { createSqliteStore } from '../events/adapters/sqlite';
import { SYSTEM_ACTOR } from '../events/eventCatalogue';
import { catalogue, type DomainEvent } from '../events/index';
import type { EventStore, EventToAppend } from '../events/port';
import { sqliteCheckpointStore, startReactors } from '../server/reactors/index';
import { defaultSalesSettings } from '../server/features/deps';
import type { BenchModule, Figure } from './run';

const TOTAL_EVENTS = Number(process.env.BENCH_REACTOR_EVENTS ?? 1_000_000);
const APPENDED_WHILE_STOPPED = 10_000;
const ORDERS_PER_APPEND = 250;

function progress(line: string): void {
  process.stderr.write(`  ${line}\n`);
}

/** The four events of one fulfilled order, encoded, with the stream each goes to. */
function fulfilledOrder(at: string): Array<{ stream: string; event: EventToAppend }> {
  const orderId = randomUUID();
  const emailId = randomUUID();
  const ctx = { actor: SYSTEM_ACTOR, at, correlationId: randomUUID(), causationId: null };
  const messageId = `<${emailId}@backoffice.local>`;
  const events: Array<[string, DomainEvent]> = [
    [`order-${orderId}`, { type: 'OrderPaid', data: { orderId, amountCents: 2684, via: 'prepaid', paidAt: at } }],
    [
      `email-${emailId}`,
      {
        type: 'EmailQueued',
        data: { emailId, purpose: 'coupon_codes', customerId: randomUUID(), orderId, couponIds: [randomUUID()], reason: 'fulfilment', queuedAt: at },
      },
    ],
    [`email-${emailId}`, { type: 'EmailAttemptStarted', data: { emailId, attempt: 1, messageId, startedAt: at } }],
    [`email-${emailId}`, { type: 'EmailSent', data: { emailId, to: 'mario.rossi@example.it', messageId, attempt: 1, sentAt: at } }],
  ];
  return events.map(([stream, event]) => ({ stream, event: catalogue.encode(event, ctx) }));
}

async function appendOrders(store: EventStore, events: number): Promise<void> {
  const at = new Date().toISOString();
  for (let written = 0; written < events; written += ORDERS_PER_APPEND * 4) {
    const appends = Array.from({ length: ORDERS_PER_APPEND }, () => fulfilledOrder(at)).map((order) => [
      store.append(order[0]!.stream, [order[0]!.event], { expectedRevision: 'no_stream' }),
      store.append(order[1]!.stream, order.slice(1).map((o) => o.event), { expectedRevision: 'no_stream' }),
    ]);
    await Promise.all(appends.flat());
  }
}

async function timeToLive(store: EventStore, checkpointsFile: string): Promise<{ ms: number; resumedFrom: number }> {
  const checkpoints = sqliteCheckpointStore(checkpointsFile);
  const transport = nodemailer.createTransport({ jsonTransport: true });
  const started = performance.now();
  const reactors = startReactors({
    store,
    catalogue,
    clock: () => new Date(),
    ids: { uuid: randomUUID },
    settings: defaultSalesSettings,
    transport: transport as never,
    checkpoints,
  });
  await reactors.live;
  const ms = performance.now() - started;
  await reactors.stop();
  checkpoints.close();
  transport.close();
  return { ms, resumedFrom: reactors.resumedFrom };
}

async function run(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-reactors-'));
  const store = createSqliteStore({ file: join(dir, 'events.db') });
  try {
    progress(`filling a log of ${TOTAL_EVENTS.toLocaleString('en')} events (paid orders, their e-mails sent)`);
    await appendOrders(store, TOTAL_EVENTS);
    const events = await store.headPosition();
    const checkpointsFile = join(dir, 'server.db');

    progress('first start: no checkpoints, the whole log is replayed');
    const first = await timeToLive(store, checkpointsFile);
    progress(`${APPENDED_WHILE_STOPPED.toLocaleString('en')} more events while the reactors are stopped, then a restart from their checkpoints`);
    await appendOrders(store, APPENDED_WHILE_STOPPED);
    const restart = await timeToLive(store, checkpointsFile);
    const after = (await store.headPosition()) - restart.resumedFrom;
    return [
      {
        name: 'reactors live, first start (replay of the whole log)',
        value: first.ms / 1000,
        unit: 's',
        note: `${events.toLocaleString('en')} events, ${((events / first.ms) * 1000).toLocaleString('en', { maximumFractionDigits: 0 })} events/s`,
      },
      {
        name: 'reactors live, restart from their checkpoints',
        value: restart.ms / 1000,
        unit: 's',
        target: { atMost: 1 },
        note: `log of ${(await store.headPosition()).toLocaleString('en')} events, ${after.toLocaleString('en')} read after the checkpoints`,
      },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const reactorsStartBench: BenchModule = { name: 'reactors start', run };
