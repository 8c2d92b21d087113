// What the log says about requests, and what it never says: passwords, cookies, session tokens,
// coupon codes (in bodies, in objects, in URLs).
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { generateCouponCode } from '../../../domain/shared/couponCode';
import { loggerOptions, maskUrl } from '../../../server/logger';
import { PASSWORD, addUser, login, startApp, type TestApp } from './support';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const t of apps.splice(0)) await t.close();
});

function capture() {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(line) } };
}

describe('request logs', () => {
  it('log every request with its id and, once logged in, the user id; never a password, cookie, token or coupon code', async () => {
    const { lines, stream } = capture();
    const t = await startApp({ logger: { ...loggerOptions('info'), stream } });
    apps.push(t);
    const id = await addUser(t.store, 'maria', ['operator']);
    const cookie = await login(t.app, 'maria');
    const token = cookie.split('=')[1]!;
    const code = generateCouponCode(randomBytes);
    const plain = code.replace(/-/g, '');

    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie, authorization: 'Bearer abc.def.ghi' } });
    // The coupon check (GET, public; until the sales routes exist the request ends in a 404) and
    // a POST to the same URL (always the 404 handler, logged at info).
    for (const method of ['GET', 'POST'] as const) {
      await t.app.inject({ method, url: `/api/public/coupons/${code}/status` });
      await t.app.inject({ method, url: `/api/public/coupons/${plain.toLowerCase()}/status?x=1` });
    }
    await t.app.inject({ method: 'POST', url: `/api/public/coupons/not-a-code/status` });
    await t.app.inject({ method: 'GET', url: `/api/staff-users?filter=${encodeURIComponent(JSON.stringify({ q: code }))}`, headers: { cookie } });
    await t.app.inject({ method: 'GET', url: `/health?code=${plain}&token=${token}` });
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'maria', password: 'wrong password typed' } });
    // A password typed in the username field: an unknown username is not logged.
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'MyS3cretPassw0rd', password: 'x' } });
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie },
      payload: { currentPassword: PASSWORD, newPassword: 'the next secret phrase' },
    });
    // Whatever a handler might log by mistake.
    t.app.log.info({ password: PASSWORD, pin: '12345678', couponCode: code, user: { passwordHash: 'scrypt$x', token } }, 'oops');
    t.app.log.info({ req: { headers: { cookie, authorization: 'Bearer abc.def.ghi' } } }, 'headers');

    const text = lines.join('');
    for (const secret of ['MyS3cretPassw0rd', 'mys3cretpassw0rd', PASSWORD, 'wrong password typed', 'the next secret phrase', token, 'abc.def.ghi', code, plain, plain.toLowerCase(), '12345678', 'scrypt$']) {
      expect(text, secret).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
    expect(text).toContain(`****-****-****-****-${code.slice(-4)}`);

    const records = lines.map((l) => JSON.parse(l) as Record<string, any>);
    const incoming = records.filter((r) => r.msg === 'incoming request');
    expect(incoming.length).toBeGreaterThanOrEqual(9);
    expect(incoming.map((r) => r.req.url)).toContain(`/api/public/coupons/****-****-****-****-${code.slice(-4)}/status`);
    expect(incoming.map((r) => r.req.url)).toContain('/api/public/coupons/[redacted]/status');
    for (const r of incoming) expect(r.reqId).toMatch(/^[0-9a-f-]{36}$/);
    const meRequestId = me.headers['x-request-id'];
    const completed = records.find((r) => r.msg === 'request completed' && r.reqId === meRequestId);
    expect(completed).toMatchObject({ userId: id, res: { statusCode: 200 } });
    expect(records.find((r) => r.msg === 'login failed')).toMatchObject({ userId: id, username: 'maria' });
  });
});

describe('masking', () => {
  it('masks coupon codes in URLs, wherever they are, and secret-named query values', () => {
    expect(maskUrl('/api/public/coupons/K7Q2-9XMD-4HRT-0ZBW-J8NC/status')).toBe('/api/public/coupons/****-****-****-****-J8NC/status');
    expect(maskUrl('/api/public/coupons/k7q29xmd4hrt0zbwj8nc/status')).toBe('/api/public/coupons/****-****-****-****-J8NC/status');
    expect(maskUrl('/api/public/coupons/K7Q2%209XMD/status')).toBe('/api/public/coupons/[redacted]/status');
    // The coupon list and the check page carry codes: their query keeps only its keys.
    expect(maskUrl('/api/coupons?filter=%7B%22code%22%3A%22K7Q2-9XMD-4HRT-0ZBW-J8NC%22%7D&range=%5B0%2C24%5D')).toBe('/api/coupons?filter=[redacted]&range=[redacted]');
    expect(maskUrl('/x?token=abc&page=2&PIN=1234')).toBe('/x?token=[redacted]&page=2&PIN=[redacted]');
    // The public check page: a mistyped code is half a secret too.
    expect(maskUrl('/verifica-coupon?codice=K7Q2-9XMD-4HRT-0ZBW-J8NX')).toBe('/verifica-coupon?codice=[redacted]');
    // Elsewhere, decoded first: a code typed with spaces, Unicode dashes or in lower case, in JSON
    // or not, percent-encoded once or twice, takes its whole value with it.
    const code = generateCouponCode(randomBytes);
    const spaced = code.toLowerCase().replace(/-/g, ' ');
    expect(maskUrl(`/api/orders?filter=${encodeURIComponent(JSON.stringify({ q: spaced }))}&range=%5B0%2C24%5D`)).toBe('/api/orders?filter=[redacted]&range=%5B0%2C24%5D');
    expect(maskUrl(`/api/customers?filter=${encodeURIComponent(encodeURIComponent(JSON.stringify({ q: code.replace(/-/g, '\u2013') })))}`)).toBe('/api/customers?filter=[redacted]');
    expect(maskUrl(`/api/orders?q=${spaced.replace(/ /g, '+')}`)).toBe('/api/orders?q=[redacted]');
    expect(maskUrl(`/api/nope/${encodeURIComponent(spaced)}/x`)).toBe(`/api/nope/****-****-****-****-${code.slice(-4)}/x`);
    // A search that holds no code, and ids, are left alone.
    expect(maskUrl('/api/customers?filter=%7B%22q%22%3A%22mario%20rossi%22%7D')).toBe('/api/customers?filter=%7B%22q%22%3A%22mario%20rossi%22%7D');
    for (let i = 0; i < 50; i++) {
      const id = crypto.randomUUID();
      expect(maskUrl(`/api/orders/${id}/desk-payment?filter=${encodeURIComponent(JSON.stringify({ id: [id] }))}`)).toBe(`/api/orders/${id}/desk-payment?filter=${encodeURIComponent(JSON.stringify({ id: [id] }))}`);
    }
    // Ids are left alone.
    expect(maskUrl('/api/staff-users/7d0f4a52-5d0c-4d8e-9f1e-0a8a4b1c2d3e')).toBe('/api/staff-users/7d0f4a52-5d0c-4d8e-9f1e-0a8a4b1c2d3e');
  });

  it('redacts secrets in any logged object', () => {
    const { lines, stream } = capture();
    const log = pino(loggerOptions('info'), stream);
    log.info({ password: 'p1', body: { newPassword: 'p2', currentPassword: 'p3', pin: 'p4' }, a: { b: { couponCode: 'p5' } }, token: 'p6' });
    const text = lines.join('');
    for (const s of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6']) expect(text).not.toContain(`"${s}"`);
  });
});
