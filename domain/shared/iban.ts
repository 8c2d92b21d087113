/**
 * IBAN, the international bank account number of ISO 13616.
 *
 * Shape: two letters (the country), two check digits, then the national account number (BBAN),
 * letters and digits, 15 to 34 characters in all; an Italian IBAN is 27. The check: move the
 * first four characters to the end, turn each letter into two digits (A = 10 … Z = 35), and the
 * number must leave 1 when divided by 97 (ISO 7064 MOD 97-10).
 *
 * Pure and free of zod: the console formats IBANs with it.
 */
import { compactUpper } from './typing';

export type IbanRule = 'format' | 'length' | 'check-digits';

export type IbanCheck = { ok: true; value: string } | { ok: false; rule: IbanRule; message: string };

/** The lengths of the IBANs of the SEPA countries most met here; other countries: 15–34. */
const LENGTH_BY_COUNTRY: Readonly<Record<string, number>> = {
  IT: 27, SM: 27, VA: 22, DE: 22, FR: 27, ES: 24, AT: 20, BE: 16, CH: 21, NL: 18, PT: 25, LU: 20, MC: 27, IE: 22, GB: 22,
};

/** Upper case, without the spaces or dashes people type between the groups. */
export function normaliseIban(input: string): string {
  return compactUpper(input);
}

/** The remainder mod 97 of the IBAN read as ISO 7064 asks (rearranged, letters as numbers). */
export function ibanRemainder(compact: string): number {
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const c of rearranged) {
    const value = c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 55 : c.charCodeAt(0) - 48;
    // Digit by digit (a letter is two digits), so the number never exceeds 2^53.
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder;
}

export function checkIban(input: string): IbanCheck {
  const iban = normaliseIban(input);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) {
    return { ok: false, rule: 'format', message: 'IBAN: two letters of the country, two check digits, then letters and digits (e.g. IT60 X054 2811 1010 0000 0123 456)' };
  }
  const country = iban.slice(0, 2);
  const expected = LENGTH_BY_COUNTRY[country];
  if (expected !== undefined ? iban.length !== expected : iban.length < 15 || iban.length > 34) {
    const rule = expected !== undefined ? `${expected} characters for ${country}` : 'between 15 and 34 characters';
    return { ok: false, rule: 'length', message: `IBAN: must be ${rule} (got ${iban.length})` };
  }
  if (ibanRemainder(iban) !== 1) {
    return { ok: false, rule: 'check-digits', message: 'IBAN: the check digits are wrong (ISO 13616 mod-97): a character is mistyped' };
  }
  return { ok: true, value: iban };
}

export const isIban = (input: string): boolean => checkIban(input).ok;

/** In groups of four, as printed on paper and read over the phone: "IT60 X054 2811 …". */
export function formatIban(iban: string): string {
  return normaliseIban(iban).replace(/(.{4})(?=.)/g, '$1 ');
}

/** BIC (ISO 9362): 4 letters of the bank, 2 of the country, 2 letters or digits of the place, optionally 3 of the branch. */
export const BIC_PATTERN = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
