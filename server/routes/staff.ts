// Staff accounts, for admins: the list and detail react-admin's simple-rest data provider reads,
// and the commands of the staff aggregate. Every command answers with the user as it is afterwards
// and `position`, the global position of its last event (0 when nothing had to change).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roles } from '../../events/catalogue';
import { changePassword, changeRoles, disableUser, enableUser, usernameKey } from '../domain/staff/decider';
import { notFound } from '../domain/errors';
import { commandContext } from '../security/commandContext';
import { hashPassword } from '../security/password';
import {
  checkNewPassword,
  createStaffUser,
  loadStaffUser,
  runStaffCommand,
  toRecord,
  type StaffCommandOutcome,
  type StaffUserRecord,
} from '../staff/accounts';
import { StaffDirectory } from '../staff/directory';

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

/** A query parameter holding JSON, as ra-data-simple-rest sends `sort`, `range` and `filter`. */
function jsonParam<T extends z.ZodType>(schema: T, shape: string) {
  return z
    .string()
    .max(4000, 'is too long')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be JSON like ${shape}` });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

const sortFields = ['id', 'username', 'displayName', 'disabled'] as const;
const MAX_PAGE = 1000;

const listQuery = z.object({
  sort: jsonParam(
    z.tuple([z.enum(sortFields), z.enum(['ASC', 'DESC'])], { error: 'must be [field, "ASC" | "DESC"]' }),
    '["username","ASC"]',
  ).optional(),
  range: jsonParam(
    z
      .tuple([z.number().int().nonnegative(), z.number().int().nonnegative()], { error: 'must be [first, last]' })
      .refine(([first, last]) => last >= first, 'last must not be before first')
      .refine(([first, last]) => last - first < MAX_PAGE, `at most ${MAX_PAGE} rows at a time`),
    '[0,24]',
  ).optional(),
  filter: jsonParam(
    z
      .object({
        q: z.string().max(200).optional(),
        id: z.union([z.string().max(100), z.array(z.string().max(100)).max(MAX_PAGE)]).optional(),
        username: z.string().max(200).optional(),
        role: role.optional(),
        disabled: z.boolean().optional(),
      })
      .strict(),
    '{"q":"ross"}',
  ).optional(),
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

function compare(field: (typeof sortFields)[number]) {
  return (a: StaffUserRecord, b: StaffUserRecord) => {
    const x = a[field];
    const y = b[field];
    if (typeof x === 'boolean' || typeof y === 'boolean') return Number(x) - Number(y);
    return x.localeCompare(y, 'it', { sensitivity: 'base' });
  };
}

const answer = (outcome: StaffCommandOutcome) => ({ ...toRecord(outcome.user), position: outcome.position });

const staff: FastifyPluginAsyncZod = async (app) => {
  const directory = new StaffDirectory(app.eventStore);
  const admin = { access: ['admin'] } as const;
  const tags = ['staff'];

  app.get(
    '/api/staff-users',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Staff users (simple-rest: sort, range, filter as JSON; total in Content-Range)',
        querystring: listQuery,
        response: { 200: z.array(staffUserRecord) },
      },
    },
    async (request, reply) => {
      const { sort = ['username', 'ASC'], range = [0, 24], filter = {} } = request.query;
      let rows = await directory.list();
      if (filter.id !== undefined) {
        const ids = new Set(Array.isArray(filter.id) ? filter.id : [filter.id]);
        rows = rows.filter((u) => ids.has(u.id));
      }
      if (filter.q) {
        const q = filter.q.toLowerCase();
        rows = rows.filter((u) => u.username.toLowerCase().includes(q) || u.displayName.toLowerCase().includes(q));
      }
      if (filter.username !== undefined) rows = rows.filter((u) => usernameKey(u.username) === usernameKey(filter.username!));
      if (filter.role) rows = rows.filter((u) => u.roles.includes(filter.role!));
      if (filter.disabled !== undefined) rows = rows.filter((u) => u.disabled === filter.disabled);
      const [field, order] = sort;
      rows.sort(compare(field));
      if (order === 'DESC') rows.reverse();
      const [first, last] = range;
      const page = rows.slice(first, last + 1);
      const total = rows.length;
      reply.header(
        'content-range',
        page.length === 0 ? `staff-users */${total}` : `staff-users ${first}-${first + page.length - 1}/${total}`,
      );
      return page;
    },
  );

  app.get(
    '/api/staff-users/:id',
    { config: admin, schema: { tags, summary: 'One staff user', params: idParams, response: { 200: staffUserRecord } } },
    async (request) => {
      const user = await loadStaffUser(app.eventStore, request.params.id);
      if (!user.exists) throw notFound('staff_user', request.params.id);
      return toRecord(user);
    },
  );

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
      return reply.status(201).send(answer(outcome));
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
      app.sessions.clearLoginFailures(usernameKey(user.username));
      return answer(outcome);
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
      return answer(outcome);
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
      app.sessions.clearLoginFailures(usernameKey(outcome.user.username));
      return answer(outcome);
    },
  );
};

export default staff;
