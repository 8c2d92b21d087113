// Staff accounts, for admins: the commands of the staff aggregate. The list and detail that
// react-admin's simple-rest data provider reads are served from the staff-users read model by the
// read API (server/routes/read.ts). Every command answers with the user as it is afterwards and
// `position`, the global position of its last event (0 when nothing had to change), once the
// staff-users read model has it (read-your-writes): the list fetched next shows the change.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roles } from '../../events/catalogue';
import { changePassword, changeRoles, disableUser, enableUser, usernameKey } from '../domain/staff/decider';
import { notFound } from '../domain/errors';
import { commandContext } from '../security/commandContext';
import { hashPassword } from '../security/password';
import { answerAfterProjections } from '../read/readYourWrites';
import {
  checkNewPassword,
  createStaffUser,
  loadStaffUser,
  runStaffCommand,
  toRecord,
  type StaffCommandOutcome,
} from '../staff/accounts';

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
      schema: { tags, summary: "Change a user's roles", params: idParams, body: rolesBody, response: { 200: staffCommandResponse } },
    },
    async (request) => {
      const { id } = request.params;
      const context = commandContext(request);
      return answer(
        request,
        await runStaffCommand(app.eventStore, id, (s) => changeRoles(s, { userId: id, roles: request.body.roles, actorId: context.actor.userId }), context),
      );
    },
  );

  app.post(
    '/api/staff-users/:id/reset-password',
    {
      config: admin,
      schema: {
        tags,
        summary: "Reset a user's password: ends all their sessions and lifts a login lock",
        params: idParams,
        body: resetBody,
        response: { 200: staffCommandResponse },
      },
    },
    async (request) => {
      const { id } = request.params;
      const context = commandContext(request);
      const user = await loadStaffUser(app.eventStore, id);
      if (!user.exists) throw notFound('staff_user', id);
      checkNewPassword(request.body.newPassword, user.username, 'newPassword');
      const passwordHash = await hashPassword(request.body.newPassword, app.security.passwordHashLogN);
      const outcome = await runStaffCommand(
        app.eventStore,
        id,
        (s) => changePassword(s, { userId: id, passwordHash, by: 'admin', actorId: context.actor.userId }),
        context,
      );
      app.sessions.removeAllFor(id);
      app.sessions.unlock(usernameKey(user.username));
      return answer(request, outcome);
    },
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
      const outcome = await runStaffCommand(app.eventStore, id, (s) => disableUser(s, { userId: id, actorId: context.actor.userId }), context);
      app.sessions.removeAllFor(id);
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
      const outcome = await runStaffCommand(app.eventStore, id, (s) => enableUser(s, { userId: id }), commandContext(request));
      app.sessions.unlock(usernameKey(outcome.user.username));
      return answer(request, outcome);
    },
  );
};

export default staff;
