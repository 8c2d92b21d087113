// The console's dataProvider: react-admin's reads through ra-data-simple-rest on /api
// (`GET /api/<resource>?sort=…&range=…&filter=…`, total in `Content-Range`; lists read here, as
// simple-rest does, and also when the total was not counted: `…/*`), plus `command()` for
// the domain's commands (`POST /api/<path>`): writes are commands, not row updates.
//
// Every call sends the session cookie (same origin). Every POST carries a fresh `Idempotency-Key`
// (a UUID per call): the server answers a replay of the same key with the first answer.
// An error answer `{statusCode, code, message, errors?, fieldErrors?, params?}` becomes react-admin's
// HttpError with that body said in the desk's language (serverErrors.ts: the texts of the codes, from
// the console's catalogue), so forms show `errors` beside their fields and notifications the message.
// An answer saying `X-Read-Models-Behind` (its read models had not caught up in time) has the screen
// read again once they have (readModelsCatchUp.ts).
import simpleRestProvider from 'ra-data-simple-rest';
import { fetchUtils, HttpError, type DataProvider, type GetListParams, type GetManyReferenceParams } from 'react-admin';
import { isIsoDay, romeDayEnd, romeDayStart } from './dates';
import { awaitReadModels, READ_MODELS_BEHIND_HEADER, READ_MODELS_BEHIND_PROJECTIONS_HEADER } from './readModelsCatchUp';
import { localiseErrorBody, type ApiFieldError } from './serverErrors';

export const apiUrl = '/api';

/** The server's error body (server/plugins/app/errorHandler.ts). */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errors?: Record<string, string>;
  /** Every field at fault with the code of its rule and that rule's values. */
  fieldErrors?: ApiFieldError[];
  /** The values the code's rule names. */
  params?: Record<string, string | number>;
  /** Set by the console: the server's own (English) message, `message` being the desk's language. */
  serverMessage?: string;
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
  // ApiErrorBody, whose `errors` react-admin's forms set on their fields; said here in the desk's language.
  try {
    const answer = await fetchUtils.fetchJson(url, { ...rest, headers, credentials: 'same-origin' });
    const behind = Number(answer.headers.get(READ_MODELS_BEHIND_HEADER));
    if (behind > 0) void awaitReadModels(apiUrl, behind, answer.headers.get(READ_MODELS_BEHIND_PROJECTIONS_HEADER)?.split(',') ?? null);
    return answer;
  } catch (error) {
    if (error instanceof HttpError && error.body && typeof error.body === 'object' && typeof error.body.code === 'string') {
      const body = localiseErrorBody(error.body as ApiErrorBody);
      throw new HttpError(body.message, error.status, body);
    }
    throw error;
  }
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
  /** A GET of the API that is not a list: `dataProvider.query('holders/RSS…/renewable-devices')`. */
  query<T = unknown>(path: string, options?: { signal?: AbortSignal }): Promise<CommandResult<T>>;
};

/**
 * The instants (not calendar days) of each resource that lists filter by range: a day picked in a
 * filter (`placedAt_gte: "2026-05-01"`) means that day in Rome, so it is sent as the first (gte) or
 * last (lte) instant of that Rome day. Calendar-day fields (issuedOn, receivedOn) are sent as they are.
 */
export const TIME_FIELDS: Readonly<Record<string, readonly string[]>> = {
  customers: ['registeredAt'],
  'prepaid-movements': ['at'],
  devices: ['expiresAt', 'registeredAt', 'windowOpensAt', 'windowClosesAt'],
  'issuer-policies': ['setAt'],
  products: ['addedAt'],
  orders: ['placedAt', 'paidAt'],
  payments: ['recordedAt'],
  coupons: ['issuedAt', 'validUntil', 'redeemedAt'],
  emails: ['queuedAt', 'sentAt', 'updatedAt'],
  reminders: ['sentAt', 'deadline'],
  'certificate-deadlines': ['opensAt', 'closesAt'],
  'audit-events': ['at'],
};

