/**
 * Italian tax code (codice fiscale) of a natural person, with omocodia; optionally the 11-digit
 * numeric codice fiscale of a legal person (same algorithm as the partita IVA check digit).
 *
 * Layout of the 16 characters (1-based positions):
 *   1–6   letters (surname, name)
 *   7–8   year of birth            (digits, or omocodia letters)
 *   9     month letter             ABCDEHLMPRST
 *   10–11 day of birth, +40 for women (digits, or omocodia letters)
 *   12    letter of the place code (municipality, or Z for a foreign country)
 *   13–15 digits of the place code (digits, or omocodia letters)
 *   16    check character
 *
 * Omocodia: when two people would get the same code, the digits at positions 7, 8, 10, 11, 13,
 * 14, 15 are replaced (from the right) by letters L M N P Q R S T U V standing for 0–9, and the
 * check character is recomputed. Any combination of replaced positions is accepted here.
 *
 * Pure and dependency-free (apart from the sibling partita IVA check digit).
 */
import { partitaIvaCheckDigit } from './partitaIva';
import { compactUpper } from './typing';

export type CodiceFiscaleRule = 'length' | 'format' | 'month' | 'day' | 'check-character';

export type CodiceFiscaleCheck =
  | { ok: true; value: string }
  | { ok: false; rule: CodiceFiscaleRule; message: string; /** The right check character, when that is what is wrong. */ expected?: string };

export interface CodiceFiscaleOptions {
  /** Also accept the 11-digit numeric codice fiscale of a legal person (company, association). */
  allowNumeric?: boolean;
}

/** Omocodia letters, index = the digit they stand for. */
export const OMOCODIA_LETTERS = 'LMNPQRSTUV';
/** Month letters, index = month − 1. */
export const MONTH_LETTERS = 'ABCDEHLMPRST';

/** 0-based indexes of the characters that are digits or omocodia letters. */
const DIGIT_POSITIONS = [6, 7, 9, 10, 12, 13, 14];
const LETTER_POSITIONS = [0, 1, 2, 3, 4, 5, 8, 11, 15];

/** Values of characters in odd positions (1st, 3rd, …), indexed by the letter A–Z or digit 0–9. */
const ODD_VALUES = [
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
/** Longest month; February allows 29 since the century of the year is not known. */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Upper case, without spaces or dashes ("rss mra 80a01-h501u" is RSSMRA80A01H501U): the one form
 * a codice fiscale is compared and stored in.
 */
export function normaliseCodiceFiscale(input: string): string {
  return compactUpper(input);
}

/** Position in A–Z (0–25) of a letter, or the digit's value (0–9). */
function charIndex(ch: string): number {
  const c = ch.charCodeAt(0);
  return c >= 48 && c <= 57 ? c - 48 : c - 65;
}

/**
 * The check character of a codice fiscale from its first 15 characters (already upper case and
 * well formed): characters in odd positions (1st, 3rd, …) are valued by the official "odd"
 * table, those in even positions by their rank (A/0 = 0 … Z = 25, 9 = 9); the sum mod 26 gives
 * the letter.
 */
export function codiceFiscaleCheckCharacter(first15: string): string {
  if (!/^[A-Z0-9]{15}$/.test(first15)) {
    throw new RangeError('codice fiscale: the check character is computed from 15 letters or digits');
  }
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const idx = charIndex(first15[i] as string);
    sum += i % 2 === 0 ? (ODD_VALUES[idx] as number) : idx;
  }
  return String.fromCharCode(65 + (sum % 26));
}

/** Value (0–9) of a character in a digit position: a digit or an omocodia letter. */
function digitValue(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  return OMOCODIA_LETTERS.indexOf(ch);
}

/**
 * The code with every omocodia letter turned back into its digit (the check character is
 * recomputed). Useful to compare two forms of the same person's code. Expects a valid code.
 */
