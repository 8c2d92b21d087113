// The back office as the kiosk reaches it: its HTTP API, with the operator's own session (the
// cookie the login sets, kept in this process's memory only, sent back on every request; the
// kiosk holds no shared secret). No Origin header is sent: the server's cross-site check lets
// non-browser clients through (server/security/sameOrigin.ts), and the cookie is ours.
//
// Every command carries an Idempotency-Key chosen by the caller so that a retry after a lost
// answer is the same command: the server answers it again and appends nothing. A request that got
// no answer (network down, server restarting) is retried here a few times with the same key.
//
// The server's refusals ({code, message}) become KioskError back_office_refused with its status,
// code and message; 401 is not_logged_in; no answer (or a 5xx: the command was not completed) is
// back_office_unreachable.
import type { DeviceCertificateKind } from '../domain/devices/events';
import type { RenewalStep } from '../domain/renewals/events';
import type { RenewalState } from '../domain/renewals/decider';
import { KioskError, type BackOfficeSession, type Operator } from './renewal/port';

export interface BackOfficeOptions {
  /** The back office's base URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** The fetch to use (tests record what is sent); default the global one. */
  fetch?: typeof fetch;
  /** How long one request may take before it counts as unanswered (default 15 s). */
  timeoutMs?: number;
  /** Attempts for a request that got no answer (default 3). */
  attempts?: number;
}

/** A device as GET /api/devices/:serial answers it (the fields the kiosk reads). */
export interface DeviceRow {
  serial: string;
  kind: 'smart_card' | 'usb_token';
  issuer: string;
  issuedOn: string;
  holderCodiceFiscale: string;
  deviceStatus: string;
  policyId: string;
  signingSerialNumber: string | null;
  signingValidFrom: string | null;
  signingValidUntil: string | null;
  signingStatus: string | null;
  authenticationSerialNumber: string | null;
  authenticationValidFrom: string | null;
  authenticationValidUntil: string | null;
  authenticationStatus: string | null;
}

export interface CustomerRow {
  id: string;
  kind: 'person' | 'firm';
  fullName: string;
  codiceFiscale: string | null;
}

/** GET /api/issuer-policies/:id. */
export interface IssuerPolicyRow {
  issuerId: string;
  issuerName: string;
  renewalOpensDaysBefore: number;
  graceHours: number;
  validityYears: number;
  payAfterOffered: boolean;
  payAfterDeviceKinds: Array<'smart_card' | 'usb_token'>;
  payAfterIssuedFrom: string | null;
  payAfterFeeCents: number;
  payAfterVatRateBp: number;
}

export interface RenewalTimelineEntry {
  at: string;
  what: 'started' | 'step' | 'failed' | 'resumed' | 'completed' | 'abandoned' | 'fee_ordered' | 'fee_paid';
  certificateKind?: DeviceCertificateKind | null;
  step?: RenewalStep | null;
  detail?: string | null;
}

/** A renewal as the read API serves it (GET /api/renewals, /api/renewals/:id). */
export interface RenewalRow {
  id: string;
  state: RenewalState;
  deviceSerial: string;
  holderCodiceFiscale: string;
  customerId: string | null;
  issuerId: string;
  certificates: DeviceCertificateKind[];
  paymentMode: 'coupons' | 'pay_after' | 'desk_sale';
  couponIds: string[] | null;
  feeCents: number | null;
  feeVatRateBp: number | null;
  deskOrderId: string | null;
  channel: 'desk' | 'kiosk';
  startedBy: string;
  startedAt: string;
  completedAt: string | null;
  failureReason: string | null;
  failedStep: RenewalStep | null;
  failedCertificate: DeviceCertificateKind | null;
  newCertificates: Array<{ kind: DeviceCertificateKind; serialNumber: string; validFrom: string; validUntil: string }> | null;
  timeline: RenewalTimelineEntry[];
}

