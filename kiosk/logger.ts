// The kiosk's log (pino). Never logged: the card's PIN, the operator's password, coupon codes,
// the back office's session cookie. Request bodies are never logged at all (Fastify logs the
// method, URL and status only, and the desk API keeps every secret out of its URLs); these paths
// are what catches a secret that reaches a logged object anyway.
import pino, { type Logger, type LoggerOptions } from 'pino';

const secretFields = ['pin', 'userPin', 'soPin', 'newPin', 'password', 'coupons', 'coupon', 'couponCode', 'couponCodes', 'cookie', 'cookies', 'authorization', 'sessionCookie'];

export const kioskRedactedPaths = [
  ...secretFields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  'req.body',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers["set-cookie"]',
];

export function kioskLoggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: kioskRedactedPaths, censor: '[redacted]' } };
}

/** A logger writing JSON lines to `destination` (stdout by default). */
export function createKioskLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(kioskLoggerOptions(level), destination) : pino(kioskLoggerOptions(level));
}
