// Time travel over HTTP: a record as of an instant, and what changed between two.
//   GET /api/history/:kind/:id?asOf=2026-03-02T10:00:00Z
//   GET /api/history/:kind/:id/diff?from=…&to=…
// kind: order, customer, prepaid (a customer's account, by the customer's id), invoice. Instants
// with Z or an offset (answered in UTC). Who reads these records today reads their past
// (roleGroups.readAll, as server/read/resources.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { historyKinds, instantParam } from '../../../domain/history/recorded';
import { roleGroups } from '../../../domain/staff/roles';
import { recordAsOf, recordChanges } from './service';

const tags = ['history'];
const config = { access: roleGroups.readAll };
const INSTANT = 'ISO-8601 date-time with Z or an offset, e.g. 2026-03-02T10:00:00Z or 2026-03-02T11:00:00+01:00';
const instant = z.string({ error: 'is required' }).max(40, 'is too long').describe(INSTANT);
const params = z.object({
  kind: z.enum(historyKinds, { error: `must be one of ${historyKinds.join(', ')}` }),
  id: z.string().min(1, 'is required').max(100, 'is too long'),
});

const historyRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  app.get(
    '/api/history/:kind/:id',
    {
      config,
      schema: {
        tags,
        summary: "A record's state as of an instant, folded from its events the back office had recorded by then, with those events",
        description: 'State as its screen shows it (amounts in cents, times UTC). 404 when the record does not exist, or did not exist yet at that instant.',
        params,
        querystring: z.object({ asOf: instant }).strict(),
      },
    },
    async (request) => recordAsOf(deps, request.params.kind, request.params.id, instantParam(request.query.asOf, 'asOf')),
  );

  app.get(
    '/api/history/:kind/:id/diff',
    {
      config,
      schema: {
        tags,
        summary: 'What changed in a record between two instants: one change per field path (before, after), and the events recorded in between',
        description: 'from must not be after to (400 span_invalid). A from before the record existed compares with nothing.',
        params,
        querystring: z.object({ from: instant, to: instant }).strict(),
      },
    },
    async (request) =>
      recordChanges(deps, request.params.kind, request.params.id, instantParam(request.query.from, 'from'), instantParam(request.query.to, 'to')),
  );
};

export default historyRoutes;
