// The SdI's receipts, uploaded by the accountants (server/features/sdi/service.ts): one file as the
// raw body (Content-Type application/xml or text/xml, its name in ?fileName=), or several as JSON
// { receipts: [{ fileName, xml }] } as the console's upload sends them. The documents' SdI state
// and receipts are read from the invoices read model (GET /api/invoices?filter={"sdiState":"rejected"}).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sdiStates } from '../../../domain/sdi/decider';
import { sdiErrorSchema, sdiReceiptKinds } from '../../../domain/sdi/events';
import { roleGroups } from '../../../domain/staff/roles';
import { command, position, projectionNames, text } from '../http';
import { recordSdiReceipts, SDI_RECEIPT_MAX_BYTES, SDI_RECEIPTS_PER_REQUEST } from './service';

const tags = ['sales: documents'];
const maxKb = SDI_RECEIPT_MAX_BYTES / 1024;
/** The request: every file at its largest, plus the JSON around them. */
const BODY_LIMIT = SDI_RECEIPT_MAX_BYTES * SDI_RECEIPTS_PER_REQUEST + 64 * 1024;

/** The books' keepers (roleGroups.books); the admins keep to staff and settings. */
export const sdiReceiptUploaders = roleGroups.books;

const receiptFile = z
  .object({
    fileName: text(200).trim().min(1, 'is required').describe('the name of the receipt file, e.g. IT01234567890_1G001_NS_001.xml'),
    xml: z.string().min(1, 'the file is empty').max(SDI_RECEIPT_MAX_BYTES, `the file is larger than ${maxKb} kB`).describe('the receipt (RC, NS or MC)'),
  })
  .strict();

const body = z
  .object({
    receipts: z.array(receiptFile).min(1, 'at least one receipt').max(SDI_RECEIPTS_PER_REQUEST, `at most ${SDI_RECEIPTS_PER_REQUEST} receipts at once`),
  })
  .strict();

const report = z.object({
  receiptFileName: z.string(),
  outcome: z.enum(['recorded', 'duplicate']).describe('duplicate: this MessageId was recorded before, nothing changed'),
  receipt: z.enum(sdiReceiptKinds),
  messageId: z.string(),
  fileName: z.string().describe('the FatturaPA file the receipt is about'),
  documentKind: z.enum(['invoice', 'credit_note']),
  documentId: z.string(),
  displayNumber: z.string(),
  sdiState: z.enum(sdiStates).describe("the document's SdI state after the receipt"),
  errors: z.array(sdiErrorSchema),
});

const sdiReceipts: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  // A raw file arrives as `{ receipts: [{ fileName, xml }] }`; its size is enforced by bodyLimit first.
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, (request, payload, done) => {
    const fileName = (request.query as Record<string, unknown> | undefined)?.fileName;
    const xml = typeof payload === 'string' ? payload : payload.toString('utf8');
    done(null, { receipts: [{ fileName: typeof fileName === 'string' && fileName.trim() !== '' ? fileName : 'receipt.xml', xml }] });
  });

  app.post(
    '/api/sdi-receipts',
    {
      config: { access: sdiReceiptUploaders },
      bodyLimit: BODY_LIMIT,
      errorHandler: (error, request, reply) => {
        const code = (error as { code?: string }).code;
        if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
          return reply.status(413).send({
            statusCode: 413,
            code: 'sdi_receipt_too_large',
            message: `the request is larger than ${Math.floor(BODY_LIMIT / 1024)} kB; an SdI receipt is a few kB (at most ${maxKb} kB each) — is it the right file?`,
          });
        }
        throw error;
      },
      schema: {
        tags,
        summary: "Record the SdI's receipts (RC delivered, NS rejected with its errors, MC not delivered) of the FatturaPA files sent",
        description:
          'One receipt as the body (Content-Type application/xml or text/xml, ?fileName=) or several as JSON { receipts: [{ fileName, xml }] }. ' +
          `Each at most ${maxKb} kB (400 naming receipts.N.xml), at most ${SDI_RECEIPTS_PER_REQUEST} at once; a request larger than all of them: 413 sdi_receipt_too_large, before it is read. ` +
          'Each receipt names the FatturaPA file (NomeFile) of an invoice or credit note. The whole request is refused, nothing ' +
          'recorded, when one file is not XML (400 sdi_receipt_not_xml), not in the SdI messages namespace (400 sdi_receipt_namespace), ' +
          'another SdI message than RC/NS/MC (400 sdi_receipt_kind), incomplete (400 sdi_receipt_invalid), or about a file that is ' +
          'not one of ours (404 sdi_receipt_unknown_file); the message names the file. A receipt recorded before (same MessageId) ' +
          'is reported as a duplicate and changes nothing.',
        querystring: z.object({ fileName: text(200).optional() }),
        body,
        response: {
          201: z.object({ position, recorded: z.number().int(), duplicates: z.number().int(), receipts: z.array(report) }),
          413: z.object({ statusCode: z.number().int(), code: z.string(), message: z.string() }).describe('a request larger than the largest batch'),
        },
      },
    },
    async (request, reply) => {
      const result = await command(request, [projectionNames.invoices], (ctx) => recordSdiReceipts(deps, request.body.receipts, ctx));
      const recorded = result.reports.filter((r) => r.outcome === 'recorded').length;
      return reply.status(201).send({ position: result.position, recorded, duplicates: result.reports.length - recorded, receipts: result.reports });
    },
  );
};

export default sdiReceipts;
