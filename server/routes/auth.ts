// Logging in and out, who am I, changing one's own password. The session is an HTTP-only,
// SameSite=Strict cookie (see server/plugins/app/sessions.ts); react-admin's authProvider calls
// these with `credentials: 'include'`:
//   login → POST /api/auth/login, checkAuth/getIdentity/getPermissions → GET /api/auth/me,
//   logout → POST /api/auth/logout, checkError → 401 means "log in again", 403 means "not allowed".
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { refuse } from '../domain/errors';
import { changePassword, usernameKey } from '../domain/staff/decider';
import { HttpError } from '../plugins/app/access';
import { commandContext } from '../security/commandContext';
import { dummyHash, hashPassword, verifyPassword } from '../security/password';
import { checkNewPassword, findStaffUserByUsername, loadStaffUser, runStaffCommand, toRecord } from '../staff/accounts';
import { staffCommandResponse, staffIdentity } from './staff';

const loginBody = z
  .object({
    username: z.string().min(1, 'is required').max(200),
    password: z.string().min(1, 'is required').max(1024),
  })
  .strict();

const passwordBody = z
  .object({
    currentPassword: z.string().min(1, 'is required').max(1024),
    newPassword: z.string().min(1, 'is required').max(1024),
  })
  .strict();

/** Logout takes no input: no body, or an empty JSON object. */
const noInput = z.object({}).strict().nullish();

const auth: FastifyPluginAsyncZod = async (app) => {
  const settings = app.security;

  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(settings.cookieName, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: settings.cookieSecure,
      maxAge: Math.floor(settings.sessionMaxMs / 1000),
    });

  /** Refuses while the username is throttled or locked after failed logins. */
  const checkGate = (reply: FastifyReply, key: string) => {
    const gate = app.sessions.loginGate(key, settings.now());
    if (gate.open) return;
    const seconds = Math.max(1, Math.ceil(gate.retryAfterMs / 1000));
    reply.header('retry-after', String(seconds));
    throw new HttpError(
      429,
      gate.code,
      gate.code === 'account_locked'
        ? `too many failed logins: this account is locked; try again in ${Math.ceil(seconds / 60)} minutes or ask an admin`
        : `too many failed logins; wait ${seconds} seconds before trying again`,
    );
  };

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Log in: sets the session cookie',
        body: loginBody,
        response: { 200: staffIdentity },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const key = usernameKey(username);
      checkGate(reply, key);
      const user = await findStaffUserByUsername(app.eventStore, username);
      const ok = await verifyPassword(password, user ? user.passwordHash : await dummyHash(settings.passwordHashLogN));
      if (!user || !ok) {
        const { locked } = app.sessions.loginFailed(key, settings.now());
        // An unknown "username" may be a password typed in the wrong field: not logged.
        request.log.info(user ? { userId: user.userId, username: user.username, locked } : { username: '(unknown)', locked }, 'login failed');
        throw new HttpError(401, 'invalid_credentials', 'wrong username or password');
      }
      if (user.disabled) throw new HttpError(403, 'account_disabled', 'this account is disabled; ask an admin');
      app.sessions.clearLoginFailures(key);
      setSessionCookie(reply, app.sessions.create(user.userId, user.passwordVersion, settings.now()));
      request.log.info({ userId: user.userId }, 'logged in');
      return { id: user.userId, username: user.username, displayName: user.displayName, roles: user.roles };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'Log out: ends this session', body: noInput },
    },
    async (request, reply) => {
      app.sessions.remove(request.staff!.sessionToken);
      reply.clearCookie(settings.cookieName, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'The logged-in user and their roles', response: { 200: staffIdentity } },
    },
    async (request) => {
      const { userId, username, displayName, roles } = request.staff!;
      return { id: userId, username, displayName, roles };
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: "Change one's own password: ends every other session of the user",
        body: passwordBody,
        response: { 200: staffCommandResponse },
      },
    },
    async (request, reply) => {
      const staff = request.staff!;
      const { currentPassword, newPassword } = request.body;
      const key = usernameKey(staff.username);
      checkGate(reply, key);
      const user = await loadStaffUser(app.eventStore, staff.userId);
      if (!user.exists) throw new HttpError(401, 'unauthenticated', 'log in first');
      if (!(await verifyPassword(currentPassword, user.passwordHash))) {
        app.sessions.loginFailed(key, settings.now());
        throw refuse('wrong_password', 'currentPassword: this is not your current password', 'currentPassword');
      }
      checkNewPassword(newPassword, user.username, 'newPassword');
      if (newPassword === currentPassword) {
        throw refuse('same_password', 'newPassword: choose a password different from the current one', 'newPassword');
      }
      const context = commandContext(request);
      const passwordHash = await hashPassword(newPassword, settings.passwordHashLogN);
      const outcome = await runStaffCommand(
        app.eventStore,
        user.userId,
        (s) => changePassword(s, { userId: user.userId, passwordHash, by: 'self', actorId: staff.userId }),
        context,
      );
      // Every session opened with the old password is over; this one continues under a new token.
      app.sessions.removeAllFor(user.userId);
      setSessionCookie(reply, app.sessions.create(user.userId, outcome.user.passwordVersion, settings.now()));
      return { ...toRecord(outcome.user), position: outcome.position };
    },
  );
};

export default auth;
