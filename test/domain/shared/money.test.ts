import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  feeOf,
  formatDay,
  formatEuro,
  formatRate,
  formatRomeDate,
  formatRomeDateTime,
  lineAmounts,
  percentageOf,
  vatOf,
  vatSummary,
} from '../../../domain/shared/money';

const VAT_22 = 2200;

describe('VAT and fees (integer cents, rates in basis points)', () => {
  it("matches the guides' figures", () => {
    expect(lineAmounts({ unitPriceCents: 2600, quantity: 1, vatRateBp: VAT_22 })).toEqual({ taxableCents: 2600, vatCents: 572, totalCents: 3172 });
    expect(lineAmounts({ unitPriceCents: 1100, quantity: 1, vatRateBp: VAT_22 })).toEqual({ taxableCents: 1100, vatCents: 242, totalCents: 1342 });
    expect(lineAmounts({ unitPriceCents: 3000, quantity: 1, vatRateBp: VAT_22 })).toEqual({ taxableCents: 3000, vatCents: 660, totalCents: 3660 });
    expect(lineAmounts({ unitPriceCents: 2000, quantity: 1, vatRateBp: VAT_22 })).toEqual({ taxableCents: 2000, vatCents: 440, totalCents: 2440 });
    expect(lineAmounts({ unitPriceCents: 1000, quantity: 1, vatRateBp: VAT_22 })).toEqual({ taxableCents: 1000, vatCents: 220, totalCents: 1220 });
    // 1.80 % administrative fee on €33.00 = €0.594 → €0.59
    expect(feeOf(3300, 180)).toBe(59);
  });

  it('rounds half up (half away from zero)', () => {
    expect(vatOf(25, VAT_22)).toBe(6); // 5.5 → 6
    expect(vatOf(75, VAT_22)).toBe(17); // 16.5 → 17
    expect(vatOf(2, 2500)).toBe(1); // 0.5 → 1
    expect(vatOf(1, 4999)).toBe(0); // 0.4999 → 0
    expect(vatOf(1, 5000)).toBe(1); // 0.5 → 1
    expect(vatOf(227, VAT_22)).toBe(50); // 49.94 → 50
    expect(vatOf(2272, VAT_22)).toBe(500); // 499.84 → 500
    expect(feeOf(2775, 180)).toBe(50); // 49.95 → 50
    expect(feeOf(2747, 180)).toBe(49); // 49.446 → 49
    expect(vatOf(0, VAT_22)).toBe(0);
    expect(vatOf(12345, 0)).toBe(0);
  });

  it('is symmetric for negative amounts (credit notes mirror invoices)', () => {
    expect(vatOf(-25, VAT_22)).toBe(-6);
    expect(vatOf(-2600, VAT_22)).toBe(-572);
    expect(Object.is(vatOf(-1, VAT_22), -0)).toBe(false);
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 10000 }), (cents, bp) => {
      expect(vatOf(-cents, bp)).toBe(-vatOf(cents, bp) || 0);
    }));
  });

  it('is exact on big sums (no floating point)', () => {
    expect(vatOf(Number.MAX_SAFE_INTEGER, VAT_22)).toBe(1981583836043018); // …018.02
    expect(vatOf(4503599627370497, 5000)).toBe(2251799813685249); // ….5 → up
    expect(lineAmounts({ unitPriceCents: 99_999_99, quantity: 1_000_000, vatRateBp: VAT_22 })).toEqual({
      taxableCents: 9_999_999_000_000,
      vatCents: 2_199_999_780_000,
      totalCents: 12_199_998_780_000,
    });
    expect(() => lineAmounts({ unitPriceCents: Number.MAX_SAFE_INTEGER, quantity: 2, vatRateBp: VAT_22 })).toThrow(RangeError);
  });

  it('property: equals the exact rational rounded half up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 10000 }), (cents, bp) => {
        const exactTimes10000 = BigInt(cents) * BigInt(bp);
        const v = BigInt(vatOf(cents, bp));
        // v − 1/2 ≤ exact < v + 1/2
        expect(2n * exactTimes10000 >= (2n * v - 1n) * 10000n).toBe(true);
        expect(2n * exactTimes10000 < (2n * v + 1n) * 10000n).toBe(true);
      }),
    );
  });

  it('refuses non-integer amounts and rates', () => {
    expect(() => vatOf(10.5, VAT_22)).toThrow(RangeError);
    expect(() => vatOf(1000, 22.5)).toThrow(RangeError);
    expect(() => vatOf(1000, -1)).toThrow(RangeError);
    expect(() => percentageOf(Number.NaN, 100)).toThrow(RangeError);
    expect(() => lineAmounts({ unitPriceCents: 100, quantity: 1.5, vatRateBp: VAT_22 })).toThrow(RangeError);
  });

  it('computes VAT per line, then sums per rate', () => {
    const summary = vatSummary([
      { unitPriceCents: 1100, quantity: 3, vatRateBp: VAT_22 }, // 3300 + 726
      { unitPriceCents: 25, quantity: 1, vatRateBp: VAT_22 }, // 25 + 6 (5.5)
      { unitPriceCents: 25, quantity: 1, vatRateBp: VAT_22 }, // 25 + 6 (5.5)
      { unitPriceCents: 1000, quantity: 2, vatRateBp: 0 }, // 2000 + 0
      { unitPriceCents: 1050, quantity: 1, vatRateBp: 1000 }, // 1050 + 105
    ]);
    expect(summary).toEqual({
      byRate: [
        { rateBp: 0, taxableCents: 2000, vatCents: 0, totalCents: 2000 },
        { rateBp: 1000, taxableCents: 1050, vatCents: 105, totalCents: 1155 },
        // per line: 726 + 6 + 6 = 738 (on the rate's total it would be 737: 3350 × 22 % = 737.0)
        { rateBp: 2200, taxableCents: 3350, vatCents: 738, totalCents: 4088 },
      ],
      taxableCents: 6400,
      vatCents: 843,
      totalCents: 7243,
    });
    expect(vatSummary([])).toEqual({ byRate: [], taxableCents: 0, vatCents: 0, totalCents: 0 });
  });

  it('the guided choice: both certificates of one device', () => {
    const s = vatSummary([
      { unitPriceCents: 1100, quantity: 1, vatRateBp: VAT_22 },
      { unitPriceCents: 2000, quantity: 1, vatRateBp: VAT_22 },
    ]);
    expect(s).toMatchObject({ taxableCents: 3100, vatCents: 682, totalCents: 3782 });
  });
});

