// The guard of coupon codes: stream `coupon-code-<normalised code>` holds one CouponCodeClaimed,
// appended with expected revision 'no_stream', so a code is never given to two coupons (the
// second append fails; the handler draws a new code). It also maps a typed code to its coupon for
// the public status check.
import { decideClaim } from '../shared/uniqueClaim';
import type { CouponCodeEvent } from './events';
import { conflict, invalid } from '../shared/errors';
import { checkCouponCode, normaliseCouponCode } from '../shared/couponCode';

/** Stream of a code as anyone may type it (case, dashes, O/0, I/L/1 do not matter). */
export const couponCodeStreamOf = (code: string): string => `coupon-code-${normaliseCouponCode(code)}`;
export const streamOf = couponCodeStreamOf;

export type CouponCodeState = { status: 'free' } | { status: 'claimed'; code: string; couponId: string; claimedAt: string };

export const initialState = (): CouponCodeState => ({ status: 'free' });

export function evolve(_state: CouponCodeState, event: CouponCodeEvent): CouponCodeState {
  switch (event.type) {
    case 'CouponCodeClaimed':
      return { status: 'claimed', ...event.data };
  }
}

export const couponCodeAggregate = { initialState, evolve };

export interface ClaimCouponCode {
  code: string;
  couponId: string;
  at: string;
}

export function claimCouponCode(command: ClaimCouponCode, state: CouponCodeState): CouponCodeEvent[] {
  const code = checkCouponCode(command.code);
  if (!code.ok) throw invalid('code', code.message, 'coupon_code_invalid');
  const claim: CouponCodeEvent[] = [{ type: 'CouponCodeClaimed', data: { code: normaliseCouponCode(code.value), couponId: command.couponId, claimedAt: command.at } }];
  return decideClaim(couponOfCode(state), command.couponId, claim, () => conflict('coupon_code_taken', 'this code already belongs to another coupon'));
}

/** The coupon a code names, or null. */
export const couponOfCode = (state: CouponCodeState): string | null => (state.status === 'claimed' ? state.couponId : null);
