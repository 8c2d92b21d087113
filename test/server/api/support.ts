// The sales API over real HTTP: the whole app of test/support/app.ts (sales plugin and reactors
// included, with fast timings) on a real embedded store and real server.db / read.db in a temp
// directory, listening on a free port of 127.0.0.1, a real SMTP server collecting the e-mails, one
// logged-in staff user per role, and a clock the test moves.
import type { FastifyServerOptions } from 'fastify';
import type { Role } from '../../../events/eventCatalogue';
import type { EventStore } from '../../../events/port';
import type { App } from '../../../server/app';
import type { SalesSettings } from '../../../server/features/deps';
import type { SalesPluginOptions } from '../../../server/plugins/app/sales';
import { addUser, allEvents, PASSWORD, TestClock } from '../security/support';
import { startTestApp } from '../../support/app';
import type { TestSmtp } from '../../support/smtp';

export { allEvents, PASSWORD, TestClock };

export const MARIO_CF = 'RSSMRA80A01H501U';
export const LAURA_CF = 'BNCLRA85T45F205L';
export const FIRM_PIVA = '01234560017';
/** Ten valid partite IVA (office code 001). */
export const PIVAS = ['12345600014', '12356710017', '12367820011', '12378930015', '12390040017', '12401150011', '12412260015', '12423370019', '12434480013', '12445590016'];
export const DAY = 24 * 3_600_000;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The body as JSON (throws when it is not). */
  json<T = any>(): T;
  body: Buffer;
}

export interface Client {
  request(method: string, path: string, options?: { body?: unknown; raw?: string; contentType?: string; headers?: Record<string, string> }): Promise<Answer>;
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
}

export interface ApiWorld {
  app: App;
  store: EventStore;
  clock: TestClock;
  smtp: TestSmtp;
  dataDir: string;
  baseUrl: string;
  /** Logged-in clients: operator, accountant, supervisor, admin; `anonymous` has no cookie. */
  operator: Client;
  accountant: Client;
  supervisor: Client;
  admin: Client;
  anonymous: Client;
  /** Waits until the reactors have seen the whole log and done what is due (e-mails included). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function client(baseUrl: string, cookie: string | null): Client {
  const request: Client['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.contentType ?? 'text/plain';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const buffer = Buffer.from(await response.arrayBuffer());
    const text = buffer.toString('utf8');
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: buffer,
      json: () => JSON.parse(text),
    };
  };
  return {
    request,
    get: (path, headers) => request('GET', path, { headers }),
    post: (path, body, headers) => request('POST', path, { body, headers }),
  };
}

async function loginCookie(baseUrl: string, username: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status} ${await response.text()}`);
  const line = response.headers.getSetCookie().find((c) => c.startsWith('bo_session='));
  if (!line) throw new Error('no session cookie');
  return line.split(';')[0]!;
}

export async function startApi(
  options: {
    settings?: Partial<SalesSettings>;
    reactors?: boolean;
    start?: string;
    /** Without SMTP_URL (the test SMTP server still runs, unused); with `demo`, the demo's transport. */
    noSmtp?: boolean;
    demo?: boolean;
    /** Start on this data directory, again when it holds a log (a restart); close() leaves it. */
    dataDir?: string;
    /** The app's logger (default: none). */
    logger?: FastifyServerOptions['logger'];
    /** The test's own event store (e.g. EventStoreDB's test server); default SQLite in the data directory. */
    store?: EventStore;
    /** How commands retry a conflict with another server (default: the app's, 2 s). */
    conflictRetry?: SalesPluginOptions['conflictRetry'];
  } = {},
): Promise<ApiWorld> {
  const t = await startTestApp({
    prefix: 'bo-api-',
    listen: true,
    smtp: options.noSmtp ? 'unused' : 'used',
    start: options.start,
    dataDir: options.dataDir,
    logger: options.logger,
    store: options.store,
    sales: {
      demo: options.demo ?? false,
      mailFrom: 'Firma Facile <noreply@firmafacile.example.it>',
      reactors: options.reactors ?? true,
      settings: { orderExpiryCheckIntervalMs: 20, ...options.settings },
      outbox: { firstDelayMs: 20, maxDelayMs: 100, maxAttempts: 5 },
      retry: { firstDelayMs: 10, maxDelayMs: 50 },
      conflictRetry: options.conflictRetry,
    },
  });
  const { app, store } = t;
  const baseUrl = t.baseUrl!;
  const users: Array<[string, Role]> = [
    ['operatore', 'operator'],
    ['contabile', 'accountant'],
    ['supervisore', 'supervisor'],
    ['amministratore', 'admin'],
  ];
  const cookies = new Map<string, string>();
  const restarted = (await store.headPosition()) > 0;
  for (const [username, role] of users) {
    if (!restarted) await addUser(store, username, [role]);
    cookies.set(username, await loginCookie(baseUrl, username));
  }
  return {
    app,
    store,
    clock: t.clock,
    smtp: t.smtp!,
    dataDir: t.dataDir,
    baseUrl,
    operator: client(baseUrl, cookies.get('operatore')!),
    accountant: client(baseUrl, cookies.get('contabile')!),
    supervisor: client(baseUrl, cookies.get('supervisore')!),
    admin: client(baseUrl, cookies.get('amministratore')!),
    anonymous: client(baseUrl, null),
    idle: async () => {
      await app.salesReactors?.idle();
    },
    close: t.close,
  };
}

