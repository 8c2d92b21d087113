// The desk server's own rules, whatever is behind it: it answers its own page only (Host, Origin,
// Sec-Fetch-Site), sends no-cache and security headers, refuses bad bodies naming the field, maps
// the kiosk's errors to 4xx/5xx without a 500 for a user's fault, and never logs the PIN.
// The ports behind it are a scripted stand-in here (what it answers is not under test); the
// renewal with the real token, CA and back office is test/kiosk/desk/api.test.ts.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildDeskServer } from '../../../kiosk/desk/server';
import { createKioskLogger } from '../../../kiosk/logging';
import { KioskError, type BackOfficeSession, type DeskRenewal, type KioskRenewals } from '../../../kiosk/renewal/port';
import type { TokenPort } from '../../../kiosk/token/port';

const PORT = 3100;
const ORIGIN = `http://127.0.0.1:${PORT}`;
// Letters in it: a run of digits could turn up inside a logged time by chance.
const PIN = 'Pn73915604';
const RENEWAL_ID = '0196a7a0-0000-7000-8000-000000000001';

const renewal: DeskRenewal = {
  renewalId: RENEWAL_ID,
  deviceSerial: 'DEMO0001',
  state: 'completed',
  certificates: ['signing'],
  reached: { signing: 'verified' },
  failure: null,
  issued: { signing: { serialNumber: 'AB', validFrom: '2026-11-24T09:00:00Z', validUntil: '2029-11-24T09:00:00Z' } },
};

function logSink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter((l) => l.length > 0));
      done();
    },
  });
  return { lines, stream };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function desk(run: KioskRenewals['run'] = async () => renewal) {
  const sink = logSink();
  const backOffice: BackOfficeSession = {
    login: async (username) => ({ username, displayName: 'Operatrice', roles: ['operator'] }),
    logout: async () => undefined,
    operator: async () => null,
  };
  const renewals: KioskRenewals = {
    inspect: async () => {
      throw new KioskError('token_absent', 'no token with this serial');
    },
    start: async () => renewal,
    run,
    abandon: async () => renewal,
    receipt: async () => Buffer.from('%PDF-1.7\n'),
  };
  const tokens = { listTokens: async () => [] } as unknown as TokenPort;
  app = await buildDeskServer({ backOffice, renewals, tokens, logger: createKioskLogger({ level: 'debug' }, sink.stream), backOfficeUrl: 'http://127.0.0.1:3000', port: PORT });
  return { app, logs: sink.lines };
}

const own = { host: `127.0.0.1:${PORT}`, origin: ORIGIN, 'content-type': 'application/json' };

