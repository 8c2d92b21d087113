// Staff accounts, for admins: the commands of the staff aggregate. The list and detail that
// react-admin's simple-rest data provider reads are served from the staff-users read model by the
// read API (server/read/routes.ts). Every command answers with the user as it is afterwards and
// `position`, the global position of its last event (0 when nothing had to change), once the
// staff-users read model has it (read-your-writes): the list fetched next shows the change.
import { MAX_PAGE, rangeHeader } from '../../read/listQuery';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roles } from '../../../events/eventCatalogue';
import { changePassword, changeRoles, checkRoles, disableUser, enableUser, salesRoleForAdmin, usernameKey } from '../../../domain/staff/decider';
import { notFound } from '../../../domain/shared/errors';
import { approveRequest, loadRequests, rejectRequest, sensitiveChange, toRequestRecord, type SensitiveOutcome } from './oversight';
import { commandContext } from '../../security/commandContext';
import { hashPassword } from '../../security/password';
import { HttpError } from '../../plugins/app/access';
import { answerAfterProjections } from '../../read/readYourWrites';
import {
  checkNewPassword,
  createStaffUser,
  loadStaffUser,
  runStaffCommand,
  toRecord,
  type StaffCommandOutcome,
} from './accounts';

const role = z.enum(roles);

export const staffIdentity = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(role),
});

export const staffUserRecord = staffIdentity.extend({ disabled: z.boolean() });

export const staffCommandResponse = staffUserRecord.extend({
  position: z.number().int().nonnegative().describe('global position of the last event appended (0: nothing changed)'),
});

const idParams = z.object({ id: z.uuid('must be a staff user id (UUID)') });
const requestParams = z.object({ id: z.uuid('must be a staff change request id (UUID)') });

export const staffRequestRecord = z.object({
  id: z.string(),
  userId: z.string(),
  reason: z.enum(['sales_role_for_admin', 'password_reset']),
  roles: z.array(role).nullable(),
  requestedBy: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  decidedBy: z.string().nullable(),
  position: z.number().int().nonnegative(),
});
const noInput = z.object({}).strict().nullish();

const createBody = z
  .object({
    username: z.string().max(200),
    displayName: z.string().max(200),
    roles: z.array(role).min(1, 'give at least one role').max(roles.length),
    password: z.string().max(1024),
  })
  .strict();
const rolesBody = z.object({ roles: z.array(role).min(1, 'give at least one role').max(roles.length) }).strict();
const resetBody = z.object({ newPassword: z.string().max(1024) }).strict();

/** The staff-users read model, which the admin's list reads. */
const STAFF_USERS = ['staff-users'] as const;

/** The user as the command left it, once the staff-users read model has the command's events. */
async function answer(request: FastifyRequest, outcome: StaffCommandOutcome) {
  await answerAfterProjections(request, outcome.position, STAFF_USERS);
  return { ...toRecord(outcome.user), position: outcome.position };
}

const REQUEST_STATUSES = ['pending', 'approved', 'rejected'] as const;
const requestListFilter = z.object({ status: z.enum(REQUEST_STATUSES).optional(), q: z.string().max(200).optional() }).strict();
const requestListRange = z
  .tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])
  .refine(([first, last]) => first <= last && last - first < MAX_PAGE, 'first must not exceed last');
// Always newest first; the console's default sort fields are accepted and change nothing.
const requestListSort = z.tuple([z.enum(['id', 'status', 'reason']), z.enum(['ASC', 'DESC'])]);

