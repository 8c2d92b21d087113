// Which browser origins may call the API (CORS_ORIGINS; none by default), and the refusal of
// cross-site commands from anywhere else, before any route's own hooks (authorization,
// idempotency): a forged command does nothing.
import cors from '@fastify/cors';
import fp from 'fastify-plugin';
import { READ_MODELS_BEHIND_HEADER, READ_MODELS_BEHIND_PROJECTIONS_HEADER } from '../../read/readYourWrites';
import { allowedOrigins, refuseCrossSite } from '../../security/sameOrigin';
import type { SecuritySettings } from '../../security/settings';

export default fp<{ settings: SecuritySettings }>(
  async (app, { settings }) => {
    await app.register(cors, {
      origin: settings.corsOrigins.length > 0 ? settings.corsOrigins : false,
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Content-Type', 'Idempotency-Key', 'X-Correlation-Id', 'X-Request-Id'],
      exposedHeaders: ['Content-Range', 'X-Request-Id', 'Retry-After', READ_MODELS_BEHIND_HEADER, READ_MODELS_BEHIND_PROJECTIONS_HEADER],
      maxAge: 600,
    });
    const ownOrigins = allowedOrigins(settings.publicOrigin, settings.corsOrigins);
    app.addHook('onRequest', async (request) => refuseCrossSite(request, ownOrigins));
  },
  { name: 'cors' },
);
