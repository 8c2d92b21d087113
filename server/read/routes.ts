// The read API, as ra-data-simple-rest expects it, for every resource of server/read/resources.ts:
//
//   GET /api/<resource>?sort=["field","ASC"]&range=[0,24]&filter={...}
//       → JSON array of the page; the total in `Content-Range: <resource> 0-24/319`, or, when more
//         rows match than the count goes to (LIST_COUNT_CAP, 10,000), `<resource> 0-24/*` and
//         `X-Total-More-Than: 10000`
//   GET /api/<resource>?filter={"id":[...]}       (getMany)
//   GET /api/<resource>/:id                       → one row, 404 when unknown
//
// Everything is answered from the read models (app.projections.db) by indexed SQL
// (server/read/listQuery.ts); a malformed or unknown parameter is a 400 naming it and the rule.
// A list also says how long its SQL took: `Server-Timing: db;dur=<ms>`.
// Who sees what is decided per request: the route table gives access, and a few fields (coupon
// codes) depend on the caller's roles.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../domain/shared/errors';
import { contentRange, filterNames, parseListQuery, runList, runOne, type ReadContext, type ResourceSpec } from './listQuery';
import { resources } from './resources';

const listQuerystring = z
  .object({
    sort: z.string().max(200, 'is too long').optional().describe('JSON [field, "ASC" | "DESC"], e.g. ["id","ASC"]'),
    range: z.string().max(100, 'is too long').optional().describe('JSON [first, last], inclusive, e.g. [0,24]'),
    filter: z.string().max(60_000, 'is too long').optional().describe('JSON object, e.g. {"q":"rossi"} or {"id":["a","b"]}'),
  })
  .strict();

const idParams = z.object({ id: z.string().min(1).max(200, 'is too long') });

function contextOf(request: FastifyRequest): ReadContext {
  return { roles: request.staff?.roles ?? [], now: request.server.security.now().toISOString() };
}

function describeList(resource: ResourceSpec): string {
  const sortable = Object.entries(resource.fields)
    .filter(([, f]) => f.sort)
    .map(([name]) => name);
  return [
    `${resource.summary}.`,
    `Sort by: ${sortable.join(', ')} (default ${resource.defaultSort.join(' ')}).`,
    `Filters: ${filterNames(resource).join(', ')}.`,
    resource.search ? `q searches: ${resource.search.describe}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

const readRoutes: FastifyPluginAsyncZod = async (app) => {
  for (const resource of resources) {
    const config = { access: resource.access };
    const tags = ['read'];

    app.get(
      `/api/${resource.name}`,
      {
        config,
        schema: {
          tags,
          summary: `${resource.summary} (simple-rest list; total in Content-Range)`,
          description: describeList(resource),
          querystring: listQuerystring,
        },
      },
      async (request, reply) => {
        const ctx = contextOf(request);
        const query = parseListQuery(resource, request.query, ctx);
        const started = performance.now();
        const result = runList(app.projections.db, resource, query, ctx, { countCap: app.listCountCap });
        reply.header('Content-Range', contentRange(resource, result));
        // A total not counted (more rows than the cap): how far the count went, for "more than 10,000".
        if (result.total === null) reply.header('X-Total-More-Than', String(result.countLimit));
        // How long the read model took (page, rows and count), for whoever measures a slow list.
        reply.header('Server-Timing', `db;dur=${(performance.now() - started).toFixed(2)}`);
        return result.rows;
      },
    );

    app.get(
      `/api/${resource.name}/:id`,
      { config, schema: { tags, summary: `One ${resource.singular}`, params: idParams } },
      async (request) => {
        const row = runOne(app.projections.db, resource, request.params.id, contextOf(request));
        if (!row) throw notFound(resource.singular.replace(/[\s-]/g, '_'), request.params.id);
        return row;
      },
    );
  }
};

export default readRoutes;
