// A small HTTP client for the back office's API: logs in once (session cookie), sends JSON, and
// carries an Idempotency-Key when asked, so a command cut off by a kill can be sent again.
export interface Answer {
  status: number;
  body: any;
  text: string;
}

export class ApiClient {
  protected cookie: string | null = null;

  constructor(
    public baseUrl: string,
    private readonly timeoutMs = 15_000,
  ) {}

  async login(username: string, password: string): Promise<void> {
    const response = await fetch(`${this.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (response.status !== 200) throw new Error(`login ${username}: ${response.status} ${await response.text()}`);
    const line = response.headers.getSetCookie().find((c) => c.startsWith('bo_session='));
    if (!line) throw new Error('no session cookie');
    this.cookie = line.split(';')[0]!;
  }

  /** The session of another client (logged in through another server). */
  adoptSession(from: ApiClient): void {
    this.cookie = from.cookie;
  }

  async request(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text };
  }

  get(path: string): Promise<Answer> {
    return this.request('GET', path);
  }

  post(path: string, body: unknown, idempotencyKey?: string): Promise<Answer> {
    return this.request('POST', path, body, idempotencyKey);
  }
}

export function expectStatus(answer: Answer, ...statuses: number[]): Answer {
  if (!statuses.includes(answer.status)) throw new Error(`expected ${statuses.join(' or ')}, got ${answer.status}: ${answer.text.slice(0, 300)}`);
  return answer;
}

/**
 * Several servers behind one client, as behind a load balancer: each request goes to the next
 * server that is up, with one session (logged in through the first). A request to a server that
 * dies fails as with one server; the workload sends it again, then to another server.
 */
export class ClusterClient extends ApiClient {
  private next = 0;

  constructor(private readonly servers: () => ApiClient[]) {
    super('');
  }

  override request(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<Answer> {
    const up = this.servers();
    if (up.length === 0) return Promise.reject(new Error('no server is up'));
    const server = up[this.next++ % up.length]!;
    return server.request(method, path, body, idempotencyKey);
  }
}