/** What the renewal commands answer: the renewal as its decider folds it. */
export interface RenewalAnswer {
  id: string;
  renewal: {
    status: RenewalState;
    renewalId: string;
    deviceSerial: string;
    certificates: DeviceCertificateKind[];
    reached: Partial<Record<DeviceCertificateKind, RenewalStep>>;
    issued: Partial<Record<DeviceCertificateKind, { serialNumber: string; validFrom: string; validUntil: string }>>;
    failure: { certificateKind: DeviceCertificateKind | null; stepReached: RenewalStep | null; reason: string } | null;
  };
}

export interface StartRenewalBody {
  deviceSerial: string;
  certificates: DeviceCertificateKind[];
  partialReason?: string | null;
  payment: { mode: 'coupons'; coupons: string[] } | { mode: 'pay_after'; customerId: string } | { mode: 'desk_sale'; orderId: string };
}

export interface StepBody {
  certificateKind: DeviceCertificateKind;
  step: RenewalStep;
  certificate?: { serialNumber: string; validFrom: string; validUntil: string } | null;
}

export interface PlacedOrder {
  orderId: string;
  status: string;
  totalCents: number;
  receivedCents: number;
}

export interface BackOffice extends BackOfficeSession {
  device(serial: string): Promise<DeviceRow | null>;
  customerByCodiceFiscale(codiceFiscale: string): Promise<CustomerRow | null>;
  issuerPolicy(policyId: string): Promise<IssuerPolicyRow | null>;
  renewal(renewalId: string): Promise<RenewalRow | null>;
  /** The device's renewals, newest first. */
  renewalsOfDevice(deviceSerial: string): Promise<RenewalRow[]>;
  startRenewal(body: StartRenewalBody, idempotencyKey: string): Promise<RenewalAnswer>;
  recordStep(renewalId: string, body: StepBody, idempotencyKey: string): Promise<RenewalAnswer>;
  failRenewal(renewalId: string, body: { certificateKind: DeviceCertificateKind | null; reason: string }, idempotencyKey: string): Promise<RenewalAnswer>;
  resumeRenewal(renewalId: string, idempotencyKey: string): Promise<RenewalAnswer>;
  completeRenewal(renewalId: string, idempotencyKey: string): Promise<RenewalAnswer>;
  abandonRenewal(renewalId: string, reason: string, idempotencyKey: string): Promise<RenewalAnswer>;
  /** A guided order (both certificates of the device) for the customer, to be paid at the desk. */
  placeDeskOrder(order: { customerId: string; holderCodiceFiscale: string; deviceSerial: string; method: 'credit_card' | 'cash' }, idempotencyKey: string): Promise<PlacedOrder>;
  /** The device's orders still standing (awaiting payment, paid, fulfilled), newest first. */
  ordersOfDevice(deviceSerial: string): Promise<Array<{ id: string; status: string; customerId: string; totalCents: number; amountDueCents: number }>>;
  /** The coupons an order issued, with their state (issued: unused). */
  couponsOfOrder(orderId: string): Promise<Array<{ id: string; state: string }>>;
  /** GET /api/orders/:id: its status, total and when its coupons were issued (null: not yet). */
  order(orderId: string): Promise<{ id: string; status: string; totalCents: number; fulfilledAt: string | null } | null>;
  /** The device's timeline (GET /api/device-events), oldest first: its certificates renewed with their previous serials. */
  deviceEvents(deviceSerial: string): Promise<Array<{ type: string; certificateKind: string | null; serialNumber: string | null; previousSerialNumber: string | null }>>;
  /** Coupons by id, with their hint (never the code: the receipt and the log need no more). */
  coupons(couponIds: string[]): Promise<Array<{ id: string; codeHint: string; certificateKind: string | null; renews: string }>>;
  takeDeskPayment(orderId: string, payment: { method: 'credit_card' | 'cash'; amountCents: number }, idempotencyKey: string): Promise<{ orderStatus: string; amountDueCents: number }>;
}

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  idempotencyKey?: string;
  /** 404 answers null instead of a refusal. */
  absentIsNull?: boolean;
}

