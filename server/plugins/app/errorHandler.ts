// One error handler for the whole API: domain refusals keep their status and code, validation
// errors become a 400 naming the field and the rule, anything unexpected is a 500 that reveals
// nothing (the details go to the log with the request id). A full disk (SQLite's SQLITE_FULL, or
// ENOSPC from the file system) is a 503 that says so: the command was not completed, and sending it
// again once space is freed (with the same Idempotency-Key) completes it without doing anything twice.
// An EventStoreDB that cannot be reached (or does not answer in time) is a 503 too.
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, type RefusalKind } from '../../../domain/shared/errors';
import { fieldErrorOf, type FieldError, type ValidationIssue } from './fieldErrors';

const statusOf: Record<RefusalKind, number> = { rule: 422, conflict: 409, not_found: 404, invalid: 400 };

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  /** Field errors, keyed by the dotted path of the field, for forms to show beside each field. */
  errors?: Record<string, string>;
  /**
   * Every field at fault, each with the stable code of its rule and that rule's values, for a
   * client to say in its own language (the console's catalogue: admin-ui/src/i18n/errors-*.ts).
   * Added beside `message` and `errors`, which stay as they were.
   */
  fieldErrors?: FieldError[];
  /** The values the code's rule names, for a refusal that is not about one field (or is). */
  params?: Readonly<Record<string, string | number>>;
}

/** The answer to a domain refusal: all its field errors (one, or all a form's checks found). */
export function domainErrorBody(error: DomainError): ErrorBody {
  const body: ErrorBody = { statusCode: statusOf[error.kind], code: error.code, message: error.message };
  if (error.params) body.params = error.params;
  const fields = error.fieldErrors ?? (error.field ? [{ field: error.field, code: error.code, params: error.params, message: error.message }] : []);
  if (fields.length > 0) {
    body.errors = {};
    for (const f of fields) body.errors[f.field] ??= f.message;
    body.fieldErrors = fields.map(({ field, code, params }) => (params ? { field, code, params } : { field, code }));
  }
  return body;
}

export const DISK_FULL_MESSAGE =
  "the server's disk is full: the command was not completed; try again when space is freed (with the same Idempotency-Key nothing is done twice)";

/** True when the error, or one it was caused by, is a full disk. */
export function isDiskFull(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_FULL' || code === 'ENOSPC') return true;
  }
  return false;
}

export const STORE_UNAVAILABLE_MESSAGE =
  'the event store is not answering: the command may not have been completed; try again shortly (with the same Idempotency-Key nothing is done twice)';

/** True for an EventStoreDB that cannot be reached or did not answer in time (the client's UnavailableError, DeadlineExceededError). */
export function isStoreUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const name = (error as object).constructor?.name;
  return name === 'UnavailableError' || name === 'DeadlineExceededError';
}

export default fp(
  async (app) => {
    app.setErrorHandler((error: Error, request, reply) => {
      if (error instanceof DomainError) {
        const body = domainErrorBody(error);
        return reply.status(body.statusCode).send(body);
      }
      if (hasZodFastifySchemaValidationErrors(error)) {
        const errors: Record<string, string> = {};
        const fieldErrors: FieldError[] = [];
        const context = error.validationContext ?? 'body';
        const input = context === 'querystring' ? request.query : context === 'params' ? request.params : context === 'headers' ? request.headers : request.body;
        for (const issue of error.validation) {
          const fieldError = fieldErrorOf(issue as ValidationIssue, input);
          errors[fieldError.field] ??= issue.message ?? 'is invalid';
          fieldErrors.push(fieldError);
        }
        const message = Object.entries(errors)
          .map(([field, rule]) => `${error.validationContext ?? 'body'}.${field}: ${rule}`)
          .join('; ');
        return reply.status(400).send({ statusCode: 400, code: 'input_invalid', message, errors, fieldErrors } satisfies ErrorBody);
      }
      const status = (error as { statusCode?: number }).statusCode;
      if (status && status >= 400 && status < 500) {
        const code = (error as { code?: string }).code ?? 'bad_request';
        return reply.status(status).send({ statusCode: status, code, message: error.message } satisfies ErrorBody);
      }
      if (isDiskFull(error)) {
        request.log.error({ err: error }, 'disk full');
        return reply
          .status(503)
          .header('retry-after', '30')
          .send({ statusCode: 503, code: 'disk_full', message: DISK_FULL_MESSAGE } satisfies ErrorBody);
      }
      if (isStoreUnavailable(error)) {
        request.log.error({ err: error }, 'event store unavailable');
        return reply
          .status(503)
          .header('retry-after', '5')
          .send({ statusCode: 503, code: 'store_unavailable', message: STORE_UNAVAILABLE_MESSAGE } satisfies ErrorBody);
      }
      request.log.error({ err: error }, 'unexpected error');
      return reply
        .status(500)
        .send({ statusCode: 500, code: 'internal_error', message: `Something went wrong; reference ${request.id}` });
    });

    app.setNotFoundHandler((request, reply) =>
      reply
        .status(404)
        .send({ statusCode: 404, code: 'route_not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
    );
  },
  { name: 'error-handler' },
);
