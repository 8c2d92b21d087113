// pino options shared by the server and the workers. Secrets are redacted wherever they appear in
// a logged object: the log is read by more people than the data it describes.
//
// Every request is logged with its id (`reqId`) and, once authorized, the staff user's id
// (`userId`, added by server/plugins/app/access.ts). Never logged: passwords and password hashes,
// PINs, session tokens, cookies, authorization headers, coupon codes (also when they are in a URL:
// the request serializer masks them, keeping only the last group as a hint).
import type { LoggerOptions } from 'pino';
import { couponCodeHint } from './domain/values/couponCode';

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
 * The URL as it may be logged: the code of the public coupon-status route, coupon-shaped strings
 * anywhere, and query values named like a secret are masked.
 */
export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  let query = q < 0 ? '' : url.slice(q + 1);
  path = path.replace(/(\/public\/coupons\/)([^/]+)/i, (_, prefix: string, code: string) => {
    let decoded = code;
    try {
      decoded = decodeURIComponent(code);
    } catch {
      /* keep it as it is */
    }
    const hint = couponCodeHint(decoded);
    return prefix + (hint.startsWith('(') ? '[redacted]' : hint);
  });
  if (query) {
    query = query
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const key = eq < 0 ? pair : pair.slice(0, eq);
        return eq >= 0 && SECRET_QUERY_KEY.test(key) ? `${key}=[redacted]` : pair;
      })
      .join('&');
  }
  const masked = query ? `${path}?${query}` : path;
  // Percent-escapes count as separators (a code inside an encoded JSON filter is still found).
  return masked
    .split(/(%[0-9A-Fa-f]{2})/)
    .map((part) =>
      part.startsWith('%') ? part : part.replace(COUPON_GROUPED, (c) => couponCodeHint(c)).replace(COUPON_PLAIN, (c) => couponCodeHint(c)),
    )
    .join('');
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