const SESSION_COOKIE = /^(__Host-)?bo_session$/;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createBackOffice(options: BackOfficeOptions): BackOffice {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const attempts = Math.max(1, options.attempts ?? 3);
  /** The session cookie (`name=value`), in memory only. */
  let cookie: string | null = null;

  function keepCookie(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      if (!SESSION_COOKIE.test(name)) continue;
      const value = pair.slice(eq + 1).trim();
      const cleared = value === '' || /;\s*max-age=0/i.test(line) || /;\s*expires=Thu, 01 Jan 1970/i.test(line);
      cookie = cleared ? null : `${name}=${value}`;
    }
  }

  async function send(call: Call): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (cookie) headers.cookie = cookie;
    if (call.idempotencyKey) headers['idempotency-key'] = call.idempotencyKey;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    // Only what may be sent twice is retried: reads, and commands under an Idempotency-Key.
    const retries = call.method === 'GET' || call.idempotencyKey ? attempts : 1;
    let lastError: unknown;
    for (let attempt = 1; attempt <= retries; attempt++) {
      let response: Response;
      try {
        response = await doFetch(`${baseUrl}${call.path}`, {
          method: call.method,
          headers,
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        lastError = error;
        if (attempt < retries) await pause(100 * attempt);
        continue;
      }
      keepCookie(response);
      const text = await response.text();
      let body: unknown = null;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        body = { message: text.slice(0, 200) };
      }
      // The same command still running (our first attempt, whose answer we lost): wait for it.
      if (response.status === 409 && (body as { code?: string })?.code === 'idempotency_key_in_flight' && attempt < retries) {
        await pause(200 * attempt);
        continue;
      }
      return { status: response.status, body };
    }
    throw new KioskError(
      'back_office_unreachable',
      `il gestionale non risponde (${call.method} ${call.path.split('?')[0]}): ${(lastError as Error)?.message ?? 'nessuna risposta'}`,
    );
  }

  async function request<T>(call: Call): Promise<T> {
    const { status, body } = await send(call);
    if (status >= 200 && status < 300) return body as T;
    const { code, message } = (body ?? {}) as { code?: string; message?: string };
    if (status === 404 && call.absentIsNull) return null as T;
    if (status === 401) {
      cookie = null;
      throw new KioskError('not_logged_in', message ?? 'accedi al gestionale', { status, ...(code ? { backOfficeCode: code } : {}) });
    }
    if (status >= 500) {
      throw new KioskError('back_office_unreachable', message ?? `il gestionale ha risposto ${status}`, { status, ...(code ? { backOfficeCode: code } : {}) });
    }
    throw new KioskError('back_office_refused', message ?? `il gestionale ha rifiutato (${status})`, { status, ...(code ? { backOfficeCode: code } : {}) });
  }

  const listQuery = (filter: object, sort?: [string, 'ASC' | 'DESC']) =>
    `filter=${encodeURIComponent(JSON.stringify(filter))}${sort ? `&sort=${encodeURIComponent(JSON.stringify(sort))}` : ''}`;
  const id = (value: string) => encodeURIComponent(value);
  const asOperator = (me: { username: string; displayName: string; roles: string[] }): Operator => ({
    username: me.username,
    displayName: me.displayName,
    roles: me.roles,
  });

  return {
    async login(username, password) {
      cookie = null;
      const me = await request<{ username: string; displayName: string; roles: string[] }>({
        method: 'POST',
        path: '/api/auth/login',
        body: { username, password },
      });
      if (!cookie) throw new KioskError('not_logged_in', 'il gestionale non ha aperto una sessione');
      return asOperator(me);
    },
    async logout() {
      if (!cookie) return;
      try {
        await request({ method: 'POST', path: '/api/auth/logout' });
      } catch (error) {
        if (!(error instanceof KioskError && error.code === 'not_logged_in')) throw error;
      } finally {
        cookie = null;
      }
    },
    async operator() {
      if (!cookie) return null;
      try {
        return asOperator(await request({ method: 'GET', path: '/api/auth/me' }));
      } catch (error) {
        if (error instanceof KioskError && error.code === 'not_logged_in') return null;
        throw error;
      }
    },
    device: (serial) => request({ method: 'GET', path: `/api/devices/${id(serial)}`, absentIsNull: true }),
    async customerByCodiceFiscale(codiceFiscale) {
      const rows = await request<CustomerRow[]>({ method: 'GET', path: `/api/customers?${listQuery({ codiceFiscale })}` });
      return rows[0] ?? null;
    },
    issuerPolicy: (policyId) => request({ method: 'GET', path: `/api/issuer-policies/${id(policyId)}`, absentIsNull: true }),
    renewal: (renewalId) => request({ method: 'GET', path: `/api/renewals/${id(renewalId)}`, absentIsNull: true }),
    renewalsOfDevice: (deviceSerial) => request({ method: 'GET', path: `/api/renewals?${listQuery({ deviceSerial }, ['startedAt', 'DESC'])}` }),
    startRenewal: (body, idempotencyKey) =>
      request({ method: 'POST', path: '/api/renewals', body: { ...body, channel: 'kiosk' }, idempotencyKey }),
    recordStep: (renewalId, body, idempotencyKey) => request({ method: 'POST', path: `/api/renewals/${id(renewalId)}/steps`, body, idempotencyKey }),
    failRenewal: (renewalId, body, idempotencyKey) => request({ method: 'POST', path: `/api/renewals/${id(renewalId)}/fail`, body, idempotencyKey }),
    resumeRenewal: (renewalId, idempotencyKey) => request({ method: 'POST', path: `/api/renewals/${id(renewalId)}/resume`, idempotencyKey }),
    completeRenewal: (renewalId, idempotencyKey) => request({ method: 'POST', path: `/api/renewals/${id(renewalId)}/complete`, idempotencyKey }),
    abandonRenewal: (renewalId, reason, idempotencyKey) =>
      request({ method: 'POST', path: `/api/renewals/${id(renewalId)}/abandon`, body: { reason }, idempotencyKey }),
    async placeDeskOrder(order, idempotencyKey) {
      // Placed as a direct payment (card or cash), then paid at once at the desk (takeDeskPayment).
      const placed = await request<{ id: string; order: { status: string; totals: { totalCents: number }; receivedCents: number } }>({
        method: 'POST',
        path: '/api/orders',
        body: {
          customerId: order.customerId,
          guided: { holderCodiceFiscale: order.holderCodiceFiscale, deviceSerial: order.deviceSerial },
          payment: { mode: 'direct', method: order.method },
        },
        idempotencyKey,
      });
      return { orderId: placed.id, status: placed.order.status, totalCents: placed.order.totals.totalCents, receivedCents: placed.order.receivedCents };
    },
    order: (orderId) => request({ method: 'GET', path: `/api/orders/${id(orderId)}`, absentIsNull: true }),
    ordersOfDevice: (deviceSerial) =>
      request({ method: 'GET', path: `/api/orders?${listQuery({ deviceSerial, status: ['awaiting_payment', 'paid', 'fulfilled'] }, ['placedAt', 'DESC'])}` }),
    couponsOfOrder: (orderId) => request({ method: 'GET', path: `/api/coupons?${listQuery({ orderId })}` }),
    deviceEvents: (deviceSerial) => request({ method: 'GET', path: `/api/device-events?${listQuery({ serial: deviceSerial }, ['id', 'ASC'])}&range=${encodeURIComponent('[0,999]')}` }),
    coupons: (couponIds) => request({ method: 'GET', path: `/api/coupons?${listQuery({ id: couponIds })}` }),
    takeDeskPayment: (orderId, payment, idempotencyKey) =>
      request({ method: 'POST', path: `/api/orders/${id(orderId)}/desk-payment`, body: payment, idempotencyKey }),
  };
}
