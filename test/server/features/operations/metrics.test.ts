// GET /metrics and /health over real HTTP on the whole app (test/support/app.ts): the bearer token,
// a text a Prometheus scraper parses, request and command figures that move with the requests
// made, the outbox's queue, and the lag of the projections and reactors once events arrive that
// they have not handled.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandOutcome } from '../../../../server/plugins/app/metrics';
import { startTestApp, type TestApp } from '../../../support/app';
import { addUser, PASSWORD } from '../../security/support';
import { romeAddress } from '../fixtures';

const TOKEN = 'metrics-token-for-tests-0123456789abcdef';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * The Prometheus text format (version 0.0.4), strictly: `# HELP` / `# TYPE` lines and samples
 * `name{label="value",…} number`; anything else throws, naming the line. Numbers as Prometheus
 * reads them (Go's ParseFloat: NaN and Inf in any case; prom-client writes an event-loop mean
 * without samples as `Nan`).
 */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sample = new RegExp(`^(${NAME})(?:\\{(.*)\\})? ([+-]?(?:[0-9.]+(?:e[+-]?[0-9]+)?|inf|nan))$`, 'i');
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/y;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (new RegExp(`^# HELP ${NAME} .*$`).test(line)) continue;
    const m = sample.exec(line);
    if (!m) throw new Error(`not a Prometheus line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    label.lastIndex = 0;
    while (label.lastIndex < body.length) {
      const l = label.exec(body);
      if (!l) throw new Error(`bad labels in: ${line}`);
      labels[l[1]!] = l[2]!.replace(/\\"/g, '"').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
    }
    const value = /nan/i.test(m[3]!) ? NaN : /inf/i.test(m[3]!) ? (m[3]!.startsWith('-') ? -Infinity : Infinity) : Number(m[3]);
    samples.push({ name: m[1]!, labels, value });
  }
  return { samples, types };
}

/** The value of one sample (0 when the series does not exist yet). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string>): number {
  const found = samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found?.value ?? 0;
}

describe('GET /metrics and /health', () => {
  let t: TestApp;
  let base: string;
  let desk: string;
  let accountant: string;

  async function login(username: string): Promise<string> {
    const r = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    expect(r.status).toBe(200);
    return r.headers.getSetCookie().find((c) => c.startsWith('bo_session='))!.split(';')[0]!;
  }

  const post = (cookie: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  async function scrape(): Promise<Sample[]> {
    const r = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(200);
    return parseExposition(await r.text()).samples;
  }

  /** Scrapes until `check` holds (the read models and the outbox move on their own). */
  async function scrapeUntil(check: (samples: Sample[]) => boolean, what: string): Promise<Sample[]> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const samples = await scrape();
      if (check(samples)) return samples;
      if (Date.now() > deadline) throw new Error(`metrics never showed ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    t = await startTestApp({
      prefix: 'bo-metrics-',
      listen: true,
      security: { metricsToken: TOKEN },
      // No SMTP_URL: every attempt fails, so an e-mail goes through the outbox's retrying to failed.
      sales: { outbox: { firstDelayMs: 5, maxDelayMs: 10, maxAttempts: 2 }, retry: { firstDelayMs: 10, maxDelayMs: 50 } },
    });
    base = t.baseUrl!;
    await addUser(t.store, 'operatore', ['operator']);
    await addUser(t.store, 'contabile', ['accountant']);
    desk = await login('operatore');
    accountant = await login('contabile');
  }, 60_000);
  afterAll(() => t?.close());

  it('answers only the bearer of METRICS_TOKEN, in the Prometheus text format', async () => {
    const none = await fetch(`${base}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect((await none.json()).message).toBe('send Authorization: Bearer <METRICS_TOKEN>');
    expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    // A session is no credential here: a scraper has none, and the figures are not the desk's.
    expect((await fetch(`${base}/metrics`, { headers: { cookie: desk } })).status).toBe(401);

    const r = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples, types } = parseExposition(await r.text());
    expect(types.get('backoffice_http_request_duration_seconds')).toBe('histogram');
    expect(types.get('backoffice_commands_total')).toBe('counter');
    expect(types.get('backoffice_projection_lag_events')).toBe('gauge');
    expect(types.get('backoffice_reactor_lag_events')).toBe('gauge');
    expect(types.get('backoffice_outbox_emails')).toBe('gauge');
    expect(types.get('process_cpu_seconds_total')).toBe('counter');
    expect(valueOf(samples, 'backoffice_event_store_up', { store: 'sqlite' })).toBe(1);
    for (const state of ['queued', 'retrying', 'failed']) {
      expect(samples.some((s) => s.name === 'backoffice_outbox_emails' && s.labels.state === state)).toBe(true);
    }
  });

  it('closes /metrics to everyone when METRICS_TOKEN is not set', async () => {
    // The route reads the setting on every request: the same path as a server started without it.
    t.app.security.metricsToken = null;
    try {
      const r = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.status).toBe(401);
      expect((await r.json()).message).toBe('METRICS_TOKEN is not set on this server: /metrics is closed');
    } finally {
      t.app.security.metricsToken = TOKEN;
    }
  });

  it('counts requests per route pattern, method and status class, never per raw URL', async () => {
    const before = await scrape();
    const count = (samples: Sample[], route: string, status: string) =>
      valueOf(samples, 'backoffice_http_request_duration_seconds_count', { method: 'GET', route, status_class: status });
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/api/customers`, { headers: { cookie: desk } })).status).toBe(200);
    const missing = randomUUID();
    expect((await fetch(`${base}/api/customers/${missing}`, { headers: { cookie: desk } })).status).toBe(404);
    expect((await fetch(`${base}/api/no-such-thing/${missing}`, { headers: { cookie: desk } })).status).toBe(404);
    expect((await fetch(`${base}/api/customers`)).status).toBe(401);

    const after = await scrape();
    expect(count(after, '/api/customers', '2xx') - count(before, '/api/customers', '2xx')).toBe(3);
    expect(count(after, '/api/customers', '4xx') - count(before, '/api/customers', '4xx')).toBe(1);
    expect(count(after, '/api/customers/:id', '4xx') - count(before, '/api/customers/:id', '4xx')).toBe(1);
    expect(count(after, '(unmatched)', '4xx') - count(before, '(unmatched)', '4xx')).toBe(1);
    expect(after.some((s) => Object.values(s.labels).some((v) => v.includes(missing)))).toBe(false);
    // The histogram's buckets are cumulative up to +Inf, which equals the count.
    const inf = valueOf(after, 'backoffice_http_request_duration_seconds_bucket', { method: 'GET', route: '/api/customers', status_class: '2xx', le: '+Inf' });
    expect(inf).toBe(count(after, '/api/customers', '2xx'));
  });

  it('counts command outcomes: accepted, refused by code, replayed; a quote is no command', async () => {
    const before = await scrape();
    const outcome = (samples: Sample[], labels: Record<string, string>) =>
      valueOf(samples, 'backoffice_commands_total', { route: '/api/customers', ...labels });
    const key = randomUUID();
    const customer = { kind: 'firm', name: 'Studio Metriche', partitaIva: '12345600014', email: 'metriche@example.it', billingAddress: romeAddress };
    expect((await post(desk, '/api/customers', customer, { 'idempotency-key': key })).status).toBe(201);
    const again = await post(desk, '/api/customers', customer, { 'idempotency-key': key });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const bad = await post(desk, '/api/customers', { ...customer, partitaIva: '123' });
    expect(bad.status).toBe(400);
    const badCode = (await bad.json()).code as string;
    expect((await post(accountant, '/api/customers', customer)).status).toBe(403);

    const after = await scrape();
    expect(outcome(after, { outcome: 'accepted' }) - outcome(before, { outcome: 'accepted' })).toBe(1);
    expect(outcome(after, { outcome: 'replayed' }) - outcome(before, { outcome: 'replayed' })).toBe(1);
    expect(outcome(after, { outcome: 'refused', code: badCode }) - outcome(before, { outcome: 'refused', code: badCode })).toBe(1);
    expect(outcome(after, { outcome: 'refused', code: 'forbidden' }) - outcome(before, { outcome: 'refused', code: 'forbidden' })).toBe(1);
    expect(after.some((s) => s.name === 'backoffice_commands_total' && s.labels.route === '/api/orders/quote')).toBe(false);
  });

  it("tells a write conflict (concurrent_change) from a refusal and a failure", () => {
    expect(commandOutcome(409, 'concurrent_change', false)).toBe('conflict');
    expect(commandOutcome(409, 'idempotency_key_in_flight', false)).toBe('refused');
    expect(commandOutcome(422, 'balance_insufficient', false)).toBe('refused');
    expect(commandOutcome(503, 'store_unavailable', false)).toBe('failed');
    expect(commandOutcome(201, undefined, true)).toBe('replayed');
  });

  it("shows the outbox's queue: an e-mail that cannot be sent goes to failed", async () => {
    const before = await scrape();
    const failed = (samples: Sample[]) => valueOf(samples, 'backoffice_outbox_emails', { state: 'failed' });
    expect((await post(accountant, '/api/log-verification', {})).status).toBe(201);
    expect((await post(accountant, '/api/log-verification/head-email', { to: 'contabilita@example.it' })).status).toBe(202);
    await scrapeUntil((s) => failed(s) === failed(before) + 1, 'the e-mail failed');
  });

  it('shows each projection and reactor lag when events arrive that they have not handled, in /metrics and /health', async () => {
    const caughtUp = await scrapeUntil(
      (s) => s.filter((x) => x.name === 'backoffice_projection_lag_events' || x.name === 'backoffice_reactor_lag_events').every((x) => x.value === 0),
      'every follower at the head',
    );
    const reactorNames = caughtUp.filter((s) => s.name === 'backoffice_reactor_lag_events').map((s) => s.labels.reactor);
    expect(reactorNames).toEqual(expect.arrayContaining(['payment-application', 'fulfilment', 'email-outbox']));
    expect(caughtUp.filter((s) => s.name === 'backoffice_reactor_lag_events').every((s) => s.labels.mode === 'catch-up')).toBe(true);
    const healthy = await (await fetch(`${base}/health`)).json();
    expect(healthy).toMatchObject({ status: 'ok', eventStore: { kind: 'sqlite', connected: true }, persistentConsumers: false });
    expect(healthy.reactors['email-outbox']).toEqual({ mode: 'catch-up', lag: 0 });
    expect(healthy.projections.customers).toEqual({ state: 'live', lag: 0 });

    // Stop the followers (as a crashed worker or a stuck reactor would), then write three events.
    await t.app.salesReactors!.stop();
    await (t.app.projections as unknown as { stop(): Promise<void> }).stop();
    for (let i = 0; i < 3; i++) {
      await t.store.append(`metrics-probe-${randomUUID()}`, [{ id: randomUUID(), type: 'MetricsProbe', data: {}, metadata: {} }], { expectedRevision: 'no_stream' });
    }
    const behind = await scrape();
    for (const name of reactorNames) expect(valueOf(behind, 'backoffice_reactor_lag_events', { reactor: name! })).toBe(3);
    expect(valueOf(behind, 'backoffice_projection_lag_events', { projection: 'customers' })).toBe(3);
    const health = await (await fetch(`${base}/health`)).json();
    expect(health.reactors['fulfilment']).toEqual({ mode: 'catch-up', lag: 3 });
    expect(health.projections.customers.lag).toBe(3);
  });
});
