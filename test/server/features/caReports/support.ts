// A back office for the CA report tests: the real app (test/support/app.ts) on the store given
// (SQLite by default, or the EventStoreDB test server), CA_WEBHOOK_SECRET set, staff logged in,
// a card registered and coupons issued straight through the deciders (as a fulfilment would).
import { randomBytes, randomUUID } from 'node:crypto';
import type { EventStore } from '../../../../events/port';
import type { CommandContext } from '../../../../events/eventCatalogue';
import { claimCouponCode, couponCodeAggregate, couponCodeStreamOf } from '../../../../domain/coupons/codeClaim';
import { couponAggregate, issueCoupon, streamOf as couponStream } from '../../../../domain/coupons/decider';
import { generateCouponCode } from '../../../../domain/shared/couponCode';
import type { CouponRenews } from '../../../../domain/orders/events';
import { handleCommand } from '../../../../server/commands/handle';
import { registerDevice } from '../../../../server/features/devices/service';
import { signCaReport } from '../../../../server/features/caReports/signature';
import { startTestApp, type TestApp, type TestAppOptions } from '../../../support/app';
import { addUser, login } from '../../security/support';

export const SECRET = 'a-secret-shared-with-the-ca-0123456789abcdef';
export const MARIO_CF = 'RSSMRA80A01H501U';
export const NOW = '2026-11-24T09:00:00.000Z';
export const DAY = 86_400_000;

const desk: CommandContext = { actor: { userId: 'op-1', role: 'operator' }, at: NOW, correlationId: '11111111-1111-4111-8111-111111111111', causationId: null };

export interface CaWorld extends TestApp {
  cookies: { accountant: string; operator: string; supervisor: string };
  /** Sends a report to the webhook, signed with `secret` at `timestamp` (default: the app's clock). */
  webhook(body: unknown, options?: { secret?: string; timestamp?: number; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; json: any; headers: Record<string, unknown> }>;
  upload(who: 'accountant' | 'operator' | 'supervisor', csv: string, reportId?: string): Promise<{ status: number; json: any; headers: Record<string, unknown> }>;
  get(path: string): Promise<{ status: number; json: any }>;
  card(serial: string, expiresInDays?: number): Promise<void>;
  coupon(renews: CouponRenews, validForDays?: number): Promise<{ couponId: string; code: string }>;
}

export async function startCaWorld(options: { store?: EventStore; secret?: string | null; logger?: TestAppOptions['logger'] } = {}): Promise<CaWorld> {
  const secret = options.secret === undefined ? SECRET : options.secret;
  const t = await startTestApp({
    prefix: 'bo-ca-',
    start: NOW,
    ...(options.store ? { store: options.store } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    sales: { reactors: false, settings: { caWebhookSecret: secret } },
  });
  await addUser(t.store, 'contabile', ['accountant']);
  await addUser(t.store, 'operatore', ['operator']);
  await addUser(t.store, 'supervisore', ['supervisor']);
  const cookies = { accountant: await login(t.app, 'contabile'), operator: await login(t.app, 'operatore'), supervisor: await login(t.app, 'supervisore') };
  const deps = t.app.sales;
  const answer = (r: { statusCode: number; body: string; headers: Record<string, unknown> }) => ({
    status: r.statusCode,
    json: r.body ? JSON.parse(r.body) : null,
    headers: r.headers,
  });
  return {
    ...t,
    cookies,
    async webhook(body, o = {}) {
      const raw = o.raw ?? JSON.stringify(body);
      const timestamp = String(o.timestamp ?? Math.floor(t.clock.now().getTime() / 1000));
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/ca-reports',
        payload: raw,
        headers: { 'content-type': 'application/json', 'x-ca-timestamp': timestamp, 'x-ca-signature': signCaReport(o.secret ?? SECRET, timestamp, raw), ...o.headers },
      });
      return answer(r);
    },
    async upload(who, csv, reportId) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/ca-reports/upload',
        payload: reportId ? { csv, reportId } : { csv },
        headers: { cookie: cookies[who], 'idempotency-key': randomUUID() },
      });
      return answer(r);
    },
    async get(path) {
      const r = await t.app.inject({ method: 'GET', url: path, headers: { cookie: cookies.accountant } });
      return { status: r.statusCode, json: r.body ? JSON.parse(r.body) : null };
    },
    async card(serial, expiresInDays = 20) {
      const now = t.clock.now().getTime();
      const until = new Date(now + expiresInDays * DAY).toISOString();
      const from = new Date(now - 3 * 365 * DAY).toISOString();
      await registerDevice(
        deps,
        {
          serial,
          kind: 'smart_card',
          issuer: 'Camera di Commercio di Roma',
          issuedOn: from.slice(0, 10),
          holderCodiceFiscale: MARIO_CF,
          certificates: [
            { kind: 'signing', serialNumber: `S${serial}`, validFrom: from, validUntil: until },
            { kind: 'authentication', serialNumber: `A${serial}`, validFrom: from, validUntil: until },
          ],
        },
        desk,
      );
    },
    async coupon(renews, validForDays = 365) {
      const couponId = randomUUID();
      const code = generateCouponCode((n) => randomBytes(n));
      const at = t.clock.now().toISOString();
      await handleCommand(deps, couponCodeStreamOf(code), couponCodeAggregate, (s) => claimCouponCode({ code, couponId, at }, s), desk);
      const validUntil = new Date(t.clock.now().getTime() + validForDays * DAY).toISOString();
      await handleCommand(
        deps,
        couponStream(couponId),
        couponAggregate,
        (s) => issueCoupon({ couponId, code, orderId: randomUUID(), customerId: randomUUID(), productCode: 'RIN-FIRMA', renews, validUntil, at }, s),
        desk,
      );
      return { couponId, code };
    },
  };
}

/** A webhook line renewing the `kind` certificate of `serial` with coupon `code`. */
export function reportLine(code: string, serial: string, kind: string, over: Record<string, unknown> = {}) {
  return {
    couponCode: code,
    deviceSerial: serial,
    certificateKind: kind,
    newCertificate: { serialNumber: `N${kind[0]}${serial}`, validFrom: '2026-11-23T10:00:00Z', validUntil: '2029-11-23T10:00:00Z' },
    redeemedAt: '2026-11-23T10:00:00Z',
    ...over,
  };
}
