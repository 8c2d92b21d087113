// What a Prometheus scraper reads at GET /metrics (server/features/operations/metrics.ts), so that
// N servers on one EventStoreDB can be watched from one place. prom-client keeps the figures and
// writes the text format; each app has its own registry (tests start many apps in one process).
//
//  - every request: a latency histogram by method, route pattern (`/api/orders/:id`, never the raw
//    URL: one series per route, not per order) and status class; its `_count` is the request rate;
//  - every command (a POST, PUT, PATCH or DELETE that decides something): its outcome, accepted,
//    refused (with the refusal's code, as the client read it), conflict (`concurrent_change`: the
//    retries of the write path ran out), failed (5xx) or replayed (an Idempotency-Key answered again);
//  - at scrape time: the event store's head and whether it answers, each projection's and each
//    reactor's lag behind the head (server/features/operations/followers.ts), and the e-mail
//    outbox's queue by state, from the `emails` read model.
//
// Only hooks and read-only looks: nothing here changes how a request or a command is handled.
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { followersLag } from '../../features/operations/followers';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: {
      readonly registry: Registry;
      /** Reads what is measured at scrape time (the head, the lags, the outbox) into the gauges. */
      refresh(): Promise<void>;
    };
  }
}

/** Mutating routes that decide nothing: a price quote, a session's start and end. */
const NOT_COMMANDS = new Set(['POST /api/orders/quote', 'POST /api/auth/login', 'POST /api/auth/logout']);
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The label of a request no route matched: one series for every unknown URL. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** How long the scrape waits for the store's head before reporting it down. */
const STORE_TIMEOUT_MS = 2_000;

/** Latency buckets (seconds): a read from a read model in milliseconds, a command's fsync and read-your-writes wait up to 2 s. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

export type CommandOutcome = 'accepted' | 'refused' | 'conflict' | 'failed' | 'replayed';

export function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

/** The outcome of a command from its answer: the status, the error body's code, the replay header. */
export function commandOutcome(status: number, code: string | undefined, replayed: boolean): CommandOutcome {
  if (replayed) return 'replayed';
  if (status < 400) return 'accepted';
  if (status >= 500) return 'failed';
  if (code === 'concurrent_change') return 'conflict';
  return 'refused';
}