/** The simple-rest list parameters, each refused with a 400 that names it and its rule. */
function listQuery(query: { filter?: string | undefined; range?: string | undefined; sort?: string | undefined }) {
  const parse = <T>(name: string, text: string | undefined, schema: z.ZodType<T>, rule: string): T | undefined => {
    if (text === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'query_invalid', `${name}: must be JSON, ${rule}`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new HttpError(400, 'query_invalid', `${name}: must be ${rule}`);
    return parsed.data;
  };
  const filter = parse('filter', query.filter, requestListFilter, 'an object such as {"status":"pending"} (status: pending, approved or rejected)');
  // As every list of the read API: a page larger than MAX_PAGE rows is refused, not cut short.
  const range = parse('range', query.range, requestListRange, `[first, last], whole numbers, 0 <= first <= last, at most ${MAX_PAGE} rows`);
  parse('sort', query.sort, requestListSort, '[field, "ASC" or "DESC"] with field id, status or reason');
  return {
    status: filter?.status,
    range: range ?? [0, 24],
  };
}

/** 200 with the user when the change was made, 202 with the request when it awaits approval. */
async function answerSensitive(request: FastifyRequest, reply: FastifyReply, result: SensitiveOutcome) {
  if (result.kind === 'applied') return reply.status(200).send(await answer(request, result.outcome));
  return reply.status(202).send(result.request);
}

const staff: FastifyPluginAsyncZod = async (app) => {
  const admin = { access: ['admin'] } as const;
  const tags = ['staff'];

  app.post(
    '/api/staff-users',
    {
      config: admin,
      schema: { tags, summary: 'Create a staff user', body: createBody, response: { 201: staffCommandResponse } },
    },
    async (request, reply) => {
      const outcome = await createStaffUser(app.eventStore, request.body, commandContext(request), {
        passwordHashLogN: app.security.passwordHashLogN,
      });
      return reply.status(201).send(await answer(request, outcome));
    },
  );

  app.post(
    '/api/staff-users/:id/roles',
    {
      config: admin,
      schema: {
        tags,
        summary: "Change a user's roles (never one's own); a sales role for an admin account waits for a second admin (202)",
        params: idParams,
        body: rolesBody,
        response: { 200: staffCommandResponse, 202: staffRequestRecord },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const context = commandContext(request);
      const actorId = context.actor.userId;
      const user = await loadStaffUser(app.eventStore, id);
      // Refusals first (not found, one's own roles, unknown roles), before any request is made.
      const events = changeRoles({ userId: id, roles: request.body.roles, actorId, at: context.at }, user);
      if (events.length > 0 && user.exists && salesRoleForAdmin(user.roles, checkRoles(request.body.roles))) {
        return answerSensitive(request, reply, await sensitiveChange(app, { reason: 'sales_role_for_admin', userId: id, roles: checkRoles(request.body.roles) }, context));
      }
      const outcome = await runStaffCommand(app.eventStore, id, (s) => changeRoles({ userId: id, roles: request.body.roles, actorId, at: context.at }, s), context);
      app.sessions.forgetUser(id); // the new roles apply to the user's next request here (elsewhere within the recheck bound)
      return answer(request, outcome);
    },
  );

  app.post(
    '/api/staff-users/:id/reset-password',
    {
      config: admin,
      schema: {
        tags,
        summary:
          "Reset a user's password: ends all their sessions and lifts a login lock; waits for a second admin's approval (202) when there is one",
        params: idParams,
        body: resetBody,
        response: { 200: staffCommandResponse, 202: staffRequestRecord },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const context = commandContext(request);
      const user = await loadStaffUser(app.eventStore, id);
      if (!user.exists) throw notFound('staff_user', id);
      checkNewPassword(request.body.newPassword, user.username, 'newPassword');
      // Refusals first (one's own password, a disabled user), with a placeholder for the hash.
      changePassword({ userId: id, passwordHash: 'x', by: 'admin', actorId: context.actor.userId, at: context.at }, user);
      const passwordHash = await hashPassword(request.body.newPassword, app.security.passwordHashLogN);
      return answerSensitive(request, reply, await sensitiveChange(app, { reason: 'password_reset', userId: id, passwordHash }, context));
    },
  );

  // Requests for a second admin's approval. Lists as react-admin's simple-rest provider reads them.
  app.get(
    '/api/staff-change-requests',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Sensitive staff changes and their approval, newest first (filter: {"status":"pending"})',
        querystring: z
          .object({ filter: z.string().max(1000).optional(), range: z.string().max(100).optional(), sort: z.string().max(200).optional() })
          .strict(),
        response: { 200: z.array(staffRequestRecord) },
      },
    },
    async (request, reply) => {
      const { status, range } = listQuery(request.query);
      const all = [...(await loadRequests(app)).requests.values()].reverse().filter((r) => !status || r.status === status);
      const page = all.slice(range[0], range[1] + 1).map((r) => toRequestRecord(r));
      reply.header('content-range', rangeHeader('staff-change-requests', range[0], page.length, all.length));
      return page;
    },
  );

  app.get(
    '/api/staff-change-requests/:id',
    { config: admin, schema: { tags, summary: 'One staff change request', params: requestParams, response: { 200: staffRequestRecord } } },
    async (request) => {
      const found = (await loadRequests(app)).requests.get(request.params.id);
      if (!found) throw notFound('staff_change_request', request.params.id);
      return toRequestRecord(found);
    },
  );

  app.post(
    '/api/staff-change-requests/:id/approve',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Approve a staff change request: an admin other than the one who asked and the user concerned',
        params: requestParams,
        body: noInput,
        response: { 200: staffRequestRecord },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { position } = await approveRequest(app, id, commandContext(request));
      await answerAfterProjections(request, position, STAFF_USERS);
      return toRequestRecord((await loadRequests(app)).requests.get(id)!, position);
    },
  );

  app.post(
    '/api/staff-change-requests/:id/reject',
    {
      config: admin,
      schema: { tags, summary: 'Turn down (or withdraw) a staff change request', params: requestParams, body: noInput, response: { 200: staffRequestRecord } },
    },
    async (request) => rejectRequest(app, request.params.id, commandContext(request)),
  );

  app.post(
    '/api/staff-users/:id/disable',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Disable a user: their sessions end at once and they cannot log in',
        params: idParams,
        body: noInput,
        response: { 200: staffCommandResponse },
      },
    },
    async (request) => {
      const { id } = request.params;
      const context = commandContext(request);
      const outcome = await runStaffCommand(app.eventStore, id, (s) => disableUser({ userId: id, actorId: context.actor.userId, at: context.at }, s), context);
      app.sessions.forgetUser(id); // the disable ends them; here at once
      return answer(request, outcome);
    },
  );

  app.post(
    '/api/staff-users/:id/enable',
    {
      config: admin,
      schema: { tags, summary: 'Enable a disabled user', params: idParams, body: noInput, response: { 200: staffCommandResponse } },
    },
    async (request) => {
      const { id } = request.params;
      const context = commandContext(request);
      const outcome = await runStaffCommand(app.eventStore, id, (s) => enableUser({ userId: id, at: context.at }, s), context);
      app.loginThrottle.unlock(usernameKey(outcome.user.username));
      return answer(request, outcome);
    },
  );
};

export default staff;
