// The user PIN's state as the token's CK_TOKEN_INFO.flags tell it. Pure, so that every combination
// can be tested: SoftHSM2 sets CKF_USER_PIN_COUNT_LOW after a wrong PIN but never
// CKF_USER_PIN_FINAL_TRY or CKF_USER_PIN_LOCKED, which real cards do.
import type { PinState } from './port';

export const CKF_USER_PIN_COUNT_LOW = 0x10000;
export const CKF_USER_PIN_FINAL_TRY = 0x20000;
export const CKF_USER_PIN_LOCKED = 0x40000;

/** Locked wins over final try, final try over count low: the page shows the most urgent one. */
export function pinStateFromFlags(flags: number): PinState {
  if (flags & CKF_USER_PIN_LOCKED) return 'locked';
  if (flags & CKF_USER_PIN_FINAL_TRY) return 'final_try';
  if (flags & CKF_USER_PIN_COUNT_LOW) return 'count_low';
  return 'ok';
}