describe('formatEuro (Italian, normal space before €)', () => {
  it.each([
    [0, '0,00 €'],
    [5, '0,05 €'],
    [50, '0,50 €'],
    [3172, '31,72 €'],
    [99999, '999,99 €'],
    [100000, '1.000,00 €'],
    [123456, '1.234,56 €'],
    [123456789, '1.234.567,89 €'],
    [Number.MAX_SAFE_INTEGER, '90.071.992.547.409,91 €'],
    [-5, '-0,05 €'],
    [-123456, '-1.234,56 €'],
    [-0, '0,00 €'],
  ])('%d cents → %s', (cents, text) => {
    expect(formatEuro(cents)).toBe(text);
  });

  it('refuses fractions of a cent', () => {
    expect(() => formatEuro(1.5)).toThrow(RangeError);
  });
});

describe('formatRate', () => {
  it.each([
    [2200, '22%'],
    [180, '1,8%'],
    [1050, '10,5%'],
    [5, '0,05%'],
    [0, '0%'],
  ])('%d bp → %s', (bp, text) => {
    expect(formatRate(bp)).toBe(text);
  });
});

describe('Rome dates', () => {
  it('formats in Europe/Rome, whatever the machine time zone', () => {
    expect(formatRomeDate(new Date('2024-05-10T08:00:00Z'))).toBe('10/05/2024');
    expect(formatRomeDateTime(new Date('2024-05-10T08:05:00Z'))).toBe('10/05/2024 10:05');
    expect(formatRomeDateTime('2024-01-10T08:05:00Z')).toBe('10/01/2024 09:05');
    expect(formatRomeDateTime(Date.UTC(2024, 0, 10, 23, 0))).toBe('11/01/2024 00:00');
  });

  it('uses 00, not 24, for midnight', () => {
    expect(formatRomeDateTime('2024-02-29T23:00:00Z')).toBe('01/03/2024 00:00');
  });

  it('changes day at Rome midnight, not UTC midnight', () => {
    // summer (UTC+2)
    expect(formatRomeDate('2024-06-30T21:59:59Z')).toBe('30/06/2024');
    expect(formatRomeDate('2024-06-30T22:00:00Z')).toBe('01/07/2024');
    // winter (UTC+1); also the year of an invoice
    expect(formatRomeDateTime('2024-12-31T22:59:00Z')).toBe('31/12/2024 23:59');
    expect(formatRomeDateTime('2024-12-31T23:00:00Z')).toBe('01/01/2025 00:00');
  });

  it('follows the DST changes', () => {
    // spring forward, last Sunday of March: 02:00 → 03:00 at 01:00 UTC
    expect(formatRomeDateTime('2024-03-31T00:59:00Z')).toBe('31/03/2024 01:59');
    expect(formatRomeDateTime('2024-03-31T01:00:00Z')).toBe('31/03/2024 03:00');
    // fall back, last Sunday of October: 03:00 → 02:00 at 01:00 UTC; 02:30 happens twice
    expect(formatRomeDateTime('2024-10-27T00:30:00Z')).toBe('27/10/2024 02:30');
    expect(formatRomeDateTime('2024-10-27T01:30:00Z')).toBe('27/10/2024 02:30');
    expect(formatRomeDateTime('2024-10-27T02:00:00Z')).toBe('27/10/2024 03:00');
    // the evening before the spring change is still UTC+1
    expect(formatRomeDateTime('2024-03-30T23:30:00Z')).toBe('31/03/2024 00:30');
    expect(formatRomeDateTime('2025-03-30T01:00:00Z')).toBe('30/03/2025 03:00');
  });

  it('refuses invalid dates', () => {
    expect(() => formatRomeDate(new Date('nonsense'))).toThrow(RangeError);
    expect(() => formatRomeDateTime('2024-13-45')).toThrow(RangeError);
  });
});

describe('formatDay', () => {
  it('writes a calendar day the Italian way, with no time zone', () => {
    expect(formatDay('2026-05-01')).toBe('01/05/2026');
    expect(formatDay('2024-12-31')).toBe('31/12/2024');
  });

  it('refuses what is not a day', () => {
    expect(() => formatDay('2026-05-01T10:00:00Z')).toThrow(RangeError);
    expect(() => formatDay('1/5/2026')).toThrow(RangeError);
  });
});
