// Per-client rate limits (logins, the public coupon check): off by default, switched on per route
// by the access plugin from the route table; counted in one store shared by the app's instances.
import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { HttpError } from '../app/access';
import { SharedRateLimitStore } from '../../security/rateLimitStore';

export default fp(
  async (app) => {
    await app.register(rateLimit, {
      global: false,
      store: SharedRateLimitStore as unknown as RateLimitPluginOptions['store'],
      errorResponseBuilder: (_request, context) =>
        new HttpError(context.statusCode, 'rate_limited', `too many requests; try again in ${context.after}`),
    });
  },
  { name: 'rate-limit' },
);
