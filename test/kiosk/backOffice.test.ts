// The kiosk's client of the back office, against the real app over HTTP: the operator's session
// (a cookie kept in memory), the server's refusals passed on with its code and message, a server
// that cannot be reached, and a command whose answer was lost sent again as the same command.
import { afterEach, describe, expect, it } from 'vitest';
import { createBackOffice } from '../../kiosk/backOffice';
import { KioskError } from '../../kiosk/renewal/port';
import { addGuideProducts, MARIO_CF, PASSWORD, registerCard, registerPerson, startApi, streamTypes, type ApiWorld } from '../server/api/support';

let world: ApiWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const kioskError = async (promise: Promise<unknown>): Promise<KioskError> => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KioskError);
  return error as KioskError;
};

describe('the back office as the kiosk reaches it', () => {
  it("logs the operator in with their own credentials, keeps the session, and ends it; a wrong password or no session is not_logged_in", async () => {
    world = await startApi({ noSmtp: true });
    const bo = createBackOffice({ baseUrl: world.baseUrl });
    expect(await bo.operator()).toBeNull();
    expect(await kioskError(bo.device('1205100001'))).toMatchObject({ code: 'not_logged_in', details: { status: 401 } });

    const wrong = await kioskError(bo.login('operatore', 'not the password'));
    expect(wrong).toMatchObject({ code: 'not_logged_in', message: 'wrong username or password', details: { status: 401, backOfficeCode: 'credentials_invalid' } });

    expect(await bo.login('operatore', PASSWORD)).toEqual({ username: 'operatore', displayName: expect.any(String), roles: ['operator'] });
    expect(await bo.operator()).toMatchObject({ username: 'operatore' });
    expect(await bo.device('1205100001')).toBeNull();

    await bo.logout();
    expect(await bo.operator()).toBeNull();
    expect(await kioskError(bo.renewalsOfDevice('1205100001'))).toMatchObject({ code: 'not_logged_in' });
  });

  it("passes the server's refusal on with its status, code and message; a server that does not answer is back_office_unreachable", async () => {
    world = await startApi({ noSmtp: true });
    const bo = createBackOffice({ baseUrl: world.baseUrl });
    await bo.login('operatore', PASSWORD);
    expect((await registerCard(world, '1205100001', MARIO_CF, 20)).status).toBe(201);
    const refused = await kioskError(
      bo.startRenewal({ deviceSerial: '1205100001', certificates: ['signing', 'authentication'], payment: { mode: 'coupons', coupons: ['0000-0000-0000-0000-0000'] } }, 'k-1'),
    );
    expect(refused.code).toBe('back_office_refused');
    expect(refused.details.status).toBeGreaterThanOrEqual(400);
    expect(refused.details.backOfficeCode).toMatch(/^coupon_/);
    expect(refused.message.length).toBeGreaterThan(5);

    const gone = createBackOffice({ baseUrl: 'http://127.0.0.1:9', attempts: 2 });
    expect(await kioskError(gone.login('operatore', PASSWORD))).toMatchObject({ code: 'back_office_unreachable' });
  });

  it('sends a command again with the same Idempotency-Key when its answer was lost: one renewal', async () => {
    world = await startApi({ noSmtp: true });
    const w = world;
    await addGuideProducts(w);
    const customerId = await registerPerson(w);
    expect((await registerCard(w, '1205100002', MARIO_CF, 10)).status).toBe(201);
    let sent = 0;
    const losingFetch: typeof fetch = async (input, init) => {
      const answer = await fetch(input, init);
      // The first start reaches the server, but its answer never comes back.
      if (String(input).endsWith('/api/renewals') && init?.method === 'POST' && sent++ === 0) throw new TypeError('fetch failed: socket hang up');
      return answer;
    };
    const bo = createBackOffice({ baseUrl: w.baseUrl, fetch: losingFetch });
    await bo.login('operatore', PASSWORD);
    const answer = await bo.startRenewal({ deviceSerial: '1205100002', certificates: ['signing', 'authentication'], payment: { mode: 'pay_after', customerId } }, 'kiosk-start-x');
    expect(sent).toBe(2);
    const renewals = await bo.renewalsOfDevice('1205100002');
    expect(renewals.map((r) => r.id)).toEqual([answer.id]);
    expect(await streamTypes(w.store, `renewal-${answer.id}`)).toEqual(['RenewalStarted']);
  });
});
