import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkCouponCode,
  COUPON_ALPHABET,
  COUPON_RANDOM_BITS,
  couponCheckSymbol,
  couponCodeHint,
  generateCouponCode,
  isCouponCode,
  normaliseCouponCode,
  parseCouponCode,
  type RandomSource,
} from '../../../domain/shared/couponCode';

const fixed = (bytes: number[]): RandomSource => (size) => Uint8Array.from(bytes.slice(0, size));
const symbolsOf = (code: string) => code.replace(/-/g, '');
const codeArb = fc.uint8Array({ minLength: 19, maxLength: 19 }).map((bytes) => generateCouponCode(() => bytes));

describe('coupon codes', () => {
  it('have at least 80 random bits, in 5 groups of 4 Crockford base32 symbols', () => {
    expect(COUPON_RANDOM_BITS).toBeGreaterThanOrEqual(80);
    const code = generateCouponCode(randomBytes);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    expect(code).not.toMatch(/[ILOU]/);
    expect(checkCouponCode(code)).toEqual({ ok: true, value: code });
  });

  it('use the injected random source, one byte (low 5 bits) per symbol', () => {
    const bytes = Array.from({ length: 19 }, (_, i) => i + 32 * (i % 3)); // high bits are ignored
    const code = generateCouponCode(fixed(bytes));
    expect(symbolsOf(code).slice(0, 19)).toBe('0123456789ABCDEFGHJ');
    expect(symbolsOf(code)).toHaveLength(20);
    expect(code.slice(-1)).toBe(couponCheckSymbol('0123456789ABCDEFGHJ'));
    expect(generateCouponCode(fixed(bytes))).toBe(code);
    expect(() => generateCouponCode(fixed([1, 2, 3]))).toThrow(RangeError);
  });

  it('are different each time with the real random source', () => {
    const codes = new Set(Array.from({ length: 1000 }, () => generateCouponCode(randomBytes)));
    expect(codes.size).toBe(1000);
  });

  it('all-zero random part has check symbol 0', () => {
    expect(generateCouponCode(fixed(new Array(19).fill(0)))).toBe('0000-0000-0000-0000-0000');
  });

  describe('parsing', () => {
    const code = generateCouponCode(fixed([7, 30, 21, 2, 9, 29, 20, 13, 4, 17, 25, 0, 31, 11, 27, 28, 8, 18, 12]));

    it('normalises case, spaces, dashes and the look-alike letters', () => {
      expect(normaliseCouponCode(' ab-cd  efO il ')).toBe('ABCDEF011');
      expect(parseCouponCode(code.toLowerCase().replace(/-/g, ' '))).toEqual({ ok: true, value: code });
      expect(parseCouponCode(symbolsOf(code))).toEqual({ ok: true, value: code });
      expect(parseCouponCode(`  ${code}  `)).toEqual({ ok: true, value: code });
      const zeroOne = generateCouponCode(fixed([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]));
      expect(parseCouponCode(zeroOne.replace(/0/g, 'o').replace(/1/g, 'l'))).toEqual({ ok: true, value: zeroOne });
      expect(parseCouponCode(zeroOne.replace(/0/g, 'O').replace(/1/g, 'I'))).toEqual({ ok: true, value: zeroOne });
    });

    it('tells malformed input: not a coupon code', () => {
      expect(checkCouponCode('')).toEqual({ ok: false, rule: 'malformed', message: 'not a coupon code: it is empty' });
      expect(checkCouponCode('hello')).toEqual({
        ok: false,
        rule: 'malformed',
        message: 'not a coupon code: it must have 20 letters or digits (got 5)',
      });
      expect(checkCouponCode(code.slice(0, -1))).toMatchObject({ rule: 'malformed' });
      expect(checkCouponCode(`${code}X`)).toMatchObject({ rule: 'malformed' });
      expect(checkCouponCode(`U${code.slice(1)}`)).toEqual({
        ok: false,
        rule: 'malformed',
        message: "not a coupon code: character 'U' is not allowed (only digits and letters other than U)",
      });
      expect(checkCouponCode(code.replace('-', '_'))).toMatchObject({ rule: 'malformed' });
    });

    it('tells mistyped codes: check character does not match', () => {
      const last = code.slice(-1);
      const wrong = COUPON_ALPHABET[(COUPON_ALPHABET.indexOf(last) + 1) % 32] as string;
      expect(checkCouponCode(code.slice(0, -1) + wrong)).toEqual({
        ok: false,
        rule: 'mistyped',
        message: 'mistyped: check character does not match',
      });
      expect(isCouponCode(code.slice(0, -1) + wrong)).toBe(false);
    });
  });

  describe('property: typos are always detected', () => {
    it('a single wrong symbol, anywhere (check symbol included)', () => {
      fc.assert(
        fc.property(codeArb, fc.integer({ min: 0, max: 19 }), fc.integer({ min: 1, max: 31 }), (code, pos, shift) => {
          const s = symbolsOf(code);
          const replacement = COUPON_ALPHABET[(COUPON_ALPHABET.indexOf(s[pos] as string) + shift) % 32] as string;
          const typo = s.slice(0, pos) + replacement + s.slice(pos + 1);
          expect(checkCouponCode(typo)).toMatchObject({ ok: false, rule: 'mistyped' });
        }),
        { numRuns: 2000 },
      );
    });

    it('two adjacent different symbols swapped (across a dash too, check symbol included)', () => {
      fc.assert(
        fc.property(codeArb, fc.integer({ min: 0, max: 18 }), (code, i) => {
          const s = symbolsOf(code);
          fc.pre(s[i] !== s[i + 1]);
          const swapped = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
          expect(checkCouponCode(swapped)).toMatchObject({ ok: false, rule: 'mistyped' });
        }),
        { numRuns: 2000 },
      );
    });

    it('exhaustively for one code: every substitution and every transposition', () => {
      const s = symbolsOf(generateCouponCode(fixed([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8])));
      for (let i = 0; i < 20; i++) {
        for (const c of COUPON_ALPHABET) {
          if (c === s[i]) continue;
          expect(isCouponCode(s.slice(0, i) + c + s.slice(i + 1))).toBe(false);
        }
        for (let j = i + 1; j < 20; j++) {
          if (s[i] === s[j]) continue;
          const t = s.split('');
          [t[i], t[j]] = [t[j] as string, t[i] as string];
          expect(isCouponCode(t.join(''))).toBe(false);
        }
      }
    });
  });

  describe('hint', () => {
    it('masks all but the last group', () => {
      const code = generateCouponCode(fixed(Array.from({ length: 19 }, (_, i) => i)));
      expect(couponCodeHint(code)).toBe(`****-****-****-****-${code.slice(-4)}`);
      expect(couponCodeHint(code.toLowerCase().replace(/-/g, ''))).toBe(`****-****-****-****-${code.slice(-4)}`);
    });

    it('does not echo input that is not shaped like a code', () => {
      expect(couponCodeHint('my password')).toBe('(not a coupon code)');
      expect(couponCodeHint('')).toBe('(not a coupon code)');
    });
  });
});
