import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkPartitaIva,
  isPartitaIva,
  isValidOfficeCode,
  normalisePartitaIva,
  partitaIvaCheckDigit,
} from '../../../domain/shared/partitaIva';

function failure(input: string) {
  const r = checkPartitaIva(input);
  if (r.ok) throw new Error(`expected ${input} to be rejected`);
  return r;
}

describe('partita IVA', () => {
  it.each(['00743110157', '12345670017', '00000010124'])('accepts %s', (piva) => {
    expect(checkPartitaIva(piva)).toEqual({ ok: true, value: piva });
  });

  it('accepts an IT prefix, spaces and lower case', () => {
    expect(normalisePartitaIva(' it 007 4311 0157 ')).toBe('00743110157');
    expect(checkPartitaIva('IT00743110157')).toEqual({ ok: true, value: '00743110157' });
    expect(checkPartitaIva('it 00743110157')).toEqual({ ok: true, value: '00743110157' });
  });

  it('computes the check digit (odd positions as they are, even positions doubled)', () => {
    expect(partitaIvaCheckDigit('0074311015')).toBe(7);
    expect(partitaIvaCheckDigit('1234567001')).toBe(7);
    expect(() => partitaIvaCheckDigit('123')).toThrow(RangeError);
  });

  it('knows the office codes', () => {
    for (const ok of ['001', '050', '100', '120', '121', '888', '999']) expect(isValidOfficeCode(ok)).toBe(true);
    for (const bad of ['000', '101', '119', '122', '500', '887', '998', '1', 'abc']) expect(isValidOfficeCode(bad)).toBe(false);
  });

  describe('failures', () => {
    it('format', () => {
      expect(failure('0074311015')).toEqual({
        ok: false,
        rule: 'format',
        message: 'partita IVA: must be 11 digits, optionally preceded by IT (got 10 digits)',
      });
      expect(failure('0074311015A').message).toBe(
        'partita IVA: must be 11 digits, optionally preceded by IT (got 11 characters, not all digits)',
      );
      expect(failure('DE00743110157').rule).toBe('format');
      expect(failure('').message).toBe('partita IVA: it is empty; it must be 11 digits (optionally preceded by IT)');
    });

    it('office code', () => {
      // right check digit, office 000
      const first10 = '1234567000';
      const piva = first10 + String(partitaIvaCheckDigit(first10));
      expect(failure(piva)).toEqual({
        ok: false,
        rule: 'office-code',
        message:
          'partita IVA: office code 000 (digits 8-10) does not exist; it must be 001-100, 120, 121, 888 or 999',
      });
      const other = '1234567101' + String(partitaIvaCheckDigit('1234567101'));
      expect(failure(other).rule).toBe('office-code');
    });

    it('check digit', () => {
      expect(failure('00743110158')).toEqual({
        ok: false,
        rule: 'check-digit',
        message: 'partita IVA: check digit is wrong (expected 7)',
        expected: '7',
      });
    });
  });

  it('property: every wrong final digit is rejected, the right one accepted', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{7}$/),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 9 }),
        (progressive, office, last) => {
          const first10 = progressive + String(office).padStart(3, '0');
          const expected = partitaIvaCheckDigit(first10);
          expect(isPartitaIva(first10 + String(last))).toBe(last === expected);
        },
      ),
    );
  });

  it('property: a single changed digit in the first 10 is detected', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{7}$/), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 9 }), (progressive, pos, delta) => {
        const first10 = progressive + '015';
        const valid = first10 + String(partitaIvaCheckDigit(first10));
        const changed = (Number(valid[pos]) + delta) % 10;
        const typo = valid.slice(0, pos) + String(changed) + valid.slice(pos + 1);
        expect(isPartitaIva(typo)).toBe(false);
      }),
    );
  });
});
