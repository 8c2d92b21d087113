import { createRequire } from 'node:module';
import type * as Pkcs11 from 'pkcs11js';
import { describe, expect, it } from 'vitest';
import { ckrName, tokenErrorCode } from '../../../kiosk/token/ckr';

const pkcs11 = createRequire(import.meta.url)('pkcs11js') as typeof Pkcs11;

/** A failure as pkcs11js throws it from most calls: a Pkcs11Error with the numeric code. */
function thrownBy(call: string, code: number): Error {
  return new pkcs11.Pkcs11Error('x', code, call);
}

describe('PKCS#11 return values as token error codes', () => {
  const cases: Array<[string, string]> = [
    ['CKR_PIN_INCORRECT', 'pin_incorrect'],
    ['CKR_PIN_LOCKED', 'pin_locked'],
    ['CKR_PIN_LEN_RANGE', 'pin_invalid'],
    ['CKR_SESSION_CLOSED', 'token_removed'],
    ['CKR_SESSION_HANDLE_INVALID', 'token_removed'],
    ['CKR_DEVICE_REMOVED', 'token_removed'],
    ['CKR_TOKEN_NOT_PRESENT', 'token_removed'],
    ['CKR_DEVICE_ERROR', 'token_removed'],
    ['CKR_USER_NOT_LOGGED_IN', 'not_logged_in'],
    ['CKR_TEMPLATE_INCOMPLETE', 'write_refused'],
    ['CKR_TEMPLATE_INCONSISTENT', 'write_refused'],
    ['CKR_TOKEN_WRITE_PROTECTED', 'write_refused'],
    ['CKR_DEVICE_MEMORY', 'write_refused'],
    ['CKR_MECHANISM_INVALID', 'pkcs11_error'],
    ['CKR_GENERAL_ERROR', 'pkcs11_error'],
  ];
  for (const [ckr, code] of cases) {
    it(`${ckr} → ${code}`, () => {
      const value = (pkcs11 as unknown as Record<string, number>)[ckr]!;
      expect(ckrName(thrownBy('C_Login', value))).toBe(ckr);
      expect(tokenErrorCode(ckr)).toBe(code);
    });
  }

  it("reads C_CreateObject's failures, which carry the code in the message only", () => {
    expect(ckrName(new Error('CKR_TEMPLATE_INCOMPLETE:208'))).toBe('CKR_TEMPLATE_INCOMPLETE');
    expect(ckrName(new Error('CKR_DEVICE_MEMORY:49'))).toBe('CKR_DEVICE_MEMORY');
  });

  it('an error that is not a PKCS#11 one has no CKR name', () => {
    expect(ckrName(new Error('certificatePem: not an X.509 certificate'))).toBeUndefined();
    expect(ckrName('CKR_PIN_INCORRECT')).toBeUndefined();
  });

  it('a code no constant names is shown in hex', () => {
    expect(ckrName(thrownBy('C_Sign', 0x8000_0123))).toBe('CKR_0x80000123');
  });
});