function errorCodeOf(payload: unknown): string | undefined {
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
  if (text === null || !text.startsWith('{')) return undefined;
  try {
    const code = (JSON.parse(text) as { code?: unknown }).code;
    return typeof code === 'string' && /^[a-z0-9_]{1,64}$/i.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export default fp(
  async (app) => {
    const registry = new Registry();
    // Process figures (CPU, memory, event-loop delay, GC) under their usual names.
    collectDefaultMetrics({ register: registry });

    const requestDuration = new Histogram({
      name: 'backoffice_http_request_duration_seconds',
      help: 'Time to answer a request, by method, route pattern and status class (its _count is the request count)',
      labelNames: ['method', 'route', 'status_class'] as const,
      buckets: BUCKETS,
      registers: [registry],
    });
    const commands = new Counter({
      name: 'backoffice_commands_total',
      help: 'Commands answered, by route and outcome (accepted, refused, conflict, failed, replayed); code: the refusal or failure code',
      labelNames: ['route', 'outcome', 'code'] as const,
      registers: [registry],
    });
    const storeUp = new Gauge({
      name: 'backoffice_event_store_up',
      help: 'Whether the event store answered this scrape (1) or not (0)',
      labelNames: ['store'] as const,
      registers: [registry],
    });
    const headPosition = new Gauge({
      name: 'backoffice_event_store_head_position',
      help: 'Global position of the last event in the log',
      registers: [registry],
    });
    const projectionLag = new Gauge({
      name: 'backoffice_projection_lag_events',
      help: "Events in the log after the projection's position (this server's read model); a lower bound when counted up to the limit",
      labelNames: ['projection'] as const,
      registers: [registry],
    });
    const projectionLive = new Gauge({
      name: 'backoffice_projection_live',
      help: 'Whether the projection is live (1) or catching up, rebuilding, failed or stopped (0)',
      labelNames: ['projection', 'state'] as const,
      registers: [registry],
    });
    const reactorLag = new Gauge({
      name: 'backoffice_reactor_lag_events',
      help: "Events in the log after the reactor's position on this server; mode: catch-up or persistent",
      labelNames: ['reactor', 'mode'] as const,
      registers: [registry],
    });
    const reactorBacklog = new Gauge({
      name: 'backoffice_reactor_backlog',
      help: 'Units of work the reactor holds still to do on this server (waiting for a retry included)',
      labelNames: ['reactor'] as const,
      registers: [registry],
    });
    const reactorParked = new Gauge({
      name: 'backoffice_reactor_parked_events',
      help: "Events the reactor's persistent-subscription group has parked after they failed on every retry (EventStoreDB; the same figure on every server)",
      labelNames: ['reactor'] as const,
      registers: [registry],
    });
    const outbox = new Gauge({
      name: 'backoffice_outbox_emails',
      help: "E-mails of the outbox not sent, by state (queued, retrying, failed), from this server's emails read model (the same figure on every server)",
      labelNames: ['state'] as const,
      registers: [registry],
    });

    const codes = new WeakMap<FastifyRequest, string>();
    app.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode >= 400) {
        const code = errorCodeOf(payload);
        if (code) codes.set(request, code);
      }
      return payload;
    });
    app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
      const route = routeOf(request);
      const status = reply.statusCode;
      requestDuration.observe({ method: request.method, route, status_class: `${Math.floor(status / 100)}xx` }, reply.elapsedTime / 1000);
      if (!MUTATING.has(request.method) || route === UNMATCHED_ROUTE || NOT_COMMANDS.has(`${request.method} ${route}`)) return;
      const code = codes.get(request);
      const outcome = commandOutcome(status, code, reply.getHeader('idempotent-replayed') === 'true');
      commands.inc(outcome === 'refused' || outcome === 'failed' ? { route, outcome, code: code ?? `http_${status}` } : { route, outcome });
    });

    async function refresh(): Promise<void> {
      const store = app.eventStore;
      let head: number;
      try {
        head = await withTimeout(store.headPosition(), STORE_TIMEOUT_MS);
      } catch {
        storeUp.set({ store: store.kind }, 0);
        return; // lags cannot be counted without the log; the last figures stay
      }
      storeUp.set({ store: store.kind }, 1);
      headPosition.set(head);
      const lags = await followersLag(app, head);
      projectionLag.reset();
      projectionLive.reset();
      for (const p of lags.projections) {
        projectionLag.set({ projection: p.name }, p.events);
        projectionLive.set({ projection: p.name, state: p.state }, p.state === 'live' ? 1 : 0);
      }
      reactorLag.reset();
      reactorBacklog.reset();
      for (const r of lags.reactors) {
        reactorLag.set({ reactor: r.name, mode: r.mode }, r.events);
        if (r.backlog !== null) reactorBacklog.set({ reactor: r.name }, r.backlog);
      }
      reactorParked.reset();
      const running = app.hasDecorator('salesReactors') ? app.salesReactors : null;
      for (const r of (await running?.parked()) ?? []) if (r.parked !== null) reactorParked.set({ reactor: r.name }, r.parked);
      outbox.reset();
      for (const state of ['queued', 'retrying', 'failed']) outbox.set({ state }, 0);
      try {
        const rows = app.projections.db
          .prepare("SELECT state, count(*) AS n FROM emails WHERE state IN ('queued', 'retrying', 'failed') GROUP BY state")
          .all() as Array<{ state: string; n: number }>;
        for (const row of rows) outbox.set({ state: row.state }, row.n);
      } catch {
        outbox.reset(); // the read model is not there yet (its first build): no figure rather than a false 0
      }
    }

    app.decorate('metrics', { registry, refresh });
  },
  { name: 'metrics' },
);
