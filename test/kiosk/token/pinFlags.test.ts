import { describe, expect, it } from 'vitest';
import {
  CKF_USER_PIN_COUNT_LOW,
  CKF_USER_PIN_FINAL_TRY,
  CKF_USER_PIN_LOCKED,
  pinStateFromFlags,
} from '../../../kiosk/token/pinFlags';

// The flags a token carries besides the PIN's (CKF_RNG, CKF_LOGIN_REQUIRED, CKF_USER_PIN_INITIALIZED,
// CKF_TOKEN_INITIALIZED: what SoftHSM2 shows, 0x42d) must not change the answer.
const OTHER_FLAGS = 0x42d;

describe('the PIN state from the token flags', () => {
  const cases: Array<[string, number, string]> = [
    ['none', 0, 'ok'],
    ['count low', CKF_USER_PIN_COUNT_LOW, 'count_low'],
    ['final try', CKF_USER_PIN_FINAL_TRY, 'final_try'],
    ['locked', CKF_USER_PIN_LOCKED, 'locked'],
    ['count low + final try', CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY, 'final_try'],
    ['count low + locked', CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_LOCKED, 'locked'],
    ['final try + locked', CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED, 'locked'],
    ['all three', CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED, 'locked'],
  ];
  for (const [name, flags, state] of cases) {
    it(`${name} → ${state}`, () => {
      expect(pinStateFromFlags(flags)).toBe(state);
      expect(pinStateFromFlags(flags | OTHER_FLAGS)).toBe(state);
    });
  }

  it('the SO PIN flags (CKF_SO_PIN_*) say nothing about the user PIN', () => {
    expect(pinStateFromFlags(0x100000 | 0x200000 | 0x400000 | OTHER_FLAGS)).toBe('ok');
  });
});
