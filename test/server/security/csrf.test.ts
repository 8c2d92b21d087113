// Cross-site request forgery: every state-changing request (POST, PUT, PATCH, DELETE) a browser
// sends from another origin is refused with a 403 before anything runs, with the session cookie
// or without; requests from the server's own origin (its Host, PUBLIC_URL, CORS_ORIGINS) and
// requests without Origin or Sec-Fetch-Site (curl, servers, the kiosk) go through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles } from '../../../events/eventCatalogue';
import { addUser, login, startApp, type TestApp } from './support';

const PUBLIC = 'https://backoffice.example.it';
const DEV_CONSOLE = 'http://localhost:5173';

let t: TestApp;
let cookie: string;
let targetId: string;

beforeAll(async () => {
  t = await startApp({ security: { publicOrigin: PUBLIC, corsOrigins: [DEV_CONSOLE] } });
  await addUser(t.store, 'everything', [...roles]);
  targetId = await addUser(t.store, 'target', ['operator']);
  cookie = await login(t.app, 'everything');
});
afterAll(async () => {
  await t?.close();
});

const fill = (url: string) => url.replace(/:[A-Za-z0-9_]+/g, targetId);
const stateChanging = () => t.app.routeAccess.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));

const forged: Array<[string, Record<string, string>]> = [
  ['another site', { origin: 'https://evil.example' }],
  ['another port of this host', { origin: 'http://localhost:8080' }],
  ['PUBLIC_URL with a path (no browser sends that)', { origin: `${PUBLIC}/x` }],
  ['a sandboxed frame or a file', { origin: 'null' }],
  ['two origins', { origin: `${PUBLIC}, https://evil.example` }],
  ['a cross-site fetch without Origin', { 'sec-fetch-site': 'cross-site' }],
  ['a same-site fetch without Origin (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
  ['another site, whatever Sec-Fetch-Site claims', { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }],
];

describe('state-changing requests from another origin', () => {
  it('finds the commands, bodyless ones included', () => {
    const urls = stateChanging().map((r) => `${r.method} ${r.url}`);
    for (const bodyless of [
      'POST /api/auth/logout',
      'POST /api/orders/:id/resend-coupons',
      'POST /api/staff-users/:id/disable',
      'POST /api/staff-users/:id/enable',
      'POST /api/emails/:id/retry',
      'POST /api/products/:code/withdraw',
      'POST /api/auth/login',
    ]) {
      expect(urls).toContain(bodyless);
    }
  });

  it.each(forged)('are refused with 403 on every command route: %s', async (_what, headers) => {
    const head = await t.store.headPosition();
    for (const route of stateChanging()) {
      const response = await t.app.inject({ method: route.method as 'POST', url: fill(route.url), headers: { ...headers, cookie } });
      const where = `${route.method} ${route.url} → ${response.statusCode} ${response.body.slice(0, 200)}`;
      expect(response.statusCode, where).toBe(403);
      expect(response.json(), where).toMatchObject({ code: 'cross_origin_refused', message: expect.stringMatching(/^cross-origin request refused: /) });
    }
    expect(await t.store.headPosition()).toBe(head);
    // The forged logout did not end the session, the forged disable did not disable anyone.
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'target', password: 'correct horse battery staple' } })).statusCode).toBe(200);
  });

  it('names the origin and what to do in the message', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { origin: 'https://evil.example', cookie } });
    expect(response.json().message).toBe(
      'cross-origin request refused: POST with Origin "https://evil.example", which is not this server\'s origin; use the console served by this server, or add that origin to CORS_ORIGINS',
    );
  });

  it('are not what reads are about: a GET from elsewhere is still answered (CORS decides whether the browser may read it)', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', cookie } });
    expect(response.statusCode).toBe(200);
  });
});

describe('state-changing requests from this server, and from no browser at all', () => {
  const own: Array<[string, Record<string, string>]> = [
    ['the host the request was sent to', { host: 'bo.example:3000', origin: 'http://bo.example:3000', 'sec-fetch-site': 'same-origin' }],
    ['the host, default port either way', { host: 'bo.example:443', origin: 'https://bo.example' }],
    ['PUBLIC_URL behind a proxy that rewrites Host', { host: '127.0.0.1:3000', origin: PUBLIC, 'sec-fetch-site': 'same-origin' }],
    ['a CORS_ORIGINS entry (the console in development, on another port: same-site)', { origin: DEV_CONSOLE, 'sec-fetch-site': 'same-site' }],
    ['a browser that sends Sec-Fetch-Site: same-origin only', { 'sec-fetch-site': 'same-origin' }],
    ['a navigation the user typed', { 'sec-fetch-site': 'none' }],
    ['curl, a server, the kiosk: neither header', {}],
  ];

  it.each(own)('go through: %s', async (_what, headers) => {
    const session = await login(t.app, 'everything');
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { ...headers, cookie: session } });
    expect(response.statusCode, response.body).toBeLessThan(300);
    const disable = await t.app.inject({ method: 'POST', url: `/api/staff-users/${targetId}/enable`, headers: { ...headers, cookie } });
    expect(disable.statusCode, disable.body).not.toBe(403);
  });
});
