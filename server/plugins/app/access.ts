// Who may call what. Registered before every other plugin so that it sees every route:
//
//  - onRoute: a route missing from server/security/routeTable.ts stops the start (no route can be
//    forgotten); a route whose own `config.access` disagrees with the table stops it too. The
//    table's rule is stored in the route's config, its rate limit (if any) handed to
//    @fastify/rate-limit, and an authorization hook is put first among the route's onRequest hooks
//    (after the global ones: helmet and CORS headers are on every refusal too).
//  - the hook: public routes pass; otherwise the session cookie must name a live session of an
//    existing, enabled user whose password has not changed since, checked against the event store
//    (on EventStoreDB a server trusts its last check for a couple of seconds: server/security/sessions.ts). Anonymous → 401, a user without a listed role → 403. The user is then on
//    `request.staff` (with the role the route was allowed by) and on every log line of the request.
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../../../events/eventCatalogue';
import { describeAccess, ruleFor, sameAccess, type Access, type RateLimitProfile } from '../../security/routeTable';
import type { SecuritySettings } from '../../security/settings';
import type { ExistingStaffUser } from '../../features/staff/accounts';

/** The logged-in user of a request that passed authorization. */
export interface StaffIdentity {
  userId: string;
  username: string;
  displayName: string;
  roles: Role[];
  /** The role this request acts in: the first role of the route's rule that the user holds. */
  role: Role;
  /** The session token (to end or rotate it). */
  sessionToken: string;
}

export interface RegisteredRoute {
  method: string;
  url: string;
  access: Access;
  rateLimit?: RateLimitProfile | undefined;
  /** Names of its query parameters, when its schema declares them (zod object). */
  queryKeys: string[];
}

function queryKeysOf(schema: unknown): string[] {
  const shape = (schema as { shape?: unknown } | undefined)?.shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : [];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; filled from the route table, or checked against it when given. */
    access?: Access;
  }
  interface FastifyRequest {
    /** The authorized staff user; null on public routes. */
    staff: StaffIdentity | null;
  }
  interface FastifyInstance {
    security: SecuritySettings;
    /** Every route registered so far with its rule (the route-table walk test reads it). */
    routeAccess: RegisteredRoute[];
  }
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const unauthenticated = (message = 'log in first') => new HttpError(401, 'unauthenticated', message);

/** The user of the request's session cookie, or why there is none (the words of the 401). */
export type SessionLookup = { user: ExistingStaffUser; token: string } | { user: null; problem: string };

/**
 * Finds the live session the request's cookie names, checked against the event store (the
 * session's stream and its user's: server/security/sessions.ts), so that a session opened, ended,
 * or ended by a disable or password change through another server counts here too.
 */
export async function findSession(request: FastifyRequest): Promise<SessionLookup> {
  const app = request.server;
  const token = request.cookies[app.security.cookieName];
  if (!token) return { user: null, problem: 'log in first' };
  const session = await app.sessions.find(token, app.security.now());
  if (!session) return { user: null, problem: 'your session has ended; log in again' };
  return { user: session.user, token };
}

async function authorize(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const access = request.routeOptions.config.access;
  if (access === undefined || access === 'public') return;
  const found = await findSession(request);
  if (found.user === null) throw unauthenticated(found.problem);
  const { user, token } = found;
  request.log = request.log.child({ userId: user.userId });
  reply.log = request.log;
  const role = access === 'authenticated' ? user.roles[0] : access.find((r) => user.roles.includes(r));
  if (!role) {
    throw new HttpError(
      403,
      'forbidden',
      `this needs the role ${describeAccess(access)}; you are ${user.roles.join(', ')}`,
    );
  }
  request.staff = {
    userId: user.userId,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles,
    role,
    sessionToken: token,
  };
}

const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

export default fp<{ settings: SecuritySettings }>(
  async (app, { settings }) => {
    app.decorate('security', settings);
    app.decorate('routeAccess', [] as RegisteredRoute[]);
    app.decorateRequest('staff', null);

    app.addHook('onRoute', (route) => {
      const methods = asArray(route.method).map(String);
      const rules = methods.map((m) => ruleFor(m, route.url));
      const rule = rules[0];
      const where = `${methods.join(',')} ${route.url}`;
      if (!rule || rules.some((r) => !r || !sameAccess(r.access, rule.access) || r.rateLimit !== rule.rateLimit)) {
        throw new Error(
          `route ${where} is not in the route table: add it to server/security/routeTable.ts with the roles that may call it`,
        );
      }
      const declared = route.config?.access;
      if (declared !== undefined && !sameAccess(declared, rule.access)) {
        throw new Error(
          `route ${where} declares access ${JSON.stringify(declared)} but the route table says ${JSON.stringify(rule.access)}`,
        );
      }
      const config = { ...route.config, access: rule.access };
      if (rule.rateLimit && config.rateLimit === undefined) {
        const limit = rule.rateLimit === 'login' ? settings.loginRateLimit : settings.couponCheckRateLimit;
        // One counter per client for all the routes of a profile, whatever the route and method.
        config.rateLimit = { max: limit.max, timeWindow: limit.timeWindowMs, groupId: rule.rateLimit };
      }
      route.config = config;
      route.onRequest = [authorize as onRequestHookHandler, ...asArray(route.onRequest)] as typeof route.onRequest;
      const queryKeys = queryKeysOf(route.schema?.querystring);
      for (const method of methods) {
        app.routeAccess.push({ method, url: route.url, access: rule.access, rateLimit: rule.rateLimit, queryKeys });
      }
    });
  },
  { name: 'access' },
);
