// Security headers on every answer (helmet), and no cache of anything private: API answers (lists,
// PDFs, refusals) carry personal data and coupon codes, and so does the public check page, so no
// browser or proxy may keep a copy. Both are set before any hook can refuse the request.
import fp from 'fastify-plugin';
import helmet from 'helmet';

/** Paths whose answers are never stored by a cache. */
const PRIVATE_ANSWERS = /^\/(api|verifica-coupon)(?:[/?#]|$)/i;

export default fp(
  async (app) => {
    // helmet's middleware is built once: @fastify/helmet built it again (parsing the CSP) for
    // every request.
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
    app.addHook('onRequest', async (request, reply) => {
      if (PRIVATE_ANSWERS.test(request.url)) reply.header('cache-control', 'no-store');
    });
  },
  { name: 'security-headers' },
);
