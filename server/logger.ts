// pino options shared by the server and the workers. Secrets are redacted wherever they appear in
// a logged object: the log is read by more people than the data it describes.
//
// Every request is logged with its id (`reqId`) and, once authorized, the staff user's id
// (`userId`, added by server/plugins/app/access.ts). Never logged: passwords and password hashes,
// PINs, session tokens, cookies, authorization headers, coupon codes (also when they are in a URL,
// however typed or encoded: the request serializer decodes the URL and masks them, see maskUrl).
import type { LoggerOptions } from 'pino';
import { COUPON_SYMBOLS, couponCodeHint, isCouponCode } from '../domain/shared/couponCode';

const secretFields = [
  'password',
  'newPassword',
  'currentPassword',
  'passwordHash',
  'pin',
  'token',
  'sessionToken',
  'refreshToken',
  'accessToken',
  'cookie',
  'cookies',
  'authorization',
  'couponCode',
  'couponCodes',
];

export const redactedPaths = [
  ...secretFields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
];

const COUPON_GROUPED = /(?<![0-9A-Za-z-])[0-9A-Za-z]{4}(?:-[0-9A-Za-z]{4}){4}(?![0-9A-Za-z-])/g;
const COUPON_PLAIN = /(?<![0-9A-Za-z])[0-9A-Za-z]{20}(?![0-9A-Za-z])/g;
const SECRET_QUERY_KEY = /^(code|codice|coupon|couponcode|token|password|pin)$/i;
/**
 * Paths whose query string exists to carry a coupon code, or may well do so: the coupon list
 * (`filter={"code":…}`, `filter={"q":…}`) and the public check page (`codice=`). Every value of
 * their query is redacted, whatever it looks like: a code typed with a mistake is still most of
 * a secret, and no pattern knows every way a person types one.
 */
const CODE_QUERY_PATHS = /^\/(?:api\/coupons|verifica-coupon)\/?$/i;
/** How a person may separate the groups of a code: spaces, hyphens, Unicode dashes and minus. */
const CODE_SEPARATORS = /[\s\-\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]+/g;
/** Runs of letters and digits, possibly separated as above: where a typed code may hide. */
const SYMBOL_RUNS = /[0-9A-Za-z]+(?:[\s\-\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]+[0-9A-Za-z]+)*/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** Longer decoded values are not searched but redacted whole (no log line is worth the CPU). */
const MAX_SEARCHED = 4096;

/** Percent-decoding as a server reads it (`+` is a space in a query), repeated for double encoding. */
function decoded(text: string, plusIsSpace: boolean): string {
  let current = plusIsSpace ? text.replace(/\+/g, ' ') : text;
  for (let round = 0; round < 3; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      // A stray % elsewhere must not keep a code's %20s from being read.
      next = current.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
        try {
          return decodeURIComponent(run);
        } catch {
          return run;
        }
      });
    }
    if (next === current) break;
    current = next;
  }
  return current;
}

/**
 * Whether decoded text holds a valid coupon code, however it was typed: any case, with or without
 * separators, O for 0 and I or L for 1. Every 20 symbols in a row (separators dropped) are
 * checked against the code's check symbol.
 */
export function holdsCouponCode(text: string): boolean {
  // A UUID (the ids in paths and filters) is no code, but one in three holds 20 hex digits in a
  // row that pass the check symbol: left out, so that the ids stay in the log.
  for (const run of text.replace(UUID, ' ').match(SYMBOL_RUNS) ?? []) {
    const symbols = run.replace(CODE_SEPARATORS, '');
    for (let i = 0; i + COUPON_SYMBOLS <= symbols.length; i++) {
      if (isCouponCode(symbols.slice(i, i + COUPON_SYMBOLS))) return true;
    }
  }
  return false;
}

function maskQueryValue(key: string, value: string, everyValue: boolean): string {
  if (everyValue || SECRET_QUERY_KEY.test(decoded(key, true))) return '[redacted]';
  const text = decoded(value, true);
  if (text.length > MAX_SEARCHED || holdsCouponCode(text)) return '[redacted]';
  return value;
}

/**
 * The URL as it may be logged. Path segments and query values are percent-decoded before they
 * are searched (a code typed with spaces arrives as `3we5%20p02d…`):
 *  - the code of the public coupon-status route shows as its hint (`****-****-****-****-J8NC`),
 *    or `[redacted]` when it is not a well-formed code;
 *  - the query of the routes that carry codes (CODE_QUERY_PATHS) keeps only its keys;
 *  - elsewhere, a query value named like a secret, or holding a valid code however typed, is
 *    redacted, and so is a path segment holding one.
 */
export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  let query = q < 0 ? '' : url.slice(q + 1);
  const everyValue = CODE_QUERY_PATHS.test(path);
  path = path.replace(/(\/public\/coupons\/)([^/]+)/i, (_, prefix: string, code: string) => {
    const hint = couponCodeHint(decoded(code, false));
    return prefix + (hint.startsWith('(') ? '[redacted]' : hint);
  });
  path = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith('****-') || segment === '[redacted]') return segment;
      const text = decoded(segment, false);
      if (!holdsCouponCode(text)) return segment;
      const hint = couponCodeHint(text);
      return hint.startsWith('(') ? '[redacted]' : hint;
    })
    .join('/');
  if (query) {
    query = query
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) return everyValue || holdsCouponCode(decoded(pair, true)) ? '[redacted]' : pair;
        const key = pair.slice(0, eq);
        const safeKey = /^[A-Za-z0-9_.[\]-]{1,40}$/.test(key) ? key : '[redacted]';
        return `${safeKey}=${maskQueryValue(key, pair.slice(eq + 1), everyValue)}`;
      })
      .join('&');
  }
  const masked = query ? `${path}?${query}` : path;
  // Last, codes in their usual shapes wherever they are left (an unusual route, a fragment).
  return masked.replace(COUPON_GROUPED, (c) => couponCodeHint(c)).replace(COUPON_PLAIN, (c) => couponCodeHint(c));
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    serializers: {
      // Fastify's request serializer, with the URL masked.
      req: (request: LoggedRequest) => ({
        method: request.method,
        url: typeof request.url === 'string' ? maskUrl(request.url) : undefined,
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
  };
}
