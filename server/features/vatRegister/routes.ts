// The sales VAT register of a month or a quarter (server/features/vatRegister/register.ts):
//   GET /api/vat-register?period=2026-11          JSON
//   GET /api/vat-register.csv?period=2026-Q4      CSV (&locale=it for Italian spreadsheets)
//   GET /api/vat-register.pdf?period=2026-Q4      PDF
// For the accountants and the supervisors (roleGroups.books). A period that is neither a month nor
// a quarter is a 400 naming `period` and the rule.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roleGroups } from '../../../domain/staff/roles';
import { vatPeriodOf, VAT_PERIOD_RULE } from '../../../domain/invoicing/vatPeriod';
import { vatRegister } from './register';
import { vatRegisterCsv } from './registerCsv';
import { vatRegisterPdf } from './registerPdf';

const tags = ['books'];
const config = { access: roleGroups.books };
const query = z.object({ period: z.string().max(20, 'is too long').describe(VAT_PERIOD_RULE) }).strict();
const csvQuery = z
  .object({
    period: z.string().max(20, 'is too long').describe(VAT_PERIOD_RULE),
    locale: z.enum(['default', 'it']).default('default').describe('it: semicolons, decimal commas, Italian headers, a BOM'),
  })
  .strict();

const vatRegisterRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/vat-register',
    { config, schema: { tags, summary: 'The sales VAT register of a month or quarter: documents, VAT summary per rate, totals (cents; credit notes negative)', querystring: query } },
    async (request) => vatRegister(app.projections.db, vatPeriodOf(request.query.period)),
  );

  app.get(
    '/api/vat-register.csv',
    { config, schema: { tags, summary: 'The sales VAT register as CSV (UTF-8, header row, RFC 4180)', querystring: csvQuery } },
    async (request, reply) => {
      const period = vatPeriodOf(request.query.period);
      const csv = vatRegisterCsv(vatRegister(app.projections.db, period), request.query.locale);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="registro-iva-vendite-${period.label}.csv"`)
        .send(csv);
    },
  );

  app.get(
    '/api/vat-register.pdf',
    { config, schema: { tags, summary: 'The sales VAT register as a PDF (A4 landscape, Italian)', querystring: query } },
    async (request, reply) => {
      const period = vatPeriodOf(request.query.period);
      const pdf = await vatRegisterPdf(vatRegister(app.projections.db, period), app.sales.settings.seller.name);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="registro-iva-vendite-${period.label}.pdf"`)
        .send(pdf);
    },
  );
};

export default vatRegisterRoutes;
