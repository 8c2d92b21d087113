// CSV exports of the lists the accountants audit, with the console's filters and sort (the read
// API's own parameters, checked by the same parser: server/read/listQuery.ts):
//   GET /api/orders/export.csv?filter={...}&sort=["placedAt","DESC"]&locale=it
//   GET /api/payments/export.csv, /api/prepaid-movements/export.csv, /api/audit-events/export.csv,
//   /api/invoices/export.csv, /api/credit-notes/export.csv (the accountants' documents)
// Who may export a list is who may read it (the same roles as its list route). The rows are
// streamed (resourceCsv.ts). A bad filter or sort is a 400 naming the parameter and the rule,
// before anything is sent.
//
// Who exported what goes to the application log (pino, with the request id): the user, the list,
// the filter and sort, the rows written and whether the download completed. Not to the event log:
// an export changes nothing in the business, and the audit trail is the history of the business.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { romeDayOf } from '../../../domain/shared/romeCalendar';
import { listAllSql, parseListQuery, type ReadContext } from '../../read/listQuery';
import { resourceByName } from '../../read/resources';
import { HttpError } from '../../plugins/app/access';
import { streamCsv } from './resourceCsv';

/** The lists that can be exported. */
export const exportedResources = ['orders', 'payments', 'prepaid-movements', 'audit-events', 'invoices', 'credit-notes'] as const;

const querystring = z
  .object({
    sort: z.string().max(200, 'is too long').optional().describe('JSON [field, "ASC" | "DESC"], as the list takes it'),
    filter: z.string().max(60_000, 'is too long').optional().describe('JSON object, as the list takes it, e.g. {"status":"paid"}'),
    locale: z.enum(['default', 'it']).default('default').describe('it: semicolons, decimal commas, Rome times, a BOM'),
  })
  .strict();

const exportRoutes: FastifyPluginAsyncZod = async (app) => {
  for (const name of exportedResources) {
    const resource = resourceByName.get(name)!;
    app.get(
      `/api/${name}/export.csv`,
      {
        config: { access: resource.access },
        schema: { tags: ['books'], summary: `${resource.summary}: the whole filtered list as CSV (streamed, UTF-8, header row, RFC 4180)`, querystring },
      },
      async (request, reply) => {
        const ctx: ReadContext = { roles: request.staff?.roles ?? [], now: request.server.security.now().toISOString() };
        const query = parseListQuery(resource, { sort: request.query.sort, filter: request.query.filter }, ctx);
        const file = app.projections.db.name;
        if (app.projections.db.memory) throw new HttpError(503, 'export_unavailable', 'exports need the read models in a file');
        const { sql, params, fields } = listAllSql(app.projections.db, resource, query, ctx);
        const csv = streamCsv(file, sql, params, fields, request.query.locale);
        const who = { userId: request.staff?.userId, username: request.staff?.username };
        request.log.info({ export: name, ...who, filter: request.query.filter ?? null, sort: request.query.sort ?? null }, 'export started');
        void csv.finished.then(({ rows, complete }) =>
          request.log.info({ export: name, ...who, filter: request.query.filter ?? null, sort: request.query.sort ?? null, rows, complete }, 'export finished'),
        );
        const today = romeDayOf(request.server.security.now());
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}-${today}.csv"`)
          .send(csv.stream);
      },
    );
  }
};

export default exportRoutes;
