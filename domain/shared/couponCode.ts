/**
 * Coupon codes: secret, random, easy to read aloud and to type.
 *
 *  - 19 random symbols of Crockford base32 (`0123456789ABCDEFGHJKMNPQRSTVWXYZ`: no I, L, O, U),
 *    i.e. 95 random bits, plus 1 check symbol = 20 symbols, shown in 5 groups of 4:
 *    `K7Q2-9XMD-4HRT-0ZBW-J8NC`.
 *  - The check symbol is from the same alphabet (no extra symbols to spell out). It makes the
 *    weighted sum of all 20 symbols zero in the finite field GF(32), with a different non-zero
 *    weight for every position. Hence every single wrong symbol and every swap of two different
 *    symbols (adjacent or not) is detected.
 *  - Input is forgiving as Crockford says: case, spaces and dashes are ignored, O is read as 0,
 *    I and L as 1.
 *
 * Pure: the random bytes come from the caller (`node:crypto` in the server, fixed bytes in tests).
 */
import { compactUpper } from './typing';

export type CouponCodeRule = 'malformed' | 'mistyped';

export type CouponCodeCheck =
  | { ok: true; value: string }
  | { ok: false; rule: CouponCodeRule; message: string };

/** Returns `size` random bytes. */
export type RandomSource = (size: number) => Uint8Array;

export const COUPON_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const COUPON_RANDOM_SYMBOLS = 19;
export const COUPON_RANDOM_BITS = COUPON_RANDOM_SYMBOLS * 5;
export const COUPON_SYMBOLS = COUPON_RANDOM_SYMBOLS + 1;
const GROUP = 4;

// GF(32) = GF(2)[x] / (x^5 + x^2 + 1); x (= 2) is a primitive element.
const EXP: number[] = [];
const LOG: number[] = new Array<number>(32).fill(0);
{
  let v = 1;
  for (let i = 0; i < 31; i++) {
    EXP.push(v);
    LOG[v] = i;
    v <<= 1;
    if (v & 0x20) v ^= 0x25;
  }
}
function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[((LOG[a] as number) + (LOG[b] as number)) % 31] as number;
}
/** Weight of symbol `i` (0-based): x^(i+1); the check symbol (i = 19) gets weight 1 instead. */
function weight(i: number): number {
  return i === COUPON_RANDOM_SYMBOLS ? 1 : (EXP[(i + 1) % 31] as number);
}

/** Weighted sum of the symbol values, in GF(32). */
function syndrome(values: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s ^= gfMul(values[i] as number, weight(i));
  return s;
}

/** The check symbol for the 19 random symbols. */
export function couponCheckSymbol(randomPart: string): string {
  const values = [...randomPart].map((c) => COUPON_ALPHABET.indexOf(c));
  if (values.length !== COUPON_RANDOM_SYMBOLS || values.some((v) => v < 0)) {
    throw new RangeError(`coupon code: the check symbol is computed from ${COUPON_RANDOM_SYMBOLS} symbols`);
  }
  // weight of the check symbol is 1, so it is the sum of the others (addition is XOR).
  return COUPON_ALPHABET[syndrome(values)] as string;
}

function group(symbols: string): string {
  return (symbols.match(new RegExp(`.{1,${GROUP}}`, 'g')) ?? []).join('-');
}

/** A new coupon code, e.g. `K7Q2-9XMD-4HRT-0ZBW-J8NC`. */
export function generateCouponCode(randomBytes: RandomSource): string {
  const bytes = randomBytes(COUPON_RANDOM_SYMBOLS);
  if (bytes.length < COUPON_RANDOM_SYMBOLS) throw new RangeError('coupon code: the random source gave too few bytes');
  let randomPart = '';
  // The low 5 bits of a uniform byte are uniform: one byte per symbol.
  for (let i = 0; i < COUPON_RANDOM_SYMBOLS; i++) randomPart += COUPON_ALPHABET[(bytes[i] as number) & 31];
  return group(randomPart + couponCheckSymbol(randomPart));
}

/**
 * Upper case; spaces and dashes removed; O → 0, I and L → 1. Other characters are left as they
 * are (and make the code malformed).
 */
export function normaliseCouponCode(input: string): string {
  return compactUpper(input)
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

/**
 * Tells apart a malformed input ("not a coupon code"), a mistyped code (right shape, check
 * symbol does not match) and a well-formed code. On success `value` is the canonical form,
 * grouped with dashes.
 */
export function checkCouponCode(input: string): CouponCodeCheck {
  const symbols = normaliseCouponCode(input);
  if (symbols.length === 0) {
    return { ok: false, rule: 'malformed', message: 'not a coupon code: it is empty' };
  }
  for (const ch of symbols) {
    if (!COUPON_ALPHABET.includes(ch)) {
      return {
        ok: false,
        rule: 'malformed',
        message: `not a coupon code: character '${ch}' is not allowed (only digits and letters other than U)`,
      };
    }
  }
  if (symbols.length !== COUPON_SYMBOLS) {
    return {
      ok: false,
      rule: 'malformed',
      message: `not a coupon code: it must have ${COUPON_SYMBOLS} letters or digits (got ${symbols.length})`,
    };
  }
  if (syndrome([...symbols].map((c) => COUPON_ALPHABET.indexOf(c))) !== 0) {
    return { ok: false, rule: 'mistyped', message: 'mistyped: check character does not match' };
  }
  return { ok: true, value: group(symbols) };
}

/** Same as {@link checkCouponCode}. */
export const parseCouponCode = checkCouponCode;

export function isCouponCode(input: string): boolean {
  return checkCouponCode(input).ok;
}

/**
 * Masked form for logs and staff lists: only the last group shows, e.g.
 * `****-****-****-****-J8NC` (3 random symbols + the check symbol: 80 random bits stay secret).
 * Input that is not shaped like a coupon code is not echoed at all.
 */
export function couponCodeHint(code: string): string {
  const symbols = normaliseCouponCode(code);
  if (symbols.length !== COUPON_SYMBOLS || [...symbols].some((c) => !COUPON_ALPHABET.includes(c))) {
    return '(not a coupon code)';
  }
  return group('*'.repeat(COUPON_SYMBOLS - GROUP) + symbols.slice(-GROUP));
}
