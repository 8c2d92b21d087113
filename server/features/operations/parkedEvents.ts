// Parked events (issue #21). With several servers on EventStoreDB each reactor takes its events
// through a persistent-subscription group; an event whose work failed on every retry is parked by
// the group: kept aside (and logged), so that the events after it go on. Operators see how many
// each reactor's group holds (here, in the console's dashboard and in /metrics) and, once the
// cause is fixed, hand them out again: the work is then done by whichever server takes them, as
// for any event; the audit trail keeps who did it (ParkedEventsReplayed). On the embedded store
// nothing is ever parked (one server retries by itself).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rangeHeader } from '../../read/listQuery';
import { PARKED_EVENT_REPLAYS_STREAM } from '../../../domain/operations/events';
import { conflict, notFound } from '../../../domain/shared/errors';
import { catalogue } from '../../../events/index';
import { appendEvents } from '../../commands/handle';
import { commandContext } from '../../security/commandContext';
import { roleGroups } from '../../security/routeTable';

const parkedRow = z.object({
  id: z.string().describe('the reactor'),
  reactor: z.string(),
  group: z.string().describe('its persistent-subscription group'),
  parked: z.number().int().nonnegative().nullable().describe('events the group holds aside; null when the event store cannot say now'),
});

const reactorParams = z.object({
  reactor: z.string().min(1, 'a reactor name').max(100, 'at most 100 characters'),
});

const parkedEvents: FastifyPluginAsyncZod = async (app) => {
  const running = () => (app.hasDecorator('salesReactors') ? app.salesReactors : null);

  app.get(
    '/api/parked-events',
    {
      schema: {
        summary: "Events parked by each reactor's persistent-subscription group (none on the embedded store)",
        response: { 200: z.array(parkedRow) },
      },
    },
    async (_request, reply) => {
      const rows = ((await running()?.parked()) ?? []).map((r) => ({ id: r.name, reactor: r.name, group: r.group, parked: r.parked }));
      reply.header('Content-Range', rangeHeader('parked-events', 0, rows.length, rows.length));
      return rows;
    },
  );

  app.post(
    '/api/parked-events/:reactor/replay',
    {
      config: { access: roleGroups.admin },
      schema: {
        summary: "Hands the events parked by a reactor's group out again, once the cause of their failure is fixed",
        params: reactorParams,
        response: { 200: z.object({ reactor: z.string(), replayed: z.number().int().nonnegative().nullable().describe('events parked before the replay; null when the store could not say') }) },
      },
    },
    async (request) => {
      const { reactor } = request.params;
      const reactors = running();
      const before = (await reactors?.parked())?.find((r) => r.name === reactor);
      const shared = await reactors?.replayParked(reactor);
      if (shared === undefined) throw notFound('reactor', reactor);
      if (!shared) throw conflict('reactor_not_shared', `reactor ${reactor} does not share its work on this event store: nothing of it is ever parked`);
      const ctx = commandContext(request);
      const replayed = before?.parked ?? null;
      // In the audit trail: who handed out what, and when.
      await appendEvents({ store: app.eventStore, catalogue }, PARKED_EVENT_REPLAYS_STREAM, [
        { type: 'ParkedEventsReplayed', data: { reactor, group: before?.group ?? reactor, parked: replayed, replayedBy: ctx.actor.userId, replayedAt: ctx.at } },
      ], 'any', ctx);
      request.log.warn({ reactor, parked: replayed }, 'parked events handed out again');
      return { reactor, replayed };
    },
  );
};

export default parkedEvents;
