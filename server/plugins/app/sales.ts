// The sales application layer inside the server: builds the `SalesDeps` the sales routes use
// (`app.sales`: the event store, the catalogue, the request clock of `app.security.now`, UUIDs, the
// settings from configuration) and runs the sales process managers and the e-mail outbox
// (`startReactors`: payment application, fulfilment, order expiry, coupon e-mails) on them.
//
// How coupon e-mails leave, decided once at start:
//   - SMTP_URL set: nodemailer over SMTP (pooled connections), e.g. `smtp://127.0.0.1:1025`; query
//     parameters are nodemailer options (`smtp://host:25?ignoreTLS=true`).
//   - SMTP_URL unset, DEMO=true: nothing is sent. Each e-mail is written to
//     `DATA_DIR/demo-mail/<e-mail id>.eml` (mode 0600; open it with any mail reader) and logged as
//     "sent" (recipient, subject, file; never its text: it holds coupon codes), and the outbox
//     records it as sent, so the demo's purchases complete.
//   - SMTP_URL unset otherwise: one warning at start; every attempt fails with "SMTP_URL is not
//     set", so the outbox records the failed attempts (never a false "sent"), retries with back-off
//     and finally gives up. Set SMTP_URL and restart: the e-mails still pending go out; those given
//     up are retried from the console (POST /api/emails/:id/retry).
//
// On close the reactors stop (work in progress finishes) and the transport closes, before the
// projections and the event store close: this plugin is registered after them, and Fastify runs
// onClose hooks in reverse order.
import fp from 'fastify-plugin';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type Transport, type Transporter } from 'nodemailer';
import { catalogue } from '../../../events/index';
import { projectionNames } from '../../../projections/index';
import type { OutboxSettings } from '../../features/emails/outbox';
import type { ConflictRetryPolicy } from '../../commands/conflictRetry';
import { sqliteCheckpointStore, startReactors, type ReactorLog, type RunningReactors, type StartReactorsDeps } from '../../reactors/index';
import { unusedCouponsOfDevices } from '../../features/coupons/unusedOfDevices';
import { defaultSalesSettings, type SalesDeps, type SalesSettings } from '../../features/deps';
import { uuidv7 } from '../../../events/uuid';

declare module 'fastify' {
  interface FastifyInstance {
    /** What the sales services need (server/features/services.ts). */
    sales: SalesDeps;
    /** The running reactors, or null when started with `reactors: false`. */
    salesReactors: RunningReactors | null;
  }
}

export interface SalesPluginOptions {
  /** Settings over the defaults of server/features/deps.ts (from configuration). */
  settings?: Partial<SalesSettings> | undefined;
  /** SMTP URL for the coupon e-mails; see the top of this file when absent. */
  smtpUrl?: string | undefined;
  /** The From of the e-mails, e.g. `Firma Facile <noreply@firmafacile.it>`. */
  mailFrom?: string | undefined;
  /** Start the reactors (default true); tests that drive the process managers themselves say false. */
  reactors?: boolean | undefined;
  /** Demo: without SMTP, e-mails are written to DATA_DIR/demo-mail instead of failing. */
  demo?: boolean | undefined;
  /** Where demo e-mails are written (DATA_DIR); absent: only logged. */
  dataDir?: string | undefined;
  /** A nodemailer transport to use instead of SMTP_URL (benchmarks, tests); closed on close. */
  transport?: Transporter | undefined;
  /** Outbox timing (tests make it fast). */
  outbox?: Partial<Omit<OutboxSettings, 'fromAddress'>> | undefined;
  /** Back-off of the reactors' failed units (tests make it fast). */
  retry?: { firstDelayMs?: number; maxDelayMs?: number } | undefined;
  /** How commands retry a conflict with another server (server/commands/conflictRetry.ts; default 2 s). */
  conflictRetry?: Partial<ConflictRetryPolicy> | undefined;
  /** How the reactors share work with other servers (default: persistent subscriptions on EventStoreDB). */
  competing?: StartReactorsDeps['competing'];
  /** Test hooks of the fulfilment (a server dying in the middle of it). */
  fulfilmentHooks?: StartReactorsDeps['fulfilmentHooks'];
}

export const SMTP_UNSET = 'SMTP_URL is not set: e-mails cannot be sent';

type Log = ReactorLog;

/** A nodemailer transport (plugin shape) that hands the raw message to `deliver`. */
function customTransport(name: string, deliver: (raw: Buffer, envelope: { to: string[] }, messageId: string) => void): Transporter {
  const transport: Transport<{ messageId: string; envelope: { to: string[] } }> = {
    name,
    version: '1.0.0',
    send(mail, callback) {
      const envelope = mail.message.getEnvelope() as { to: string[] };
      const messageId = mail.message.messageId();
      mail.message.build((error, raw) => {
        if (error) return callback(error, { messageId, envelope });
        try {
          deliver(raw, envelope, messageId);
          callback(null, { messageId, envelope });
        } catch (failure) {
          callback(failure instanceof Error ? failure : new Error(String(failure)), { messageId, envelope });
        }
      });
    },
  };
  return nodemailer.createTransport(transport) as unknown as Transporter;
}

