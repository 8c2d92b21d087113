// Security headers, CORS for configured origins only, body size limit, rate limits.
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { afterEach, describe, expect, it } from 'vitest';
import accessPlugin from '../../../server/plugins/app/access';
import errorHandler from '../../../server/plugins/app/errorHandler';
import { SharedRateLimitStore } from '../../../server/security/rateLimitStore';
import { routeTable } from '../../../server/security/routeTable';
import { securitySettings } from '../../../server/security/settings';
import { generateCouponCode } from '../../../domain/shared/couponCode';
import { addUser, login, startApp, type TestApp } from './support';

const CONSOLE = 'http://console.example:5173';
const apps: TestApp[] = [];
afterEach(async () => {
  for (const t of apps.splice(0)) await t.close();
});
async function start(...args: Parameters<typeof startApp>) {
  const t = await startApp(...args);
  apps.push(t);
  return t;
}

describe('security headers (helmet)', () => {
  it('are on every answer, refusals included, with a CSP fit for the react-admin SPA', async () => {
    const t = await start();
    for (const url of ['/health', '/api/staff-users', '/api/nope']) {
      const response = await t.app.inject({ method: 'GET', url });
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(response.headers['x-request-id']).toEqual(expect.any(String));
    }
  });
});

describe('Cache-Control', () => {
  it('is no-store on every /api answer (data, refusals, errors) and on the public coupon check page', async () => {
    const t = await start({ security: { couponCheckRateLimit: { max: 1, timeWindowMs: 60_000 } } });
    await addUser(t.store, 'boss', ['admin']);
    const cookie = await login(t.app, 'boss');
    // The user was written straight to the log: wait for the read models before listing (without
    // it the list raced the projections, one run in six on Node 24).
    expect(await t.app.projections.waitFor(await t.store.headPosition(), undefined, 10_000)).toBe(true);
    const code = generateCouponCode(randomBytes);
    const answers = [
      await t.app.inject({ method: 'GET', url: '/api/staff-users', headers: { cookie } }),
      await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } }),
      await t.app.inject({ method: 'GET', url: '/api/staff-users' }), // 401
      await t.app.inject({ method: 'GET', url: '/api/customers', headers: { cookie } }), // 403
      await t.app.inject({ method: 'GET', url: '/api/staff-users?filter=%7Bbad', headers: { cookie } }), // 400
      await t.app.inject({ method: 'GET', url: '/api/nope' }), // 404
      await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'boss', password: 'wrong password' } }),
      await t.app.inject({ method: 'GET', url: `/api/public/coupons/${code}/status` }),
      await t.app.inject({ method: 'GET', url: `/api/public/coupons/${code}/status` }), // 429
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 401, 403, 400, 404, 401, 404, 429]);
    answers.push(await t.app.inject({ method: 'GET', url: `/verifica-coupon?codice=${code}` }));
    for (const answer of answers) expect(answer.headers['cache-control'], answer.body.slice(0, 100)).toBe('no-store');
    // The console's own files keep their caching.
    expect((await t.app.inject({ method: 'GET', url: '/health' })).headers['cache-control']).toBeUndefined();
  });
});

