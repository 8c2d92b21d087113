/**
 * Italian VAT number (partita IVA).
 *
 * Shape: 11 digits, optionally written with a leading "IT" (the EU VAT prefix).
 *  - digits 1–7: progressive number given by the tax office;
 *  - digits 8–10: office code, 001–100 (provincial offices), 120, 121, 888 or 999;
 *  - digit 11: check digit (Luhn-like, see {@link partitaIvaCheckDigit}).
 *
 * Pure; its only import is the sibling typing.ts (what people type between the characters).
 */
import { compactUpper } from './typing';

export type PartitaIvaRule = 'format' | 'office-code' | 'check-digit';

export type PartitaIvaCheck =
  | { ok: true; value: string }
  | { ok: false; rule: PartitaIvaRule; message: string; /** The right check digit, when that is what is wrong. */ expected?: string };

/** Upper case, without spaces, dashes or a leading "IT" prefix: the 11 digits when well formed. */
export function normalisePartitaIva(input: string): string {
  const compact = compactUpper(input);
  return compact.startsWith('IT') ? compact.slice(2) : compact;
}

/**
 * Check digit of a partita IVA (also of an 11-digit numeric codice fiscale), from its first 10
 * digits: digits in odd positions (1st, 3rd, …) are summed as they are; digits in even positions
 * are doubled, subtracting 9 when the double exceeds 9; the check digit is
 * (10 − sum mod 10) mod 10.
 */
export function partitaIvaCheckDigit(first10: string): number {
  if (!/^\d{10}$/.test(first10)) {
    throw new RangeError('partita IVA: the check digit is computed from exactly 10 digits');
  }
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const d = first10.charCodeAt(i) - 48;
    if (i % 2 === 0) {
      sum += d;
    } else {
      const doubled = d * 2;
      sum += doubled > 9 ? doubled - 9 : doubled;
    }
  }
  return (10 - (sum % 10)) % 10;
}

/** True when `code` (three digits) is an office code a partita IVA may carry. */
export function isValidOfficeCode(code: string): boolean {
  if (!/^\d{3}$/.test(code)) return false;
  const n = Number(code);
  return (n >= 1 && n <= 100) || n === 120 || n === 121 || n === 888 || n === 999;
}

/**
 * Validates a partita IVA. On success `value` is the 11 digits, without "IT" and without spaces.
 * Failures, in the order they are checked: `format`, `office-code`, `check-digit`.
 */
export function checkPartitaIva(input: string): PartitaIvaCheck {
  const value = normalisePartitaIva(input);
  if (!/^\d{11}$/.test(value)) {
    return {
      ok: false,
      rule: 'format',
      message:
        value.length === 0
          ? 'partita IVA: it is empty; it must be 11 digits (optionally preceded by IT)'
          : `partita IVA: must be 11 digits, optionally preceded by IT (got ${describe(value)})`,
    };
  }
  const office = value.slice(7, 10);
  if (!isValidOfficeCode(office)) {
    return {
      ok: false,
      rule: 'office-code',
      message: `partita IVA: office code ${office} (digits 8-10) does not exist; it must be 001-100, 120, 121, 888 or 999`,
    };
  }
  const expected = partitaIvaCheckDigit(value.slice(0, 10));
  if (value.charCodeAt(10) - 48 !== expected) {
    return {
      ok: false,
      rule: 'check-digit',
      message: `partita IVA: check digit is wrong (expected ${expected})`,
      expected: String(expected),
    };
  }
  return { ok: true, value };
}

export function isPartitaIva(input: string): boolean {
  return checkPartitaIva(input).ok;
}

function describe(value: string): string {
  if (/^\d+$/.test(value)) return `${value.length} digits`;
  return `${value.length} characters, not all digits`;
}