/** The list filter as the API takes it: empty values dropped, Rome days turned into instants. */
export function apiFilter(resource: string, filter: Record<string, unknown> | undefined): Record<string, unknown> {
  const times = TIME_FIELDS[resource] ?? [];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    const range = /^(.+)_(gte|lte)$/.exec(key);
    if (range && times.includes(range[1]!) && isIsoDay(value)) {
      out[key] = range[2] === 'gte' ? romeDayStart(value) : romeDayEnd(value);
      continue;
    }
    out[key] = value;
  }
  return out;
}

const base = simpleRestProvider(apiUrl, httpClient);

/** What a list page answers: its rows, and the total, or how far the server counted when it did not count it all. */
export interface ListPage {
  data: any[];
  total?: number;
  pageInfo?: { hasNextPage: boolean; hasPreviousPage: boolean };
  meta?: { totalMoreThan: number };
}

/**
 * The page and total from a list answer's headers. `Content-Range: orders 0-24/319` gives the total;
 * `orders 0-24/*` (more rows match than the server counts, LIST_COUNT_CAP) gives none: react-admin's
 * partial pagination then (a next page, no last one), and `meta.totalMoreThan` from
 * `X-Total-More-Than` for ListPagination's "1–25 di più di 10.000".
 */
export function listPage(headers: Headers, json: unknown, page: number): ListPage {
  const data = json as any[];
  const range = headers.get('content-range');
  if (!range) throw new Error('The list answer has no Content-Range header: the total of the list is unknown');
  const total = range.split('/').pop();
  if (total !== '*') return { data, total: Number.parseInt(total ?? '', 10) };
  const moreThan = Number(headers.get('x-total-more-than'));
  return {
    data,
    pageInfo: { hasNextPage: true, hasPreviousPage: page > 1 },
    ...(Number.isFinite(moreThan) && moreThan > 0 ? { meta: { totalMoreThan: moreThan } } : {}),
  };
}

type ListParams = { pagination?: { page: number; perPage: number }; sort?: { field: string; order: string }; filter: Record<string, unknown>; signal?: AbortSignal };
type Client = (url: string, options?: { signal?: AbortSignal | undefined }) => Promise<{ headers: Headers; json: any }>;

/**
 * getList and getManyReference on `url` through `client`: `GET <url>/<resource>?sort=…&range=…&filter=…`
 * as ra-data-simple-rest sends it, read by listPage (a total the server did not count included).
 */
export function listReads(url: string, client: Client): Pick<DataProvider, 'getList' | 'getManyReference'> {
  const getPage = async (resource: string, params: ListParams) => {
    const { page, perPage } = params.pagination ?? { page: 1, perPage: 10 };
    const { field, order } = params.sort ?? { field: 'id', order: 'ASC' };
    const query = new URLSearchParams({
      filter: JSON.stringify(params.filter),
      range: JSON.stringify([(page - 1) * perPage, page * perPage - 1]),
      sort: JSON.stringify([field, order]),
    });
    const { headers, json } = await client(`${url}/${resource}?${query}`, { signal: params.signal });
    return listPage(headers, json, page);
  };
  return {
    getList: (resource: string, params: GetListParams) => getPage(resource, { ...params, filter: apiFilter(resource, params.filter) }),
    getManyReference: (resource: string, params: GetManyReferenceParams) =>
      getPage(resource, { ...params, filter: apiFilter(resource, { ...params.filter, [params.target]: params.id }) }),
  } as Pick<DataProvider, 'getList' | 'getManyReference'>;
}

export const dataProvider: BackOfficeDataProvider = {
  ...base,
  ...listReads(apiUrl, httpClient),
  async command<T>(path: string, body: unknown = {}, options: { idempotencyKey?: string; signal?: AbortSignal } = {}) {
    const { json } = await httpClient(`${apiUrl}/${path.replace(/^\/+/, '')}`, {
      method: 'POST',
      body: JSON.stringify(body),
      idempotencyKey: options.idempotencyKey,
      signal: options.signal,
    });
    return { data: json as T };
  },
  async query<T>(path: string, options: { signal?: AbortSignal } = {}) {
    const { json } = await httpClient(`${apiUrl}/${path.replace(/^\/+/, '')}`, { signal: options.signal });
    return { data: json as T };
  },
};