/** Demo without SMTP: each e-mail becomes a .eml file (or only a log line without a data dir). */
function demoTransport(dataDir: string | undefined, log: Log): Transporter {
  const dir = dataDir === undefined ? undefined : join(dataDir, 'demo-mail');
  return customTransport('demo-mail-files', (raw, envelope, messageId) => {
    const subject = /^Subject: (.*)$/m.exec(raw.toString('utf8'))?.[1] ?? '';
    let file: string | null = null;
    if (dir) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      file = join(dir, `${messageId.replace(/^<|@.*$/g, '').replace(/[^A-Za-z0-9-]/g, '_') || randomUUID()}.eml`);
      writeFileSync(file, raw, { mode: 0o600 });
    }
    log.info({ to: envelope.to, subject, file }, 'demo: e-mail not sent (SMTP_URL is unset) but recorded as sent; its text is in the file');
  });
}

/** Without SMTP outside the demo: every attempt fails, so nothing is recorded as sent. */
function unsetTransport(): Transporter {
  return customTransport('smtp-unset', () => {
    throw new Error(SMTP_UNSET);
  });
}

/** The SMTP pool's connections as SMTP_URL sets them (`?maxConnections=2`); nodemailer's 5 otherwise. */
export function smtpConnections(smtpUrl: string | undefined): number | undefined {
  if (!smtpUrl || !URL.canParse(smtpUrl)) return undefined;
  const connections = Number(new URL(smtpUrl).searchParams.get('maxConnections') ?? Number.NaN);
  return Number.isInteger(connections) && connections > 0 ? connections : undefined;
}

function messageIdDomainOf(settings: SalesSettings): string {
  try {
    return new URL(settings.couponStatusUrl).hostname || 'backoffice.local';
  } catch {
    return 'backoffice.local';
  }
}

export default fp<SalesPluginOptions>(
  async (app, options) => {
    const settings: SalesSettings = {
      ...defaultSalesSettings,
      ...options.settings,
      seller: { ...defaultSalesSettings.seller, ...options.settings?.seller },
    };
    const deps: SalesDeps = {
      store: app.eventStore,
      catalogue,
      clock: () => app.security.now(),
      ids: { uuid: uuidv7 },
      settings,
      unusedCoupons: (serials, now) => unusedCouponsOfDevices(app.projections.db, serials, now),
      conflictRetry: options.conflictRetry,
    };
    app.decorate('sales', deps);
    app.decorate('salesReactors', null);
    if (options.reactors === false) return;

    const log = app.log.child({ component: 'sales' }) as unknown as Log;
    let transport: Transporter;
    if (options.transport) {
      transport = options.transport;
    } else if (options.smtpUrl) {
      transport = nodemailer.createTransport({ url: options.smtpUrl, pool: true }) as unknown as Transporter;
    } else if (options.demo) {
      transport = demoTransport(options.dataDir, log);
      log.warn({}, 'SMTP_URL is not set: demo e-mails are written to DATA_DIR/demo-mail instead of being sent');
    } else {
      transport = unsetTransport();
      log.warn({}, 'SMTP_URL is not set: coupon e-mails will not be sent (each attempt fails and is retried) until it is set');
    }
    const connections = options.transport ? undefined : smtpConnections(options.smtpUrl);
    // Beside the sessions in server.db: the reactors resume from there instead of replaying the log.
    const checkpoints = options.dataDir ? sqliteCheckpointStore(join(options.dataDir, 'server.db')) : undefined;
    const reactors = startReactors({
      ...deps,
      transport,
      checkpoints,
      log,
      retry: options.retry,
      competing: options.competing,
      fulfilmentHooks: options.fulfilmentHooks,
      busy: () => app.requestsInFlight() > 0,
      readDb: () => app.projections.db,
      readModelsCaughtUp: () => app.projections.whenCaughtUp([projectionNames.certificateDeadlines]),
      run: app.serverRun,
      outbox: {
        // One e-mail at a time per connection the pool may open.
        ...(connections === undefined ? {} : { concurrentSends: connections }),
        ...options.outbox,
        messageIdDomain: options.outbox?.messageIdDomain ?? messageIdDomainOf(settings),
        ...(options.mailFrom ? { fromAddress: options.mailFrom } : {}),
      },
    });
    app.salesReactors = reactors;
    app.addHook('onClose', async () => {
      await reactors.stop();
      checkpoints?.close();
      transport.close();
    });
  },
  { name: 'sales', dependencies: ['event-store', 'access'] },
);
