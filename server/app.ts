// The Fastify application, assembled from plugins: first the route-access plugin (its onRoute hook
// must see every route, and hand rate limits to @fastify/rate-limit), the error handler (so that
// even the documentation routes answer errors in one shape), then the external plugins (security
// headers, CORS, cookies, rate limits, API docs), then the back office's own (the event store,
// sessions), then the routes.
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from 'helmet';
import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { EventStore } from '../events/port';
import accessPlugin, { HttpError } from './plugins/app/access';
import consolePlugin from './plugins/app/console';
import errorHandler from './plugins/app/errorHandler';
import eventStorePlugin from './plugins/app/eventStore';
import { catalogue } from '../events/index';
import { projections } from '../projections/index';
import idempotencyPlugin from './plugins/app/idempotency';
import projectionsPlugin, { type ProjectionsPluginOptions } from './plugins/app/projections';
import salesPlugin, { type SalesPluginOptions } from './plugins/app/sales';
import sessionsPlugin from './plugins/app/sessions';
import { routePlugins } from './features/index';
import { SharedRateLimitStore } from './security/rateLimitStore';
import { allowedOrigins, refuseCrossSite } from './security/sameOrigin';
import { securitySettings, type SecuritySettings } from './security/settings';

declare module 'fastify' {
  interface FastifyInstance {
    /** Requests received and not yet answered (or abandoned). */
    requestsInFlight(): number;
    /** Where the embedded store, the read models and server.db live (none for an in-memory app). */
    dataDir: string | null;
  }
}

/** Largest request body accepted (413 above); a route may raise it with its own `bodyLimit`. */
export const BODY_LIMIT = 1024 * 1024;

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
/** Paths whose answers are never stored by a cache (see the onRequest hook below). */
const PRIVATE_ANSWERS = /^\/(api|verifica-coupon)(?:[/?#]|$)/i;

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
}

export async function buildApp({ store, logger = false, dataDir, security, readSide, sales }: AppOptions) {
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
  // Requests being answered, for the background work that yields to them (server/reactors).
  let requestsInFlight = 0;
  app.decorate('dataDir', dataDir ?? null);
  app.decorate('requestsInFlight', () => requestsInFlight);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    requestsInFlight++;
    reply.raw.once('close', () => requestsInFlight--); // answered or abandoned
  });

  // Security headers on every answer. helmet's middleware is built once: @fastify/helmet built it
  // again (parsing the CSP) for every request.
  const securityHeaders = helmet({
    // The console is a Vite-built react-admin SPA served from this origin: own scripts only; MUI
    // (emotion) injects <style> elements, hence inline styles.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)));
  // API answers (lists, PDFs, refusals) carry personal data and coupon codes, and so does the public
  // check page: no browser or proxy may keep a copy. Set before any hook can refuse the request.
  app.addHook('onRequest', async (request, reply) => {
    if (PRIVATE_ANSWERS.test(request.url)) reply.header('cache-control', 'no-store');
  });
  await app.register(cors, {
    origin: settings.corsOrigins.length > 0 ? settings.corsOrigins : false,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Idempotency-Key', 'X-Correlation-Id', 'X-Request-Id'],
    exposedHeaders: ['Content-Range', 'X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
  // Before any route's own hooks (authorization, idempotency): a forged command does nothing.
  const ownOrigins = allowedOrigins(settings.publicOrigin, settings.corsOrigins);
  app.addHook('onRequest', async (request) => refuseCrossSite(request, ownOrigins));
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    store: SharedRateLimitStore as unknown as RateLimitPluginOptions['store'],
    errorResponseBuilder: (_request, context) =>
      new HttpError(context.statusCode, 'rate_limited', `too many requests; try again in ${context.after}`),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Back office API', version: '0.1.0' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: settings.cookieName } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(eventStorePlugin, { store });
  await app.register(projectionsPlugin, { ...(readSide ?? { projections, catalogue }), dataDir });
  await app.register(salesPlugin, { ...sales, dataDir }); // after the projections: its reactors stop first on close
  await app.register(sessionsPlugin, { dataDir, settings });
  await app.register(idempotencyPlugin, { dataDir });
  for (const routes of routePlugins) await app.register(routes);
  await app.register(consolePlugin); // the console (dist/admin-ui) at `/`: last, after every route
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
