// The PDFs of invoices and credit notes, rendered from the issued document (which never changes),
// and their FatturaPA XML (the legal e-invoice), checked against the schema before it is served.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { creditNoteFatturaPa, creditNotePdf, invoiceFatturaPa, invoicePdf } from '../services';
import { idParams } from '../http';

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
};

export default documents;