describe('CORS', () => {
  it('answers configured origins with credentials and Content-Range exposed; others get no CORS headers', async () => {
    const t = await start({ security: { corsOrigins: [CONSOLE] } });
    await addUser(t.store, 'boss', ['admin']);
    const cookie = await login(t.app, 'boss');
    // The user was written straight to the log: the staff list shows it once the read model has it.
    expect(await t.app.projections.waitFor(await t.store.headPosition(), undefined, 10_000)).toBe(true);

    const allowed = await t.app.inject({ method: 'GET', url: '/api/staff-users', headers: { origin: CONSOLE, cookie } });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    expect(String(allowed.headers['access-control-expose-headers'])).toContain('Content-Range');
    expect(allowed.headers['content-range']).toBe('staff-users 0-0/1');

    // A refusal to an allowed origin is readable by the console too (it must see the 401).
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/staff-users', headers: { origin: CONSOLE } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['access-control-allow-origin']).toBe(CONSOLE);

    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/staff-users',
      headers: { origin: CONSOLE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,idempotency-key' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('idempotency-key');

    for (const origin of ['http://evil.example', 'http://console.example:5174', 'null']) {
      const refused = await t.app.inject({ method: 'GET', url: '/health', headers: { origin } });
      // Without Access-Control-Allow-Origin a browser gives the caller nothing.
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('allows no cross-origin caller when no origin is configured', async () => {
    const t = await start();
    const response = await t.app.inject({ method: 'GET', url: '/health', headers: { origin: CONSOLE } });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('request body size', () => {
  it('refuses bodies above 1 MiB with 413 and a message, before any work', async () => {
    const t = await start();
    await addUser(t.store, 'boss', ['admin']);
    const cookie = await login(t.app, 'boss');
    const big = JSON.stringify({ username: 'x', displayName: 'y'.repeat(1_100_000), roles: ['operator'], password: 'z' });
    for (const [url, headers] of [
      ['/api/auth/login', {}],
      ['/api/staff-users', { cookie }],
    ] as const) {
      const response = await t.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload: big });
      expect(response.statusCode).toBe(413);
      expect(response.json().message).toEqual(expect.any(String));
    }
  });
});

describe('rate limits', () => {
  it('limit logins per client address', async () => {
    const t = await start({ security: { loginRateLimit: { max: 3, timeWindowMs: 60_000 } } });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `u${i}`, password: 'whatever it is' } });
      codes.push(response.statusCode);
      if (response.statusCode === 429) {
        expect(response.json()).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/too many requests/) });
        expect(response.headers['retry-after']).toBeDefined();
      }
    }
    expect(codes).toEqual([401, 401, 401, 429]);
    // Another address is not affected.
    const other = await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.0.0.9', payload: { username: 'u', password: 'whatever it is' } });
    expect(other.statusCode).toBe(401);
  });

  it('count the public coupon check once per client, across the JSON route and the page, GET and HEAD alike', async () => {
    const t = await start({ security: { couponCheckRateLimit: { max: 4, timeWindowMs: 60_000 } } });
    const code = generateCouponCode(randomBytes);
    const checks = [
      ['GET', `/api/public/coupons/${code}/status`],
      ['HEAD', `/api/public/coupons/${code}/status`],
      ['GET', `/verifica-coupon?codice=${code}`],
      ['HEAD', '/verifica-coupon'],
      ['GET', `/api/public/coupons/${code}/status`],
      ['HEAD', `/verifica-coupon?codice=${code}`],
    ] as const;
    const codes: number[] = [];
    for (const [method, url] of checks) codes.push((await t.app.inject({ method, url })).statusCode);
    expect(codes).toEqual([404, 404, 404, 200, 429, 429]);
    // Another client has its own count; the logins have theirs.
    expect((await t.app.inject({ method: 'GET', url: `/api/public/coupons/${code}/status`, remoteAddress: '10.0.0.9' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'u', password: 'whatever it is' } })).statusCode).toBe(401);
  });

  it('behind a proxy (TRUST_PROXY) count each client by X-Forwarded-For; without it, the header is not believed', async () => {
    const limit = { couponCheckRateLimit: { max: 1, timeWindowMs: 60_000 } };
    const proxy = '10.0.0.2';
    const check = (t: TestApp, client: string) =>
      t.app.inject({ method: 'GET', url: '/verifica-coupon', remoteAddress: proxy, headers: { 'x-forwarded-for': client } });

    const direct = await start({ security: limit });
    expect([(await check(direct, '203.0.113.1')).statusCode, (await check(direct, '203.0.113.2')).statusCode]).toEqual([200, 429]);

    let behind = direct;
    for (const trustProxy of [1, ['10.0.0.0/8']]) {
      behind = await start({ security: { ...limit, trustProxy } });
      const codes = [(await check(behind, '203.0.113.1')).statusCode, (await check(behind, '203.0.113.2')).statusCode, (await check(behind, '203.0.113.1')).statusCode];
      expect(codes, JSON.stringify(trustProxy)).toEqual([200, 200, 429]);
    }
    // A client talking to the server directly (not from a listed proxy) cannot pick its address.
    const spoof = (client: string) =>
      behind.app.inject({ method: 'GET', url: '/verifica-coupon', remoteAddress: '198.51.100.7', headers: { 'x-forwarded-for': client } });
    expect([(await spoof('203.0.113.1')).statusCode, (await spoof('203.0.113.2')).statusCode]).toEqual([200, 429]);
  }, 60_000);

  it('limit the public coupon-status check, from the route table, whoever writes the route', async () => {
    expect(routeTable['GET /api/public/coupons/:code/status']).toEqual({ access: 'public', rateLimit: 'couponCheck' });
    // The table hands its limit to any route registered under that key.
    const app = Fastify();
    await app.register(accessPlugin, { settings: securitySettings({ couponCheckRateLimit: { max: 2, timeWindowMs: 60_000 } }) });
    await app.register(errorHandler);
    await app.register(rateLimit, { global: false, store: SharedRateLimitStore as never });
    app.get('/api/public/coupons/:code/status', async () => ({ status: 'issued' }));
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await app.inject({ method: 'GET', url: '/api/public/coupons/K7Q2-9XMD-4HRT-0ZBW-J8NC/status' })).statusCode);
    expect(codes).toEqual([200, 200, 429]);
    await app.close();
  });
});
