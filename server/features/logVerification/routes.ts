// The event log's verification, for the accountants and the admins (roleGroups.logVerification):
//   GET  /api/log-verification   the last verification recorded and the chain's head now
//   POST /api/log-verification   verify the whole log now (in a worker thread: the server goes on
//                                answering) and record it; answers the record
//   POST /api/log-verification/head-email   e-mail the last verified head to the accountants' mailbox
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { logBreakKinds } from '../../../domain/logVerification/events';
import { roleGroups } from '../../../domain/staff/roles';
import { commandContext } from '../../security/commandContext';
import { noInput } from '../http';
import { currentHead, lastVerification, runVerification } from './service';
import { queueLogHeadEmail } from './headEmail';

const tags = ['books'];
const config = { access: roleGroups.logVerification };

const head = z.object({ position: z.number().int(), hash: z.string().describe('sha256, hex') });
export const verificationOut = z.object({
  position: z.number().int().describe('global position of the LogVerified event'),
  ranBy: z.string(),
  via: z.enum(['console', 'cli', 'faults', 'system']),
  startedAt: z.string(),
  finishedAt: z.string(),
  ok: z.boolean(),
  verified: z.number().int().describe('events whose link was checked'),
  beforeChain: z.number().int().describe('events at the start of the log written before the chain began'),
  head: head.nullable().describe('the last event checked and its hash'),
  broken: z
    .object({ position: z.number().int(), stream: z.string(), revision: z.number().int(), kind: z.enum(logBreakKinds), detail: z.string() })
    .nullable()
    .describe('the first broken link: content_altered, link_broken (an event missing or reordered), link_missing'),
  expectedHead: head.nullable(),
  expectHeadFailure: z.string().nullable(),
});

const logVerification: FastifyPluginAsyncZod = async (app) => {
  const { store, catalogue } = app.sales;

  app.get(
    '/api/log-verification',
    {
      config,
      schema: {
        tags,
        summary: "The event log's last verification (its hash chain) and the head hash now, to export",
        response: { 200: z.object({ last: verificationOut.nullable(), head: head.nullable() }) },
      },
    },
    async () => ({ last: await lastVerification(store, catalogue), head: await currentHead(store) }),
  );

  app.post(
    '/api/log-verification',
    {
      config,
      schema: {
        tags,
        summary: 'Verify the whole event log now and record the verification (LogVerified); a broken log answers 201 with ok false and the first broken link',
        body: noInput,
        response: { 201: verificationOut },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request);
      const { record, position } = await runVerification({
        store,
        catalogue,
        clock: () => request.server.security.now(),
        actor: ctx.actor,
        ranBy: request.staff?.username ?? ctx.actor.userId,
        via: 'console',
      });
      return reply.status(201).send({ ...record, position });
    },
  );

  app.post(
    '/api/log-verification/head-email',
    {
      config,
      schema: {
        tags,
        summary: "E-mail the head of the last successful verification to an address (the accountants' mailbox), to keep outside the back office",
        body: z.object({ to: z.email().describe('where to send it, e.g. the accountants\' mailbox') }).strict(),
        response: { 202: z.object({ emailId: z.string(), head }) },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request);
      const queued = await queueLogHeadEmail(app.sales, { to: request.body.to, requestedBy: request.staff?.username ?? ctx.actor.userId }, ctx);
      return reply.status(202).send(queued);
    },
  );
};

export default logVerification;
