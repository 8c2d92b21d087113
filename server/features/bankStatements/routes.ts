// Importing the bank's statement (camt.053 / camt.054 XML) by those who record payments: the file
// as the raw body (Content-Type application/xml or text/xml, its name in ?fileName=), or as JSON
// { xml, fileName } as the console's upload sends it. The history of imports is read from the
// bank-statement-imports read model (GET /api/bank-statements, server/read/routes.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { statementLineOutcomes } from '../../../domain/bankStatements/events';
import { roleGroups } from '../../../domain/staff/roles';
import { command, idFor, position, projectionNames, text } from '../http';
import { BANK_STATEMENT_MAX_BYTES, importBankStatement } from './service';

const tags = ['sales: payments'];
const maxMb = BANK_STATEMENT_MAX_BYTES / (1024 * 1024);

const body = z
  .object({
    xml: z.string().min(1, 'the file is empty').max(BANK_STATEMENT_MAX_BYTES, `the file is larger than ${maxMb} MB`).describe('the camt.053 or camt.054 file'),
    fileName: text(200).optional().describe('the name of the file, for the import history'),
  })
  .strict();

const count = z.number().int();

export const bankStatementReportSchema = z.object({
  id: z.string().describe('the import'),
  position,
  fileName: z.string(),
  kind: z.enum(['camt.053', 'camt.054']),
  messageId: z.string().nullable(),
  statementIds: z.array(z.string()),
  importedBy: z.string(),
  importedAt: z.string(),
  counts: z.object({
    matched: count.describe('matched by the RF reference, paying exactly what was due'),
    partial: count.describe('matched, less than what was due'),
    overpaid: count.describe("matched, more than what was due: the surplus goes to the customer's prepaid account"),
    unmatched: count.describe('recorded, matched to no order: waiting in the unmatched payments to be matched by hand'),
    duplicate: count.describe('already recorded (same bank reference): skipped'),
    debit: count.describe('money going out: skipped'),
    not_booked: count.describe('pending, not booked: skipped'),
    invalid: count.describe('credit lines that cannot be recorded (no bank reference, …): see their message'),
  }),
  lines: z.array(
    z.object({
      line: z.number().int(),
      statementId: z.string(),
      direction: z.enum(['credit', 'debit']),
      amountCents: z.number().int(),
      valueDate: z.string().nullable(),
      bankReference: z.string().nullable(),
      debtorName: z.string().nullable(),
      rfReference: z.string().nullable(),
      outcome: z.enum(statementLineOutcomes),
      paymentId: z.string().nullable(),
      orderId: z.string().nullable(),
      dueCents: z.number().int().nullable().describe('matched lines: what the order still waited for before this line'),
      message: z.string(),
    }),
  ),
});

const bankStatements: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  // The raw file arrives as `{ xml, fileName }`; the size is enforced by bodyLimit before this runs.
  const rawXml = (request: { query: unknown }, payload: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    const fileName = (request.query as Record<string, unknown> | undefined)?.fileName;
    const xml = typeof payload === 'string' ? payload : payload.toString('utf8');
    done(null, typeof fileName === 'string' && fileName !== '' ? { xml, fileName } : { xml });
  };
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, rawXml);

  app.post(
    '/api/bank-statements',
    {
      config: { access: roleGroups.payments },
      // The request's body, raw or JSON: refused by its size before a byte of it is parsed.
      bodyLimit: BANK_STATEMENT_MAX_BYTES,
      errorHandler: (error, _request, reply) => {
        if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
          return reply.status(413).send({ statusCode: 413, code: 'statement_too_large', message: `file: larger than ${maxMb} MB; a statement is imported up to ${maxMb} MB (split it by day)` });
        }
        throw error;
      },
      schema: {
        tags,
        summary: "Import the bank's statement (ISO 20022 camt.053 or camt.054 XML): each credit line becomes a payment matched by its RF reference",
        description:
          'The file as the body (Content-Type application/xml or text/xml, ?fileName=) or JSON { xml, fileName }. ' +
          `At most ${maxMb} MB (413 statement_too_large, checked before reading). ` +
          'Refused whole, with nothing recorded (400, naming the rule): not XML (statement_not_xml), not camt.053/054 ' +
          '(statement_namespace), a currency other than EUR (statement_currency), no entries (statement_no_entries), ' +
          'nothing but debit lines (statement_only_debits). Otherwise each line gets an outcome: debit lines are skipped ' +
          "and reported; each credit line is recorded as a bank transfer under the bank's reference (AcctSvcrRef of the " +
          'transaction, else of the entry), so a line recorded before — the same file again, overlapping statements — ' +
          'is a duplicate, skipped. Unmatched lines wait among the unmatched payments for POST /api/payments/:id/match.',
        querystring: z.object({ fileName: text(200).optional() }),
        body,
        response: {
          201: bankStatementReportSchema,
          413: z.object({ statusCode: z.number().int(), code: z.string(), message: z.string() }).describe(`the file is larger than ${maxMb} MB`),
        },
      },
    },
    async (request, reply) => {
      const importId = idFor(request, 'bank-statement-import', deps.ids.uuid);
      const fileName = request.body.fileName ?? request.query.fileName ?? '';
      const report = await command(request, [projectionNames.payments, projectionNames.bankStatementImports], (ctx) =>
        importBankStatement(deps, { importId, fileName, xml: request.body.xml }, ctx),
      );
      const { importId: id, ...rest } = report;
      return reply.status(201).send({ id, ...rest });
    },
  );
};

export default bankStatements;
