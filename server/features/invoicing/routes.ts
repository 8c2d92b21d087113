// The PDFs of invoices and credit notes, rendered from the issued document (which never changes),
// and their FatturaPA XML (the legal e-invoice), checked against the schema before it is served.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { creditNoteFatturaPa, creditNotePdf, invoiceFatturaPa, invoicePdf } from '../services';
import { idParams } from '../http';
import { z } from 'zod';
import { vatPeriodOf } from '../../../domain/invoicing/vatPeriod';
import { documentsOfMonth, fatturaPaZip } from './fatturapa/monthZip';

const tags = ['sales: documents'];
const readers = ['accountant', 'operator', 'supervisor'] as const;

/** `attachment; filename="fattura-1-2026.pdf"` (the names are ASCII). */
const attachment = (filename: string) => `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`;

const documents: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  app.get(
    '/api/invoices/:id/pdf',
    {
      config: { access: readers },
      schema: { tags, summary: 'The invoice as a PDF (application/pdf, as an attachment)', params: idParams('an invoice') },
    },
    async (request, reply) => {
      const doc = await invoicePdf(deps, { invoiceId: request.params.id });
      return reply.type('application/pdf').header('content-disposition', attachment(doc.filename)).send(doc.pdf);
    },
  );

  app.get(
    '/api/credit-notes/:id/pdf',
    {
      config: { access: readers },
      schema: { tags, summary: 'The credit note as a PDF (application/pdf, as an attachment)', params: idParams('a credit note') },
    },
    async (request, reply) => {
      const doc = await creditNotePdf(deps, { creditNoteId: request.params.id });
      return reply.type('application/pdf').header('content-disposition', attachment(doc.filename)).send(doc.pdf);
    },
  );

  const xmlDescription =
    'FatturaPA v1.2.2, format FPR12, validated against the official schema and the SdI checks that apply; named IT<partita IVA>_<progressivo>.xml. A file that would fail is refused (422 fatturapa_schema_invalid or fatturapa_sdi_check_failed), never served.';

  app.get(
    '/api/invoices/:id/xml',
    {
      config: { access: readers },
      schema: { tags, summary: 'The invoice as a FatturaPA XML file (TD01), as an attachment', description: xmlDescription, params: idParams('an invoice') },
    },
    async (request, reply) => {
      const file = await invoiceFatturaPa(deps, { invoiceId: request.params.id });
      return reply.type('application/xml; charset=utf-8').header('content-disposition', attachment(file.fileName)).send(file.xml);
    },
  );

  app.get(
    '/api/credit-notes/:id/xml',
    {
      config: { access: readers },
      schema: {
        tags,
        summary: 'The credit note as a FatturaPA XML file (TD04, linked to its invoice), as an attachment',
        description: xmlDescription,
        params: idParams('a credit note'),
      },
    },
    async (request, reply) => {
      const file = await creditNoteFatturaPa(deps, { creditNoteId: request.params.id });
      return reply.type('application/xml; charset=utf-8').header('content-disposition', attachment(file.fileName)).send(file.xml);
    },
  );

  app.get(
    '/api/invoices/xml.zip',
    {
      config: { access: readers },
      schema: {
        tags,
        summary: "A month's FatturaPA XML files, invoices and credit notes, as one zip (streamed)",
        description:
          'The invoices and credit notes issued in the Rome month (by issue day), each under its FatturaPA file name, each built and checked as GET /api/invoices/:id/xml does. An empty month gives an empty zip. A month that is not YYYY-MM: 400 naming `month`.',
        querystring: z.object({ month: z.string().regex(/^2\d{3}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM (e.g. 2026-11), year 2000 to 2999') }).strict(),
      },
    },
    async (request, reply) => {
      const month = vatPeriodOf(request.query.month, 'month');
      const list = documentsOfMonth(app.projections.db, month);
      request.log.info({ month: month.label, documents: list.length }, 'FatturaPA zip of a month');
      return reply
        .type('application/zip')
        .header('content-disposition', attachment(`fatturapa-${month.label}.zip`))
        .send(fatturaPaZip(deps, list));
    },
  );
};

export default documents;
