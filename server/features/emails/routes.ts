// E-mails the outbox gave up on (after its attempts with back-off): staff ask for one more try.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { retryEmail } from '../services';
import { command, idParams, noInput, position, projectionNames } from '../http';

const emails: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  app.post(
    '/api/emails/:id/retry',
    {
      config: { access: ['operator', 'supervisor'] },
      schema: {
        tags: ['sales: e-mails'],
        summary: 'Try again an e-mail the outbox gave up on (refused for one sent or still being tried)',
        params: idParams('an e-mail'),
        body: noInput,
        response: { 200: z.object({ id: z.string(), position }) },
      },
    },
    async (request) => {
      const result = await command(request, [projectionNames.emails], (ctx) => retryEmail(deps, { emailId: request.params.id }, ctx));
      return { id: result.emailId, position: result.position };
    },
  );
};

export default emails;
