// GET /api/projections: each projection's state, position and lag, for the console and operators.
// Served as a react-admin list (an `id` per row, the total in Content-Range) so the console can show
// it with ra-data-simple-rest as it is.
// GET /api/projections/caught-up?position=N[&projections=a,b]: waits (at most CAUGHT_UP_WAIT_MS)
// until those read models (default: every one) have handled the log up to N. A command answers
// once the read models it names have its events, or after READ_YOUR_WRITES_TIMEOUT_MS with
// `X-Read-Models-Behind: N` and `X-Read-Models-Behind-Projections` when they had not (a busy
// server); the console then asks here and reads its screen again, so that it does not keep showing
// what was there before the command.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { invalid } from '../../../domain/shared/errors';
import { rangeHeader } from '../../read/listQuery';

/** How long GET /api/projections/caught-up waits before answering `caughtUp: false`. */
export const CAUGHT_UP_WAIT_MS = 10_000;

export const projectionStatusSchema = z.object({
  id: z.string().describe('the projection name'),
  name: z.string(),
  version: z.number().int().describe('the version in the code, the one being applied'),
  servingVersion: z
    .number()
    .int()
    .nullable()
    .describe('the version readers see; the previous one while `version` rebuilds'),
  state: z.enum(['catching_up', 'live', 'rebuilding', 'failed', 'stopped']),
  position: z.number().int().nonnegative().describe('global position of the last event handled'),
  head: z.number().int().nonnegative().describe('global position of the last event in the log'),
  lagEvents: z
    .number()
    .int()
    .nonnegative()
    .describe('events in the log after `position` (exact on the embedded store, else counted up to a limit)'),
  lagEventsExact: z.boolean().describe('false when lagEvents stopped at the counting limit (a lower bound)'),
  lagSeconds: z
    .number()
    .nonnegative()
    .nullable()
    .describe('seconds between the recording of the head event and of the last event handled'),
  error: z
    .object({
      message: z.string(),
      eventPosition: z.number().int().nullable(),
      eventId: z.string().nullable(),
      eventType: z.string().nullable(),
      stream: z.string().nullable(),
      at: z.string(),
    })
    .nullable()
    .describe('why it stopped, when state is failed'),
});

const projectionsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/projections',
    {
      schema: {
        summary: 'State, position and lag of every projection (read model)',
        response: { 200: z.array(projectionStatusSchema) },
      },
    },
    async (_request, reply) => {
      const statuses = await app.projections.status();
      reply.header('Content-Range', rangeHeader('projections', 0, statuses.length, statuses.length));
      return statuses.map((status) => ({ id: status.name, ...status }));
    },
  );

  app.get(
    '/api/projections/caught-up',
    {
      schema: {
        summary: 'Wait until the read models have handled the log up to a position (at most 10 s)',
        description:
          'For a command answered with X-Read-Models-Behind: N (its read models had not caught up in time): ' +
          'answers caughtUp true as soon as the read models named in projections (X-Read-Models-Behind-Projections; default every one) reached N, ' +
          'false after 10 s or when one of them has failed.',
        querystring: z
          .object({
            position: z.coerce
              .number({ error: 'must be the position of the log the command answered with (X-Read-Models-Behind), a whole number' })
              .int('must be a whole number')
              .positive('must be a position of the log (1 or more)'),
            projections: z
              .string()
              .optional()
              .describe('the read models to wait for, separated by commas, as the command answered (X-Read-Models-Behind-Projections); default every one'),
          })
          .strict(),
        response: { 200: z.object({ position: z.number().int(), caughtUp: z.boolean() }) },
      },
    },
    async (request) => {
      const { position, projections } = request.query;
      const running = app.projections.snapshot().map((s) => s.name);
      const names = projections?.split(',');
      if (names?.some((name) => !running.includes(name))) {
        throw invalid('projections', `must name read models this server runs, separated by commas: ${running.join(', ')}`);
      }
      return { position, caughtUp: await app.projections.waitFor(position, names, CAUGHT_UP_WAIT_MS) };
    },
  );
};

export default projectionsRoutes;
