// The CA's webhook signature. The CA signs each report with the secret we share with it
// (CA_WEBHOOK_SECRET):
//
//   X-CA-Timestamp: 1764000000                   seconds since 1970-01-01 UTC, when it was sent
//   X-CA-Signature: sha256=<hex>                 HMAC-SHA256(secret, "<timestamp>.<raw body>")
//
// The raw body is the request's bytes exactly as they arrived (not the JSON re-serialised). The
// signature is compared in constant time; a timestamp more than 5 minutes away from our clock
// (either way) is refused, so a captured request cannot be replayed later.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpError } from '../../plugins/app/access';

export const CA_TIMESTAMP_HEADER = 'x-ca-timestamp';
export const CA_SIGNATURE_HEADER = 'x-ca-signature';
/** How far the CA's timestamp may be from our clock. */
export const CA_WEBHOOK_TOLERANCE_MS = 5 * 60_000;

export const CA_WEBHOOK_UNCONFIGURED =
  'CA reports by webhook are not accepted: CA_WEBHOOK_SECRET is not set on this server (ask the administrator to set the secret shared with the CA)';

/** The signature header's value for a body sent at `timestamp` (seconds). */
export function signCaReport(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? undefined : value);

/** Throws a 401 naming what is wrong unless the request is signed with the secret and fresh. */
export function verifyCaSignature(input: {
  secret: string;
  timestamp: string | string[] | undefined;
  signature: string | string[] | undefined;
  rawBody: Buffer;
  now: Date;
}): void {
  const timestamp = one(input.timestamp)?.trim();
  const signature = one(input.signature)?.trim();
  if (!timestamp || !signature) {
    throw new HttpError(401, 'ca_signature_missing', `the report must be signed: headers ${CA_TIMESTAMP_HEADER} and ${CA_SIGNATURE_HEADER} (sha256=<hex HMAC of "<timestamp>.<body>">)`);
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new HttpError(401, 'ca_timestamp_invalid', `${CA_TIMESTAMP_HEADER}: must be the time of sending in whole seconds since 1970-01-01 UTC`);
  }
  const expected = Buffer.from(signCaReport(input.secret, timestamp, input.rawBody), 'utf8');
  const given = Buffer.from(signature.toLowerCase().startsWith('sha256=') ? `sha256=${signature.slice(7).toLowerCase()}` : `sha256=${signature.toLowerCase()}`, 'utf8');
  // timingSafeEqual needs equal lengths; comparing the expected value with itself keeps the time alike.
  const same = given.length === expected.length ? timingSafeEqual(given, expected) : (timingSafeEqual(expected, expected), false);
  if (!same) throw new HttpError(401, 'ca_signature_invalid', `${CA_SIGNATURE_HEADER}: the signature does not match the body and timestamp`);
  const skew = Math.abs(input.now.getTime() - Number(timestamp) * 1000);
  if (skew > CA_WEBHOOK_TOLERANCE_MS) {
    throw new HttpError(
      401,
      'ca_timestamp_out_of_range',
      `${CA_TIMESTAMP_HEADER}: ${new Date(Number(timestamp) * 1000).toISOString()} is more than 5 minutes from the server's time (${input.now.toISOString()}); a report is accepted only when fresh`,
    );
  }
}
