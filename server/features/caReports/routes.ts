// The CA's reports of renewals done elsewhere: the signed webhook the CA calls, and the CSV upload
// of the same report by an accountant (the list and the detail are read from the ca-reports read
// model, server/read/routes.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CA_REPORT_CSV_COLUMNS, CA_REPORT_MAX_LINES } from '../../../domain/renewals/caReport';
import { caReportOutcomes } from '../../../domain/renewals/events';
import { roleGroups } from '../../../domain/staff/roles';
import { HttpError } from '../../plugins/app/access';
import { afterWrite, command, projectionNames, text } from '../http';
import { receiveWebhookReport, uploadCaReportCsv, type CaReportResult } from './service';
import { CA_SIGNATURE_HEADER, CA_TIMESTAMP_HEADER, CA_WEBHOOK_UNCONFIGURED, verifyCaSignature } from './signature';
import { uuidv7 } from '../../../events/uuid';

/** Largest report: a webhook of 5000 lines is well under 2 MiB; a CSV of as many, under 1 MiB. */
export const CA_REPORT_BODY_LIMIT = 2 * 1024 * 1024;

const tags = ['renewals: CA reports'];

const reportIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'must be 1 to 100 letters, digits or . _ : - (starting with a letter or digit)');

export const caReportAnswerSchema = z.object({
  reportId: z.string(),
  via: z.enum(['webhook', 'csv']),
  receivedAt: z.string(),
  applied: z.number().int().describe('lines applied: coupon redeemed, certificate renewed'),
  refused: z.number().int().describe('lines not applied: see each outcome'),
  lines: z.array(
    z.object({
      line: z.number().int().describe('webhook: position in `lines` from 1; CSV: line in the file (the header is line 1)'),
      couponCodeHint: z.string().describe('the code masked: only its last group'),
      deviceSerial: z.string(),
      certificateKind: z.string(),
      outcome: z.enum(caReportOutcomes),
      message: z.string(),
    }),
  ),
});

const webhookBody = z
  .object({
    reportId: reportIdSchema,
    lines: z
      .array(z.unknown())
      .min(1, 'a report has at least one line')
      .max(CA_REPORT_MAX_LINES, `at most ${CA_REPORT_MAX_LINES} lines per report`)
      .describe('{ couponCode, deviceSerial, certificateKind (signing | authentication), newCertificate { serialNumber, validFrom, validUntil }, redeemedAt }; a malformed line is reported back, not refused whole'),
  })
  .strict();

const uploadBody = z
  .object({
    csv: z.string().min(1, 'the file is empty').max(CA_REPORT_BODY_LIMIT, 'the file is too large').describe(`the CSV file: header ${CA_REPORT_CSV_COLUMNS.join(';')}`),
    reportId: reportIdSchema.optional().describe("the CA's report id; absent: derived from the file's content, so the same file twice is one report"),
  })
  .strict();

declare module 'fastify' {
  interface FastifyRequest {
    /** The CA webhook's body as it arrived, for its signature. */
    caReportRaw: Buffer | null;
    caReportJsonError: string | null;
  }
}

const answered = (reply: { header(name: string, value: string): unknown }, result: CaReportResult) => {
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return result.answer;
};

/** The webhook, in its own scope: its JSON is parsed from the raw bytes kept for the signature. */
const webhook: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;
  app.decorateRequest('caReportRaw', null);
  app.decorateRequest('caReportJsonError', null);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: CA_REPORT_BODY_LIMIT }, (request, body, done) => {
    const raw = body as Buffer;
    request.caReportRaw = raw;
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch (error) {
      // Answered after the signature check, so that an unsigned caller learns nothing.
      request.caReportJsonError = (error as Error).message;
      done(null, {});
    }
  });

  app.post(
    '/api/ca-reports',
    {
      config: { access: 'public' },
      bodyLimit: CA_REPORT_BODY_LIMIT,
      preValidation: async (request, reply) => {
        const secret = deps.settings.caWebhookSecret;
        if (!secret) return reply.status(503).send({ statusCode: 503, code: 'ca_webhook_unconfigured', message: CA_WEBHOOK_UNCONFIGURED });
        verifyCaSignature({
          secret,
          timestamp: request.headers[CA_TIMESTAMP_HEADER],
          signature: request.headers[CA_SIGNATURE_HEADER],
          rawBody: request.caReportRaw ?? Buffer.alloc(0),
          now: request.server.security.now(),
        });
        if (request.caReportJsonError !== null) throw new HttpError(400, 'input_invalid', `body: not JSON (${request.caReportJsonError})`);
      },
      schema: {
        tags,
        summary: "The CA's report of renewals done elsewhere (signed webhook)",
        description:
          `Signed by the CA: ${CA_TIMESTAMP_HEADER} (seconds since 1970, within 5 minutes of the server's clock) and ` +
          `${CA_SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 with CA_WEBHOOK_SECRET of "<timestamp>.<raw body>">. ` +
          'Idempotent by reportId: the same report again gets the first answer (header idempotent-replayed), ' +
          'other lines under the same id 409. Every line gets an outcome; none is skipped. 503 when CA_WEBHOOK_SECRET is not set.',
        body: webhookBody,
        response: {
          200: caReportAnswerSchema,
          503: z.object({ statusCode: z.number().int(), code: z.string(), message: z.string() }).describe('CA_WEBHOOK_SECRET is not set'),
        },
      },
    },
    async (request, reply) => {
      const ctx = { actor: { userId: 'ca-webhook', role: 'system' as const }, at: request.server.security.now().toISOString(), correlationId: uuidv7(), causationId: null };
      const result = await receiveWebhookReport(deps, request.body, ctx);
      // The staff's list shows the report once the CA has its answer (read-your-writes, bounded).
      await afterWrite(request, result.position, [projectionNames.caReports]);
      return answered(reply, result);
    },
  );
};

const caReports: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;
  await app.register(webhook);

  // A CSV body (Content-Type: text/csv) arrives as `{ csv }`; its report id in the query string.
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CA_REPORT_BODY_LIMIT }, (request, body, done) => {
    const reportId = (request.query as Record<string, unknown> | undefined)?.reportId;
    done(null, typeof reportId === 'string' && reportId !== '' ? { csv: body as string, reportId } : { csv: body as string });
  });

  app.post(
    '/api/ca-reports/upload',
    {
      config: { access: roleGroups.caReports },
      bodyLimit: CA_REPORT_BODY_LIMIT,
      schema: {
        tags,
        summary: "Upload the CA's report as a CSV file (Content-Type text/csv, or JSON { csv, reportId? })",
        description:
          `Columns (by name, any order, \`;\` or \`,\`, UTF-8 with or without BOM): ${CA_REPORT_CSV_COLUMNS.join(', ')}; ` +
          'dates ISO-8601 with Z or an offset. A file without those columns is refused (400 naming them); a bad value refuses ' +
          'its line only (line_invalid naming the column). Without reportId the file\'s hash names the report: the same file twice does nothing.',
        querystring: z.object({ reportId: text(100).optional() }),
        body: uploadBody,
        response: { 200: caReportAnswerSchema },
      },
    },
    async (request, reply) => {
      const result = await command(request, [projectionNames.caReports], (ctx) => uploadCaReportCsv(deps, request.body, ctx));
      return answered(reply, result);
    },
  );
};

export default caReports;
