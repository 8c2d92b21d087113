// The kiosk's log: steps and outcomes, never a secret. The PIN, the operator's password, the
// session cookie and coupon codes are redacted wherever a logged object carries them (a code is
// logged as its hint, `****-****-****-****-AB12`, by the code that logs it: couponHints).
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { couponCodeHint } from '../domain/shared/couponCode';

const secretFields = ['pin', 'newPin', 'userPin', 'soPin', 'puk', 'password', 'cookie', 'authorization', 'coupon', 'coupons', 'couponCode', 'couponCodes'];

export const kioskRedactPaths = [
  ...secretFields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  'headers.cookie',
  'headers["set-cookie"]',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  // The desk server never logs a body; should a request object carry one, it is dropped whole.
  'req.body',
];

export const kioskLoggerOptions = (options: LoggerOptions = {}): LoggerOptions => ({
  name: 'kiosk',
  level: 'info',
  ...options,
  redact: { paths: kioskRedactPaths, censor: '[redacted]' },
});

export function createKioskLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  return destination ? pino(kioskLoggerOptions(options), destination) : pino(kioskLoggerOptions(options));
}

/** Coupon codes as they may be logged: the last group only. */
export const couponHints = (codes: readonly string[]): string[] => codes.map(couponCodeHint);
