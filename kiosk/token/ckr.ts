// PKCS#11 return values (CKR_*) as the kiosk's TokenError codes. pkcs11js reports most failures as
// a Pkcs11Error with a numeric `code`; C_CreateObject's come as a plain Error whose message alone
// holds it ("CKR_TEMPLATE_INCOMPLETE:208").
import { createRequire } from 'node:module';
import type * as Pkcs11 from 'pkcs11js';
import type { TokenErrorCode } from './port';

const pkcs11 = createRequire(import.meta.url)('pkcs11js') as typeof Pkcs11;

/** The CKR_ name of a pkcs11js error: `code` on Pkcs11Error, only the message ("CKR_X:208") on C_CreateObject's. */
export function ckrName(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') return ckrNames.get(code) ?? `CKR_0x${code.toString(16)}`;
  return /^(CKR_[A-Z0-9_]+)/.exec(error.message)?.[1];
}

const ckrNames = new Map<number, string>(
  Object.entries(pkcs11)
    .filter(([name, value]) => name.startsWith('CKR_') && typeof value === 'number')
    .map(([name, value]) => [value as number, name]),
);

export function tokenErrorCode(ckr: string): TokenErrorCode {
  switch (ckr) {
    case 'CKR_PIN_INCORRECT':
      return 'pin_incorrect';
    case 'CKR_PIN_LOCKED':
      return 'pin_locked';
    case 'CKR_PIN_LEN_RANGE':
      return 'pin_invalid';
    case 'CKR_SESSION_CLOSED':
    case 'CKR_SESSION_HANDLE_INVALID':
    case 'CKR_DEVICE_REMOVED':
    case 'CKR_TOKEN_NOT_PRESENT':
    case 'CKR_DEVICE_ERROR':
      return 'token_removed';
    case 'CKR_USER_NOT_LOGGED_IN':
      return 'not_logged_in';
    case 'CKR_TOKEN_WRITE_PROTECTED':
    case 'CKR_DEVICE_MEMORY':
      return 'write_refused';
    default:
      return ckr.startsWith('CKR_TEMPLATE_') ? 'write_refused' : 'pkcs11_error';
  }
}