describe('the desk answers its own page only', () => {
  it('serves the page on its own Host, with no-store and a strict Content-Security-Policy', async () => {
    const { app } = await desk();
    const page = await app.inject({ method: 'GET', url: '/', headers: { host: `127.0.0.1:${PORT}` } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Inserire la carta nel lettore');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(page.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const script = await app.inject({ method: 'GET', url: '/desk.js', headers: { host: `localhost:${PORT}` } });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
  });

  it('refuses another Host (DNS rebinding) and a page of another origin', async () => {
    const { app } = await desk();
    const rebound = await app.inject({ method: 'GET', url: '/api/tokens', headers: { host: `evil.example:${PORT}` } });
    expect(rebound.statusCode).toBe(403);
    expect(rebound.json().code).toBe('foreign_origin');
    const foreign = await app.inject({
      method: 'POST',
      url: '/api/operator/login',
      headers: { ...own, origin: 'http://evil.example' },
      payload: { username: 'op', password: 'secret' },
    });
    expect(foreign.statusCode).toBe(403);
    const otherPort = await app.inject({ method: 'GET', url: '/api/tokens', headers: { host: `127.0.0.1:${PORT}`, origin: 'http://127.0.0.1:3000' } });
    expect(otherPort.statusCode).toBe(403);
    const crossSite = await app.inject({ method: 'GET', url: '/api/tokens', headers: { host: `127.0.0.1:${PORT}`, 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.statusCode).toBe(403);
  });

  it('refuses a command without an Origin, and a text/plain body (a form of another site)', async () => {
    const { app } = await desk();
    const noOrigin = await app.inject({ method: 'POST', url: '/api/operator/logout', headers: { host: `127.0.0.1:${PORT}`, 'content-type': 'application/json' }, payload: {} });
    expect(noOrigin.statusCode).toBe(403);
    const plain = await app.inject({
      method: 'POST',
      url: `/api/renewals/${RENEWAL_ID}/run`,
      headers: { ...own, 'content-type': 'text/plain' },
      payload: JSON.stringify({ tokenSerial: 'DEMO0001', pin: PIN }),
    });
    expect(plain.statusCode).toBe(415);
  });

  it('answers its own page', async () => {
    const { app } = await desk();
    const tokens = await app.inject({ method: 'GET', url: '/api/tokens', headers: { host: `localhost:${PORT}`, 'sec-fetch-site': 'same-origin' } });
    expect(tokens.statusCode).toBe(200);
    expect(tokens.json()).toEqual({ tokens: [] });
  });
});

describe('bodies and refusals', () => {
  it('names the field and the rule, in Italian and English', async () => {
    const { app } = await desk();
    const short = await app.inject({ method: 'POST', url: `/api/renewals/${RENEWAL_ID}/run`, headers: own, payload: { tokenSerial: 'DEMO0001', pin: '12' } });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toEqual({ code: 'invalid_body', message: 'PIN: deve avere da 4 a 64 caratteri (pin: must be 4 to 64 characters)' });
    const payment = await app.inject({
      method: 'POST',
      url: '/api/cards/DEMO0001/renewals',
      headers: own,
      payload: { certificates: ['signing'], payment: { mode: 'desk_sale', method: 'cheque' } },
    });
    expect(payment.statusCode).toBe(400);
    expect(payment.json().message).toContain('metodo: "card" (carta) o "cash" (contanti)');
    const kinds = await app.inject({ method: 'POST', url: '/api/cards/DEMO0001/renewals', headers: own, payload: { certificates: [], payment: { mode: 'pay_after' } } });
    expect(kinds.json().message).toBe('certificati: sceglierne almeno uno (certificates: choose at least one)');
    const extra = await app.inject({ method: 'POST', url: '/api/operator/login', headers: own, payload: { username: 'a', password: 'b', remember: true } });
    expect(extra.json().message).toContain('remember');
    const notJson = await app.inject({ method: 'POST', url: '/api/operator/login', headers: own, payload: `{"username":"a","password":"${PIN}` });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.body).not.toContain(PIN);
  });

  it("maps the kiosk's errors: a wrong PIN is 422 with the PIN's state, the CA down 503, a coupon held 409", async () => {
    const errors = [
      new KioskError('pin_incorrect', 'wrong PIN', { pin: 'count_low', renewalId: RENEWAL_ID }),
      new KioskError('pin_locked', 'PIN locked', { pin: 'locked' }),
      new KioskError('ca_unreachable', 'the CA did not answer', { renewalId: RENEWAL_ID }),
      new KioskError('back_office_refused', 'coupon held by a renewal in progress', { status: 409, backOfficeCode: 'coupon_reserved' }),
      new KioskError('back_office_refused', 'internal error', { status: 500 }),
    ];
    let next = 0;
    const { app } = await desk(async () => {
      throw errors[next++]!;
    });
    const answers = [];
    for (let i = 0; i < errors.length; i++) {
      const r = await app.inject({ method: 'POST', url: `/api/renewals/${RENEWAL_ID}/run`, headers: own, payload: { tokenSerial: 'DEMO0001', pin: PIN } });
      answers.push({ status: r.statusCode, ...r.json() });
    }
    expect(answers).toEqual([
      { status: 422, code: 'pin_incorrect', message: 'wrong PIN', pin: 'count_low', renewalId: RENEWAL_ID },
      { status: 423, code: 'pin_locked', message: 'PIN locked', pin: 'locked' },
      { status: 503, code: 'ca_unreachable', message: 'the CA did not answer', renewalId: RENEWAL_ID },
      { status: 409, code: 'back_office_refused', message: 'coupon held by a renewal in progress', backOfficeCode: 'coupon_reserved' },
      { status: 502, code: 'back_office_refused', message: 'internal error' },
    ]);
  });

  it('refuses a second run of the same renewal while the first is going, and shows the steps meanwhile', async () => {
    let release!: () => void;
    const { app } = await desk(async (_id, _serial, _pin, onProgress) => {
      onProgress?.({ certificateKind: 'signing', step: 'keys_generated', at: '2026-11-24T09:00:01Z' });
      await new Promise<void>((r) => (release = r));
      return renewal;
    });
    const first = app.inject({ method: 'POST', url: `/api/renewals/${RENEWAL_ID}/run`, headers: own, payload: { tokenSerial: 'DEMO0001', pin: PIN } });
    await new Promise((r) => setTimeout(r, 50));
    const progress = await app.inject({ method: 'GET', url: `/api/renewals/${RENEWAL_ID}/progress`, headers: own });
    expect(progress.json()).toEqual({ running: true, steps: [{ certificateKind: 'signing', step: 'keys_generated', at: '2026-11-24T09:00:01Z' }], errorCode: null });
    const second = await app.inject({ method: 'POST', url: `/api/renewals/${RENEWAL_ID}/run`, headers: own, payload: { tokenSerial: 'DEMO0001', pin: PIN } });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('run_in_progress');
    release();
    expect((await first).json().state).toBe('completed');
    expect((await app.inject({ method: 'GET', url: `/api/renewals/${RENEWAL_ID}/progress`, headers: own })).json().running).toBe(false);
  });

  it('serves the receipt inline as a PDF', async () => {
    const { app } = await desk();
    const pdf = await app.inject({ method: 'GET', url: `/api/renewals/${RENEWAL_ID}/receipt`, headers: { host: `127.0.0.1:${PORT}` } });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^inline; filename="ricevuta-rinnovo-/);
    expect(pdf.headers['cache-control']).toBe('no-store');
  });
});

describe('the log', () => {
  it('never holds the PIN or the password, whatever the request', async () => {
    const { app, logs } = await desk(async () => {
      throw new KioskError('pin_incorrect', 'wrong PIN', { pin: 'ok' });
    });
    await app.inject({ method: 'POST', url: '/api/operator/login', headers: own, payload: { username: 'op', password: `pw-${PIN}` } });
    await app.inject({ method: 'POST', url: `/api/renewals/${RENEWAL_ID}/run`, headers: own, payload: { tokenSerial: 'DEMO0001', pin: PIN } });
    await app.inject({ method: 'POST', url: `/api/renewals/${RENEWAL_ID}/run`, headers: own, payload: { tokenSerial: 'DEMO0001', pin: `${PIN}\u0001` } });
    await app.inject({ method: 'POST', url: `/api/renewals/${RENEWAL_ID}/run`, headers: own, payload: `{"pin":"${PIN}"` });
    await app.inject({ method: 'POST', url: `/api/renewals/${RENEWAL_ID}/run`, headers: { ...own, origin: 'http://evil.example' }, payload: { tokenSerial: 'X', pin: PIN } });
    expect(logs.length).toBeGreaterThan(5);
    expect(logs.filter((l) => l.includes(PIN))).toEqual([]);
  });

  it('redacts a PIN, a password, coupon codes and cookies that reach a logged object', () => {
    const sink = logSink();
    const logger = createKioskLogger({ level: 'info' }, sink.stream);
    logger.info({ pin: PIN, body: { pin: PIN, password: 'pw' }, payment: { coupons: ['ABCD-EFGH'] }, req: { headers: { cookie: 'sid=1' } } }, 'x');
    expect(sink.lines.join('\n')).not.toMatch(new RegExp(`${PIN}|pw"|ABCD-EFGH|sid=1`));
  });
});
