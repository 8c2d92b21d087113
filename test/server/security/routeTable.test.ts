// Every registered route, walked: an anonymous request is refused unless the route table makes the
// route public, and each role gets exactly what the table allows ("gets" = neither 401 nor 403).
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Role } from '../../../events/eventCatalogue';
import accessPlugin from '../../../server/plugins/app/access';
import { routeTable, ruleFor, type Access } from '../../../server/security/routeTable';
import { securitySettings } from '../../../server/security/settings';
import { addUser, login, startApp, type TestApp } from './support';

let t: TestApp;
const sessions = new Map<Role, string>();

/**
 * Public, but accepted only with the CA's signature (server/features/caReports/signature.ts): anyone
 * reaches it, and without a signature gets 401 `ca_signature_missing`, never a session's refusal.
 */
const SIGNED = new Set(['POST /api/ca-reports']);

/**
 * Public, but answered only to the bearer of METRICS_TOKEN (server/features/operations/metrics.ts):
 * a scraper has no session, and a session is no token: 401 asking for the bearer token, to anyone.
 */
const BEARER = new Set(['GET /metrics', 'HEAD /metrics']);

function expectBearerRefusal(response: { statusCode: number; headers: Record<string, unknown> }, where: string) {
  expect(response.statusCode, where).toBe(401);
  expect(response.headers['www-authenticate'], where).toBe('Bearer realm="metrics"');
}

beforeAll(async () => {
  t = await startApp({
    sales: { settings: { caWebhookSecret: 'route-table-test-secret-0123456789abcdef' } },
    security: { metricsToken: 'route-table-test-metrics-token-0123456789' },
  });
  for (const role of roles) {
    await addUser(t.store, `only-${role}`, [role]);
    sessions.set(role, await login(t.app, `only-${role}`));
  }
});
afterAll(async () => {
  await t.close();
});

/** A concrete URL for a route pattern: parameters and wildcards filled with harmless values. */
function concrete(url: string): string {
  if (url === '*') return '/anything';
  return url.replace(/:[A-Za-z0-9_]+/g, () => randomUUID()).replace(/\*$/, 'anything');
}

const allows = (access: Access, role: Role) =>
  access === 'public' || access === 'authenticated' || (access as readonly Role[]).includes(role);

async function call(method: string, url: string, cookie?: string) {
  const hasBody = !['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(method);
  return t.app.inject({
    method: method as 'GET',
    url: concrete(url),
    headers: cookie ? { cookie } : {},
    ...(hasBody ? { payload: {} } : {}),
  });
}

describe('the route table', () => {
  it('covers every registered route, and the app registered the routes it lists', () => {
    const registered = t.app.routeAccess;
    expect(registered.length).toBeGreaterThan(15);
    for (const route of registered) expect(ruleFor(route.method, route.url), `${route.method} ${route.url}`).toBeDefined();
    for (const key of ['POST /api/auth/login', 'GET /api/auth/me', 'GET /api/staff-users', 'POST /api/staff-users/:id/disable', 'GET /health']) {
      expect(registered.some((r) => `${r.method} ${r.url}` === key), key).toBe(true);
    }
  });

  it('refuses anonymous requests on every route that is not public, with 401 and a message', async () => {
    const publicOnes: string[] = [];
    for (const route of t.app.routeAccess) {
      const response = await call(route.method, route.url);
      const where = `${route.method} ${route.url} → ${response.statusCode} ${response.body.slice(0, 120)}`;
      if (SIGNED.has(`${route.method} ${route.url}`)) {
        expect(response.statusCode, where).toBe(401);
        expect(response.json().code, where).toBe('ca_signature_missing');
      } else if (BEARER.has(`${route.method} ${route.url}`)) {
        expectBearerRefusal(response, where);
      } else if (route.access === 'public') {
        publicOnes.push(`${route.method} ${route.url}`);
        expect([401, 403], where).not.toContain(response.statusCode);
      } else {
        expect(response.statusCode, where).toBe(401);
        if (route.method !== 'HEAD') expect(response.json().message, where).toEqual(expect.any(String));
      }
    }
    // Public: login, "who is signed in" (200 with user null when nobody is), liveness, the console's pages, CORS preflight, the coupon check and the pages
    // the coupon e-mail links to.
    for (const p of publicOnes) {
      expect(p).toMatch(
        /^(POST \/api\/auth\/login|(GET|HEAD) \/api\/auth\/session|(GET|HEAD) \/health|OPTIONS \*|(GET|HEAD) \/\*|(GET|HEAD) \/api\/public\/coupons\/:code\/status|(GET|HEAD) \/(rinnovo|verifica-coupon))$/,
      );
    }
  });

  it.each(roles)('gives the %s role exactly what the table allows, 403 with a message elsewhere', async (role) => {
    for (const route of t.app.routeAccess) {
      const response = await call(route.method, route.url, sessions.get(role));
      const where = `${role}: ${route.method} ${route.url} → ${response.statusCode} ${response.body.slice(0, 160)}`;
      if (SIGNED.has(`${route.method} ${route.url}`)) {
        // A session is no signature.
        expect(response.json().code, where).toBe('ca_signature_missing');
      } else if (BEARER.has(`${route.method} ${route.url}`)) {
        expectBearerRefusal(response, where);
      } else if (allows(route.access, role)) {
        expect([401, 403], where).not.toContain(response.statusCode);
        expect(response.statusCode, where).toBeLessThan(500);
      } else {
        expect(response.statusCode, where).toBe(403);
        if (route.method !== 'HEAD') expect(response.json(), where).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/needs the role/) });
      }
      if (route.url === '/api/auth/logout') sessions.set(role, await login(t.app, `only-${role}`));
    }
  });

  it('keeps admins to staff accounts and settings: no sales route opens to admin alone', () => {
    // The issuers' renewal policies are settings (issue #16: set by a supervisor or an admin).
    // The event log's verification is the system's integrity, not sales data (issue #18: accountants and admins).
    // Parked events are the running of the system (issue #21): handing them out again is the admins'.
    for (const [key, rule] of Object.entries(routeTable)) {
      if (Array.isArray(rule.access) && rule.access.includes('admin')) expect(key, key).toMatch(/ \/(api\/(staff-users|staff-change-requests|settings|issuer-policies|log-verification|parked-events)|docs)/);
    }
  });
});

describe('the access plugin refuses to start', () => {
  async function appWith(register: (app: ReturnType<typeof Fastify>) => void) {
    const app = Fastify();
    await app.register(accessPlugin, { settings: securitySettings() });
    register(app);
    return app.ready();
  }

  it('when a route is missing from the table', async () => {
    await expect(appWith((app) => app.get('/api/forgotten', async () => 'x'))).rejects.toThrow(
      /route GET \/api\/forgotten is not in the route table: add it to server\/security\/routeTable.ts/,
    );
  });

  it("when a route's own access disagrees with the table", async () => {
    await expect(
      appWith((app) => app.get('/api/staff-users', { config: { access: ['operator'] } }, async () => 'x')),
    ).rejects.toThrow(/declares access \["operator"\] but the route table says \["admin"\]/);
  });

  it('and starts when they agree', async () => {
    await expect(appWith((app) => app.get('/api/staff-users', { config: { access: ['admin'] } }, async () => 'x'))).resolves.toBeDefined();
  });
});
