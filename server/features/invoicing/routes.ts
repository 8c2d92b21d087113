// The PDFs of invoices and credit notes, rendered from the issued document (which never changes).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { creditNotePdf, invoicePdf } from '../services';
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
};

export default documents;
