import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkCodiceFiscale,
  codiceFiscaleCheckCharacter,
  isCodiceFiscale,
  normaliseCodiceFiscale,
  omocodiaBase,
  OMOCODIA_LETTERS,
} from '../../../domain/shared/codiceFiscale';

function failure(input: string, options?: { allowNumeric?: boolean }) {
  const r = checkCodiceFiscale(input, options);
  if (r.ok) throw new Error(`expected ${input} to be rejected`);
  return r;
}

describe('codice fiscale', () => {
  // Check characters cross-checked with an independent implementation of the official tables.
  it.each([
    'RSSMRA80A01H501U', // the well-known example
    'VRDGNN85T41F205I', // woman (day 01 + 40), December
    'BNCLRA92B29L219R', // 29 February (year not known: 29 is allowed)
    'RSSMRA80A41H501Y',
  ])('accepts %s', (cf) => {
    expect(checkCodiceFiscale(cf)).toEqual({ ok: true, value: cf });
  });

  it('normalises: trims, upper-cases, removes spaces', () => {
    expect(normaliseCodiceFiscale('  rss mra 80a01 h501u ')).toBe('RSSMRA80A01H501U');
    expect(checkCodiceFiscale('  rss mra 80a01 h501u ')).toEqual({ ok: true, value: 'RSSMRA80A01H501U' });
  });

  it('computes the check character by the odd/even tables', () => {
    expect(codiceFiscaleCheckCharacter('RSSMRA80A01H501')).toBe('U');
    expect(codiceFiscaleCheckCharacter('VRDGNN85T41F205')).toBe('I');
  });

  describe('omocodia', () => {
    it.each([
      'RSSMRA80A01H50MM', // position 15: 1 → M
      'RSSMRA80A01H5LMX', // positions 14, 15
      'RSSMRAULALMHRLMD', // every digit position replaced
    ])('accepts the omocodic form %s with its recomputed check character', (cf) => {
      expect(checkCodiceFiscale(cf)).toEqual({ ok: true, value: cf });
      expect(omocodiaBase(cf)).toBe('RSSMRA80A01H501U');
    });

    it('rejects an omocodic form that kept the old check character', () => {
      expect(failure('RSSMRA80A01H50MU')).toMatchObject({
        rule: 'check-character',
        message: 'codice fiscale: check character is wrong (expected M)',
      });
    });

    it('property: any set of digit positions replaced by omocodia letters, with the check recomputed, is valid', () => {
      const positions = [6, 7, 9, 10, 12, 13, 14];
      fc.assert(
        fc.property(fc.subarray(positions), (replaced) => {
          const chars = 'RSSMRA80A01H501'.split('');
          for (const p of replaced) chars[p] = OMOCODIA_LETTERS[Number(chars[p])] as string;
          const first15 = chars.join('');
          const cf = first15 + codiceFiscaleCheckCharacter(first15);
          expect(isCodiceFiscale(cf)).toBe(true);
          expect(omocodiaBase(cf)).toBe('RSSMRA80A01H501U');
        }),
      );
    });

    it('rejects a letter outside LMNPQRSTUV in a digit position', () => {
      expect(failure('RSSMRA80A01H50AU')).toMatchObject({
        rule: 'format',
        message: "codice fiscale: wrong format, character 15 must be a digit or one of LMNPQRSTUV (got 'A')",
      });
    });
  });

  describe('failures, each with its own rule and message', () => {
    it('wrong length', () => {
      expect(failure('RSSMRA80A01H501')).toEqual({
        ok: false,
        rule: 'length',
        message: 'codice fiscale: must be 16 characters (got 15)',
      });
      expect(failure('RSSMRA80A01H501UX').rule).toBe('length');
      expect(failure('   ').message).toBe('codice fiscale: it is empty; it must be 16 characters');
    });

    it('wrong format', () => {
      expect(failure('R5SMRA80A01H501U')).toEqual({
        ok: false,
        rule: 'format',
        message: "codice fiscale: wrong format, character 2 must be a letter (got '5')",
      });
      expect(failure('RSSMRA80A01H50!U').rule).toBe('format');
      expect(failure('RSSMRA80A01H5011').message).toBe(
        "codice fiscale: wrong format, character 16 must be a letter (got '1')",
      );
    });

    it('wrong month', () => {
      expect(failure('RSSMRA80F01H501U')).toEqual({
        ok: false,
        rule: 'month',
        message: "codice fiscale: month letter 'F' (character 9) is wrong; it must be one of ABCDEHLMPRST",
      });
    });

    it('wrong day', () => {
      for (const day of ['00', '32', '40', '72', '99', 'LL']) {
        const r = failure(`RSSMRA80A${day}H501U`);
        expect(r.rule).toBe('day');
      }
      expect(failure('RSSMRA80A32H501U').message).toBe(
        'codice fiscale: day 32 (characters 10-11) is wrong; it must be 01-31, or 41-71 for women',
      );
      // 31 April does not exist, nor does 30 February (for women too: 70)
      expect(failure('RSSMRA80D31H501U').message).toBe(
        'codice fiscale: day 31 (characters 10-11) is wrong; April has at most 30 days',
      );
      expect(failure('RSSMRA80B70H501U').message).toBe(
        'codice fiscale: day 70 (characters 10-11) is wrong; February has at most 29 days',
      );
    });

    it('wrong check character', () => {
      expect(failure('RSSMRA80A01H501X')).toEqual({
        ok: false,
        rule: 'check-character',
        message: 'codice fiscale: check character is wrong (expected U)',
        expected: 'U',
      });
    });

    it('property: changing one character of a valid code never leaves it valid', () => {
      const valid = 'RSSMRA80A01H501U';
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 15 }), fc.constantFrom(...alphabet), (pos, ch) => {
          fc.pre(valid[pos] !== ch);
          const typo = valid.slice(0, pos) + ch + valid.slice(pos + 1);
          // An omocodia letter standing for the same digit is a different, valid code:
          const sameDigit = /\d/.test(valid[pos] as string) && OMOCODIA_LETTERS[Number(valid[pos])] === ch;
          fc.pre(!sameDigit);
          expect(isCodiceFiscale(typo)).toBe(false);
        }),
      );
    });
  });

  describe('numeric codice fiscale of a legal person', () => {
    it('is rejected unless allowed, with a hint', () => {
      expect(failure('00743110157')).toMatchObject({ rule: 'length', message: 'codice fiscale: must be 16 characters (got 11)' });
      expect(failure('0074311015', { allowNumeric: true }).message).toBe(
        'codice fiscale: must be 16 characters (or 11 digits for a company) (got 10)',
      );
    });

    it('is accepted with allowNumeric when its check digit is right', () => {
      expect(checkCodiceFiscale(' 00743110157 ', { allowNumeric: true })).toEqual({ ok: true, value: '00743110157' });
      expect(checkCodiceFiscale('80000000002', { allowNumeric: true }).ok).toBe(true);
      expect(checkCodiceFiscale('97000001129', { allowNumeric: true }).ok).toBe(true);
      expect(failure('00743110158', { allowNumeric: true })).toEqual({
        ok: false,
        rule: 'check-character',
        message: 'codice fiscale: check digit of the numeric code is wrong (expected 7)',
        expected: '7',
      });
    });

    it('still accepts personal codes with allowNumeric', () => {
      expect(checkCodiceFiscale('RSSMRA80A01H501U', { allowNumeric: true }).ok).toBe(true);
    });
  });
});
