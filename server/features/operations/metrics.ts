// GET /metrics: this server's figures in the Prometheus text format (server/plugins/app/metrics.ts
// says which). A scraper has no session, so the route is public in the route table and asks for
// its own credential instead: `Authorization: Bearer <METRICS_TOKEN>`. Without METRICS_TOKEN it
// answers nobody: the figures name routes, reactors and queue sizes, which are nobody else's business.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HttpError } from '../../plugins/app/access';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Compares digests, so that neither the token's length nor its first differing byte shows in the time taken. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer ([\x21-\x7e]+)$/i.exec(header ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

const metricsRoute: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/metrics',
    {
      config: { access: 'public' },
      schema: {
        summary: "This server's metrics in the Prometheus text format (Authorization: Bearer METRICS_TOKEN)",
        description:
          'Request latency per route pattern, method and status class; command outcomes; the event store head; ' +
          "each projection's and each reactor's lag in events; the e-mail outbox by state; process figures. " +
          '401 without the token, or when METRICS_TOKEN is not set on this server.',
      },
    },
    async (request, reply) => {
      const token = app.security.metricsToken;
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      if (!token) throw new HttpError(401, 'unauthenticated', 'METRICS_TOKEN is not set on this server: /metrics is closed');
      if (!bearerMatches(request.headers.authorization, token)) throw new HttpError(401, 'unauthenticated', 'send Authorization: Bearer <METRICS_TOKEN>');
      reply.removeHeader('www-authenticate');
      await app.metrics.refresh();
      reply.header('content-type', app.metrics.registry.contentType);
      reply.header('cache-control', 'no-store');
      return reply.send(await app.metrics.registry.metrics());
    },
  );
};

export default metricsRoute;
