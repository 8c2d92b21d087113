// One error handler for the whole API: domain refusals keep their status and code, validation
// errors become a 400 naming the field and the rule, anything unexpected is a 500 that reveals
// nothing (the details go to the log with the request id).
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, statusOf } from '../../domain/errors';

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  /** Field errors, keyed by the dotted path of the field, for forms to show beside each field. */
  errors?: Record<string, string>;
}

export default fp(
  async (app) => {
    app.setErrorHandler((error: Error, request, reply) => {
      if (error instanceof DomainError) {
        const body: ErrorBody = { statusCode: statusOf[error.kind], code: error.code, message: error.message };
        if (error.field) body.errors = { [error.field]: error.message };
        return reply.status(body.statusCode).send(body);
      }
      if (hasZodFastifySchemaValidationErrors(error)) {
        const errors: Record<string, string> = {};
        for (const issue of error.validation) {
          const field = issue.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'request';
          errors[field] ??= issue.message ?? 'is invalid';
        }
        const message = Object.entries(errors)
          .map(([field, rule]) => `${error.validationContext ?? 'body'}.${field}: ${rule}`)
          .join('; ');
        return reply.status(400).send({ statusCode: 400, code: 'invalid_input', message, errors } satisfies ErrorBody);
      }
      const status = (error as { statusCode?: number }).statusCode;
      if (status && status >= 400 && status < 500) {
        const code = (error as { code?: string }).code ?? 'bad_request';
        return reply.status(status).send({ statusCode: status, code, message: error.message } satisfies ErrorBody);
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
