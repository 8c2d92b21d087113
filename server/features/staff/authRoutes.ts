// Logging in and out, who am I, changing one's own password. The session is an HTTP-only,
// SameSite=Strict cookie (see server/security/sessions.ts); react-admin's authProvider calls
// these with `credentials: 'include'`:
//   login → POST /api/auth/login, checkAuth/getIdentity/getPermissions → GET /api/auth/session,
//   logout → POST /api/auth/logout, checkError → 401 means "log in again", 403 means "not allowed".
// GET /api/auth/session answers 200 whether or not anyone is signed in ({user: null} when not): the
// console asks it on every page load, the login page included, where a 401 would be noise in the
// browser's console and the logs. GET /api/auth/me stays for API clients: 401 without a session.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { refuse } from '../../../domain/shared/errors';
import { changePassword, usernameKey } from '../../../domain/staff/decider';
import { findSession, HttpError } from '../../plugins/app/access';
import { commandContext } from '../../security/commandContext';
import { dummyHash, hashPassword, verifyPassword } from '../../security/password';
import type { LoginAttempt } from '../../security/loginThrottle';
import { checkNewPassword, findStaffUserByUsername, loadStaffUser, runStaffCommand, toRecord, type ExistingStaffUser } from './accounts';
import { enabledAdminIdsNow } from './admins';
import { staffCommandResponse, staffIdentity } from './routes';

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

  // Clearing must repeat the attributes it was set with: browsers may refuse to overwrite a
  // Secure or __Host- cookie from a header without them, and the cleared one must not travel in clear.
  const cookieAttributes = { path: '/', httpOnly: true, sameSite: 'strict', secure: settings.cookieSecure } as const;
  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(settings.cookieName, token, { ...cookieAttributes, maxAge: Math.floor(settings.sessionMaxMs / 1000) });

  /** The attempt as the login throttle counts it: this username from this client address. */
  const attemptOf = (request: FastifyRequest, username: string, user: ExistingStaffUser | null): LoginAttempt => {
    const lastAdmin =
      user !== null &&
      !user.disabled &&
      user.roles.includes('admin') &&
      enabledAdminIdsNow(app).filter((id) => id !== user.userId).length === 0;
    return { usernameKey: usernameKey(username), source: request.ip, neverLock: lastAdmin };
  };

  /** Refuses while the username is throttled or locked (from this address) after failed logins. */
  const checkGate = (reply: FastifyReply, attempt: LoginAttempt) => {
    const gate = app.loginThrottle.loginGate(attempt, settings.now());
    if (gate.open) return;
    const seconds = Math.max(1, Math.ceil(gate.retryAfterMs / 1000));
    reply.header('retry-after', String(seconds));
    throw new HttpError(
      429,
      gate.code,
      gate.code === 'account_locked'
        ? `too many failed logins from this address: this account is locked here; try again in ${Math.ceil(seconds / 60)} minutes or ask an admin`
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
      const user = await findStaffUserByUsername(app.eventStore, username);
      const attempt = attemptOf(request, username, user);
      checkGate(reply, attempt);
      const ok = await verifyPassword(password, user ? user.passwordHash : await dummyHash(settings.passwordHashLogN));
      // A disabled account answers exactly as a wrong password does, after the same work: telling
      // it apart would confirm to a guesser that the password they tried is right.
      if (!user || !ok || user.disabled) {
        const { locked } = app.loginThrottle.loginFailed(attempt, settings.now());
        // An unknown "username" may be a password typed in the wrong field: not logged.
        request.log.info(
          user ? { userId: user.userId, username: user.username, locked, disabled: user.disabled } : { username: '(unknown)', locked },
          'login failed',
        );
        throw new HttpError(401, 'credentials_invalid', 'wrong username or password');
      }
      app.loginThrottle.clearLoginFailures(attempt);
      setSessionCookie(reply, await app.sessions.start(user, settings.now()));
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
      const { userId, role, sessionToken } = request.staff!;
      await app.sessions.end(sessionToken, { userId, role }, settings.now());
      reply.clearCookie(settings.cookieName, cookieAttributes);
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

  app.get(
    '/api/auth/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in on this browser, if anyone: 200 with user null when nobody is',
        response: { 200: z.object({ user: staffIdentity.nullable() }) },
      },
    },
    async (request) => {
      const found = await findSession(request);
      if (found.user === null) return { user: null };
      const { userId, username, displayName, roles } = found.user;
      return { user: { id: userId, username, displayName, roles } };
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
      const user = await loadStaffUser(app.eventStore, staff.userId);
      if (!user.exists) throw new HttpError(401, 'unauthenticated', 'log in first');
      const attempt = attemptOf(request, staff.username, user);
      checkGate(reply, attempt);
      if (!(await verifyPassword(currentPassword, user.passwordHash))) {
        app.loginThrottle.loginFailed(attempt, settings.now());
        throw refuse('password_wrong', 'currentPassword: this is not your current password', 'currentPassword');
      }
      checkNewPassword(newPassword, user.username, 'newPassword');
      if (newPassword === currentPassword) {
        throw refuse('password_unchanged', 'newPassword: choose a password different from the current one', 'newPassword');
      }
      const context = commandContext(request);
      const passwordHash = await hashPassword(newPassword, settings.passwordHashLogN);
      const outcome = await runStaffCommand(
        app.eventStore,
        user.userId,
        (s) => changePassword({ userId: user.userId, passwordHash, by: 'self', actorId: staff.userId, at: context.at }, s),
        context,
      );
      // Every session opened with the old password is over; this one continues under a new token.
      app.sessions.forgetUser(user.userId);
      setSessionCookie(reply, await app.sessions.start(outcome.user, settings.now()));
      return { ...toRecord(outcome.user), position: outcome.position };
    },
  );
};

export default auth;
