import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const healthResponse = z.object({
  status: z.literal('ok'),
  store: z.enum(['sqlite', 'eventstoredb']),
  headPosition: z.number().int().nonnegative(),
});

const health: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness, the event store in use and the position of the last event in its log',
        response: { 200: healthResponse },
      },
    },
    async () => ({
      status: 'ok' as const,
      store: app.eventStore.kind,
      headPosition: await app.eventStore.headPosition(),
    }),
  );
};

export default health;
