// pino options shared by the server and the workers. Secrets are redacted wherever they appear in
// a logged object: the log is read by more people than the data it describes.
import type { LoggerOptions } from 'pino';

export const redactedPaths = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'pin',
  '*.pin',
  'token',
  '*.token',
  'refreshToken',
  '*.refreshToken',
  'couponCode',
  '*.couponCode',
  'couponCodes',
  '*.couponCodes',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  };
}