// --- the usual first steps, over HTTP -------------------------------------------------------------

export const romeAddress = { street: 'Via del Corso 10', postalCode: '00186', city: 'Roma', province: 'RM' };

export function expectStatus(answer: Answer, status: number): Answer {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${answer.text.slice(0, 500)}`);
  return answer;
}

/** The guide's products, added by the supervisor over HTTP. */
export async function addGuideProducts(world: ApiWorld): Promise<void> {
  const { guideProducts } = await import('../../../domain/catalogue/decider');
  for (const product of guideProducts) {
    const body = Object.fromEntries(Object.entries(product).filter(([, v]) => v !== undefined));
    expectStatus(await world.supervisor.post('/api/products', body), 201);
  }
}

export async function registerPerson(
  world: ApiWorld,
  fields: { name?: string; surname?: string; codiceFiscale?: string; email?: string } = {},
): Promise<string> {
  const answer = await world.operator.post('/api/customers', {
    kind: 'person',
    name: fields.name ?? 'Mario',
    surname: fields.surname ?? 'Rossi',
    codiceFiscale: fields.codiceFiscale ?? MARIO_CF,
    email: fields.email ?? 'mario.rossi@example.it',
    billingAddress: romeAddress,
  });
  return expectStatus(answer, 201).json().id as string;
}

/** Puts `creditCents` on the prepaid account (the fee on top), as an operator at the desk. */
export async function topUp(world: ApiWorld, customerId: string, creditCents: number): Promise<{ balanceCents: number }> {
  const quote = expectStatus(await world.operator.get(`/api/customers/${customerId}/prepaid/top-up-quote?creditedCents=${creditCents}`), 200).json();
  const answer = await world.operator.post(`/api/customers/${customerId}/prepaid/top-ups`, {
    amountReceivedCents: quote.toPayCents,
    method: 'cash',
    reference: 'ricevuta 1',
    receivedOn: '2026-11-24',
  });
  return expectStatus(answer, 201).json();
}

/** A smart card with both certificates expiring `expiresInDays` after the world's clock. */
export async function registerCard(world: ApiWorld, serial: string, holderCf = MARIO_CF, expiresInDays = 30): Promise<Answer> {
  const now = world.clock.now().getTime();
  const until = new Date(now + expiresInDays * DAY).toISOString();
  const from = new Date(now - 3 * 365 * DAY).toISOString();
  return world.operator.post('/api/devices', {
    serial,
    kind: 'smart_card',
    issuer: 'Camera di Commercio di Roma',
    issuedOn: from.slice(0, 10),
    holderCodiceFiscale: holderCf,
    certificates: [
      { kind: 'signing', serialNumber: `S${serial}`, validFrom: from, validUntil: until },
      { kind: 'authentication', serialNumber: `A${serial}`, validFrom: from, validUntil: until },
    ],
  });
}

export const manualOrder = (customerId: string, payment: object, productCode = 'RIN-FIRMA-CNS', quantity = 1) => ({
  customerId,
  manual: { lines: [{ productCode, quantity }] },
  payment,
});

/** The codes in an e-mail's text (grouped Crockford base32). */
export const codesIn = (text: string): string[] => text.match(/\b[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){4}\b/g) ?? [];

export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function streamTypes(store: EventStore, stream: string): Promise<string[]> {
  return (await store.readStream(stream)).map((e) => e.type);
}

/** A client logged in as another staff user (added with test/server/security/support's addUser). */
export async function loggedIn(world: ApiWorld, username: string): Promise<Client> {
  return client(world.baseUrl, await loginCookie(world.baseUrl, username));
}
