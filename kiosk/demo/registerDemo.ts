// The back office starts empty: after the operator logs in at the demo kiosk, the demo holder and
// the demo card are registered there (POST /api/customers, POST /api/devices) unless they already
// are, so that `npm start` then `npm run kiosk -- --demo-token` is enough to renew at once.
//
// This uses a session of its own, opened with the operator's credentials as they log in and closed
// right after: the renewal's session (kiosk/backOffice.ts) only offers what a renewal needs.
import { normaliseDeviceSerial } from '../../domain/shared/deviceSerial';
import { DEMO_HOLDER } from './demoHolder';
import type { DemoCard } from './demoCard';

interface Answer {
  status: number;
  body: { code?: string; message?: string } | null;
}

async function call(baseUrl: string, cookie: string | null, method: string, path: string, body?: unknown): Promise<Answer & { cookie: string | null }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
  const setCookie = response.headers.getSetCookie().map((line) => line.split(';')[0]!).find((pair) => /^(__Host-)?bo_session=./.test(pair));
  const text = await response.text();
  let parsed: Answer['body'] = null;
  try {
    parsed = text ? (JSON.parse(text) as Answer['body']) : null;
  } catch {
    parsed = null;
  }
  return { status: response.status, body: parsed, cookie: setCookie ?? null };
}

function refused(what: string, answer: Answer): Error {
  return new Error(`${what}: il back office ha risposto ${answer.status} ${answer.body?.code ?? ''} ${answer.body?.message ?? ''}`.trim());
}

/**
 * Registers the demo customer and device when absent; answers what it did, in Italian, for the
 * desk page. 409 (already registered) counts as done.
 */
export async function registerDemoInBackOffice(
  options: { backOfficeUrl: string; username: string; password: string; card: DemoCard; issuer: string },
): Promise<string[]> {
  const login = await call(options.backOfficeUrl, null, 'POST', '/api/auth/login', { username: options.username, password: options.password });
  if (login.status !== 200 || !login.cookie) throw refused('accesso per registrare la carta demo', login);
  const cookie = login.cookie;
  const notes: string[] = [];
  try {
    const customer = await call(options.backOfficeUrl, cookie, 'POST', '/api/customers', {
      kind: 'person',
      name: DEMO_HOLDER.name,
      surname: DEMO_HOLDER.surname,
      codiceFiscale: DEMO_HOLDER.codiceFiscale,
      email: DEMO_HOLDER.email,
      billingAddress: DEMO_HOLDER.billingAddress,
    });
    if (customer.status === 201) notes.push(`Cliente demo registrato nel back office: ${DEMO_HOLDER.name} ${DEMO_HOLDER.surname} (${DEMO_HOLDER.codiceFiscale}).`);
    else if (customer.status !== 409) throw refused('registrazione del cliente demo', customer);

    // The back office keeps a device's serial upper case (the token's may be lower-case hex).
    const serial = normaliseDeviceSerial(options.card.serial);
    const device = await call(options.backOfficeUrl, cookie, 'POST', '/api/devices', {
      serial,
      kind: 'smart_card',
      issuer: options.issuer,
      issuedOn: options.card.issuedOn,
      holderCodiceFiscale: options.card.holderCodiceFiscale,
      certificates: options.card.certificates.map(({ kind, serialNumber, validFrom, validUntil }) => ({ kind, serialNumber, validFrom, validUntil })),
    });
    if (device.status === 201) notes.push(`Carta demo ${serial} registrata nel back office.`);
    else if (device.status !== 409) throw refused('registrazione della carta demo', device);
  } finally {
    await call(options.backOfficeUrl, cookie, 'POST', '/api/auth/logout', {}).catch(() => undefined);
  }
  return notes;
}
