// The console's dataProvider: react-admin's reads through ra-data-simple-rest on /api
// (`GET /api/<resource>?sort=…&range=…&filter=…`, total in `Content-Range`), plus `command()` for
// the domain's commands (`POST /api/<path>`): writes are commands, not row updates.
//
// Every call sends the session cookie (same origin). Every POST carries a fresh `Idempotency-Key`
// (a UUID per call): the server answers a replay of the same key with the first answer.
// An error answer `{statusCode, code, message, errors?: {field: message}}` becomes react-admin's
// HttpError with that body, so forms show `errors` beside their fields and notifications the message.
import simpleRestProvider from 'ra-data-simple-rest';
import { fetchUtils, type DataProvider } from 'react-admin';

export const apiUrl = '/api';

/** The server's error body (server/plugins/app/errorHandler.ts). */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errors?: Record<string, string>;
}

/** A random UUID v4, also where `crypto.randomUUID` is missing (plain http on a LAN address). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface HttpClientOptions extends fetchUtils.Options {
  /** For a retry of the same command; otherwise each POST gets a fresh key. */
  idempotencyKey?: string;
}

export async function httpClient(url: string, options: HttpClientOptions = {}) {
  const { idempotencyKey, ...rest } = options;
  const headers = new Headers(rest.headers);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  const method = (rest.method ?? 'GET').toUpperCase();
  if (method === 'POST' && !headers.has('Idempotency-Key')) {
    headers.set('Idempotency-Key', idempotencyKey ?? newIdempotencyKey());
  }
  // fetchJson rejects a non-2xx answer with HttpError(body.message, status, body): the server's
  // ApiErrorBody, whose `errors` react-admin's forms set on their fields.
  return fetchUtils.fetchJson(url, { ...rest, headers, credentials: 'same-origin' });
}

export interface CommandResult<T> {
  data: T;
}

export type BackOfficeDataProvider = DataProvider & {
  /**
   * Sends a domain command: `POST /api/<path>` with `body` as JSON, e.g.
   * `dataProvider.command('orders/123/cancel', { reason })`. Resolves with the answer's JSON as
   * `data`; rejects with HttpError (body: ApiErrorBody).
   */
  command<T = unknown>(path: string, body?: unknown, options?: { idempotencyKey?: string; signal?: AbortSignal }): Promise<CommandResult<T>>;
};

const base = simpleRestProvider(apiUrl, httpClient);

export const dataProvider: BackOfficeDataProvider = {
  ...base,
  async command<T>(path: string, body: unknown = {}, options: { idempotencyKey?: string; signal?: AbortSignal } = {}) {
    const { json } = await httpClient(`${apiUrl}/${path.replace(/^\/+/, '')}`, {
      method: 'POST',
      body: JSON.stringify(body),
      idempotencyKey: options.idempotencyKey,
      signal: options.signal,
    });
    return { data: json as T };
  },
};
