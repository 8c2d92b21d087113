// The Fastify application, assembled from plugins: first the route-access plugin (its onRoute hook
// must see every route, and hand rate limits to @fastify/rate-limit), the error handler (so that
// even the documentation routes answer errors in one shape), then the external plugins (security
// headers, CORS, cookies, rate limits, API docs; server/plugins/external/), then the back office's own (the event store,
// sessions; server/plugins/app/), then the routes (server/features/).
import cookie from '@fastify/cookie';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { EventStore } from '../events/port';
import accessPlugin from './plugins/app/access';
import closingPlugin from './plugins/app/closing';
import consolePlugin from './plugins/app/console';
import errorHandler from './plugins/app/errorHandler';
import eventStorePlugin from './plugins/app/eventStore';
import { catalogue } from '../events/index';
import { projections } from '../projections/index';
import idempotencyPlugin from './plugins/app/idempotency';
import metricsPlugin from './plugins/app/metrics';
import projectionsPlugin, { type ProjectionsPluginOptions } from './plugins/app/projections';
import salesPlugin, { type SalesPluginOptions } from './plugins/app/sales';
import sessionsPlugin from './plugins/app/sessions';
import { routePlugins } from './features/index';
import corsPolicy from './plugins/external/cors';
import rateLimits from './plugins/external/rateLimit';
import securityHeaders from './plugins/external/securityHeaders';
import apiDocs from './plugins/external/swagger';
import { LIST_COUNT_CAP } from './read/listQuery';
import { readModelsBehindHeader } from './read/readYourWrites';
import { securitySettings, type SecuritySettings } from './security/settings';
import { startServerRun } from './serverRun';
import type { ServerRun } from '../domain/shared/serverRun';

declare module 'fastify' {
  interface FastifyInstance {
    /** Requests received and not yet answered (or abandoned). */
    requestsInFlight(): number;
    /** Where the embedded store, the read models and server.db live (none for an in-memory app). */
    dataDir: string | null;
    /** This start of this server (server/serverRun.ts): what its unfinished work is known by after a restart. */
    serverRun: ServerRun;
    /** Most rows a list counts for its total (LIST_COUNT_CAP; server/read/listQuery.ts). */
    listCountCap: number;
  }
}

/** Largest request body accepted (413 above); a route may raise it with its own `bodyLimit`. */
export const BODY_LIMIT = 1024 * 1024;

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

export interface AppOptions {
  store: EventStore;
  logger?: FastifyServerOptions['logger'];
  /** Where `server.db` (sessions, login throttling) is kept; in memory when absent. */
  dataDir?: string | undefined;
  /** Clock, session lifetimes, login throttling, rate limits, CORS origins (defaults: production). */
  security?: Partial<SecuritySettings> | undefined;
  /** The read side: every projection of the back office unless a test brings its own. */
  readSide?: Pick<ProjectionsPluginOptions, 'projections' | 'catalogue'>;
  /**
   * Sales (server/plugins/app/sales.ts): settings over the defaults, the SMTP URL of the coupon
   * e-mails, and whether the reactors run (default: they do).
   */
  sales?: Omit<SalesPluginOptions, 'dataDir'> | undefined;
  /** Most rows a list counts for its total, above it "more than" (default LIST_COUNT_CAP, 10,000). */
  listCountCap?: number | undefined;
}

export async function buildApp({ store, logger = false, dataDir, security, readSide, sales, listCountCap }: AppOptions) {
  const settings = securitySettings(security);
  const app = Fastify({
    logger,
    forceCloseConnections: 'idle',
    // Which X-Forwarded-* headers to believe (TRUST_PROXY): the client address that logins and
    // the coupon check are rate-limited by, the host and protocol the cross-origin check compares.
    // A hop count becomes the function Fastify builds from a number itself (its types want one).
    trustProxy: typeof settings.trustProxy === 'number' ? trustHops(settings.trustProxy) : settings.trustProxy,
    bodyLimit: BODY_LIMIT,
    // A request id a proxy passed along is kept when it looks like one; otherwise a new UUID.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(accessPlugin, { settings });
  await app.register(errorHandler);
  // A stop does not wait for clients' kept-alive connections.
  await app.register(closingPlugin);
  // Request and command figures for GET /metrics: its hooks must see every route's answer.
  await app.register(metricsPlugin);
  // Requests being answered, for the background work that yields to them (server/reactors).
  let requestsInFlight = 0;
  app.decorate('dataDir', dataDir ?? null);
  app.decorate('serverRun', startServerRun(dataDir));
  app.decorate('listCountCap', listCountCap ?? LIST_COUNT_CAP);
  app.decorate('requestsInFlight', () => requestsInFlight);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    requestsInFlight++;
    reply.raw.once('close', () => requestsInFlight--); // answered or abandoned
  });

  // External plugins: security headers, CORS (and the cross-site refusal), cookies, rate limits, API docs.
  await app.register(securityHeaders);
  await app.register(corsPolicy, { settings });
  await app.register(cookie);
  await app.register(rateLimits);
  await app.register(apiDocs, { cookieName: settings.cookieName });

  await app.register(eventStorePlugin, { store });
  await app.register(projectionsPlugin, { ...(readSide ?? { projections, catalogue }), dataDir });
  await app.register(salesPlugin, { ...sales, dataDir }); // after the projections: its reactors stop first on close
  await app.register(sessionsPlugin, { dataDir, settings });
  await app.register(idempotencyPlugin, { dataDir });
  await app.register(readModelsBehindHeader);
  for (const routes of routePlugins) await app.register(routes);
  await app.register(consolePlugin); // the console (dist/admin-ui) at `/`: last, after every route
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
