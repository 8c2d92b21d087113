// How a refusal reaches the desk page: `{ code, message, pin?, renewalId?, backOfficeCode? }` with
// the HTTP status that fits. What the operator or the customer did (a wrong PIN, a card pulled
// out, a coupon already held) is a 4xx; what is down (the CA, the back office, the token's
// process) a 502/503; a 500 only for a bug in the kiosk itself.
import { KioskError, type KioskErrorCode } from '../renewal/port';
import { TokenError, type TokenErrorCode } from '../token/port';

/** A refusal of the desk API itself (bad body, foreign origin, a run already going). */
export class DeskError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DeskError';
  }
}

export interface ErrorAnswer {
  status: number;
  body: { code: string; message: string; pin?: string; renewalId?: string; backOfficeCode?: string };
}

const kioskStatus: Record<KioskErrorCode, number> = {
  not_logged_in: 401,
  pin_incorrect: 422,
  pin_locked: 423,
  pin_invalid: 400,
  token_absent: 404,
  token_removed: 409,
  token_process_crashed: 503,
  write_refused: 409,
  ca_unreachable: 503,
  ca_refused: 502,
  replacement_needed: 409,
  card_not_renewable: 409,
  back_office_refused: 409,
  back_office_unreachable: 503,
};

const tokenStatus: Record<TokenErrorCode, number> = {
  token_absent: 404,
  token_removed: 409,
  pin_incorrect: 422,
  pin_locked: 423,
  pin_invalid: 400,
  not_logged_in: 401,
  write_refused: 409,
  object_absent: 409,
  token_process_crashed: 503,
  pkcs11_error: 503,
};

export function errorAnswer(error: unknown): ErrorAnswer | null {
  if (error instanceof DeskError) return { status: error.status, body: { code: error.code, message: error.message } };
  if (error instanceof KioskError) {
    let status = kioskStatus[error.code];
    // The back office's own 4xx (a coupon already held, a device not found) passes through; its
    // 5xx is the back office's fault, not the desk's.
    if (error.code === 'back_office_refused' && error.details.status !== undefined) {
      status = error.details.status >= 400 && error.details.status < 500 ? error.details.status : 502;
    }
    return {
      status,
      body: {
        code: error.code,
        message: error.message,
        ...(error.details.pin ? { pin: error.details.pin } : {}),
        ...(error.details.renewalId ? { renewalId: error.details.renewalId } : {}),
        ...(error.details.backOfficeCode ? { backOfficeCode: error.details.backOfficeCode } : {}),
      },
    };
  }
  if (error instanceof TokenError) {
    return { status: tokenStatus[error.code], body: { code: error.code, message: error.message, ...(error.pin ? { pin: error.pin } : {}) } };
  }
  return null;
}