export function omocodiaBase(cf: string): string {
  const chars = normaliseCodiceFiscale(cf).split('');
  for (const p of DIGIT_POSITIONS) {
    const ch = chars[p];
    if (ch !== undefined && OMOCODIA_LETTERS.includes(ch)) chars[p] = String(digitValue(ch));
  }
  const first15 = chars.slice(0, 15).join('');
  return first15 + codiceFiscaleCheckCharacter(first15);
}

/**
 * Validates a codice fiscale. On success `value` is the normalised code (upper case, no spaces).
 * Failures, in the order they are checked: `length`, `format`, `month`, `day`, `check-character`.
 */
export function checkCodiceFiscale(input: string, options: CodiceFiscaleOptions = {}): CodiceFiscaleCheck {
  const cf = normaliseCodiceFiscale(input);

  if (options.allowNumeric && /^\d+$/.test(cf) && cf.length === 11) {
    const expected = partitaIvaCheckDigit(cf.slice(0, 10));
    if (cf.charCodeAt(10) - 48 !== expected) {
      return {
        ok: false,
        rule: 'check-character',
        message: `codice fiscale: check digit of the numeric code is wrong (expected ${expected})`,
        expected: String(expected),
      };
    }
    return { ok: true, value: cf };
  }

  if (cf.length !== 16) {
    const accepted = options.allowNumeric
      ? 'must be 16 characters (or 11 digits for a company)'
      : 'must be 16 characters';
    return {
      ok: false,
      rule: 'length',
      message:
        cf.length === 0
          ? `codice fiscale: it is empty; it ${accepted}`
          : `codice fiscale: ${accepted} (got ${cf.length})`,
    };
  }

  for (const p of LETTER_POSITIONS) {
    const ch = cf[p] as string;
    if (!/[A-Z]/.test(ch)) {
      return {
        ok: false,
        rule: 'format',
        message: `codice fiscale: wrong format, character ${p + 1} must be a letter (got '${ch}')`,
      };
    }
  }
  for (const p of DIGIT_POSITIONS) {
    const ch = cf[p] as string;
    if (!/[0-9]/.test(ch) && !OMOCODIA_LETTERS.includes(ch)) {
      return {
        ok: false,
        rule: 'format',
        message: `codice fiscale: wrong format, character ${p + 1} must be a digit or one of ${OMOCODIA_LETTERS} (got '${ch}')`,
      };
    }
  }

  const monthLetter = cf[8] as string;
  const month = MONTH_LETTERS.indexOf(monthLetter);
  if (month < 0) {
    return {
      ok: false,
      rule: 'month',
      message: `codice fiscale: month letter '${monthLetter}' (character 9) is wrong; it must be one of ${MONTH_LETTERS}`,
    };
  }

  const dayField = digitValue(cf[9] as string) * 10 + digitValue(cf[10] as string);
  const day = dayField > 40 ? dayField - 40 : dayField;
  const maxDay = DAYS_IN_MONTH[month] as number;
  if (dayField < 1 || (dayField > 31 && dayField < 41) || dayField > 71) {
    return {
      ok: false,
      rule: 'day',
      message: `codice fiscale: day ${pad2(dayField)} (characters 10-11) is wrong; it must be 01-31, or 41-71 for women`,
    };
  }
  if (day > maxDay) {
    return {
      ok: false,
      rule: 'day',
      message: `codice fiscale: day ${pad2(dayField)} (characters 10-11) is wrong; ${MONTH_NAMES[month]} has at most ${maxDay} days`,
    };
  }

  const expected = codiceFiscaleCheckCharacter(cf.slice(0, 15));
  if (cf[15] !== expected) {
    return {
      ok: false,
      rule: 'check-character',
      message: `codice fiscale: check character is wrong (expected ${expected})`,
      expected,
    };
  }
  return { ok: true, value: cf };
}

export function isCodiceFiscale(input: string, options: CodiceFiscaleOptions = {}): boolean {
  return checkCodiceFiscale(input, options).ok;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
