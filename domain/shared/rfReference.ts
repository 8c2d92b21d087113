/**
 * ISO 11649 creditor reference ("RF" reference): `RF` + 2 check digits + a body of 1 to 21
 * letters or digits. The check digits follow ISO 7064 MOD 97-10, as in IBAN: move `RF` and the
 * check digits to the end, turn letters into numbers (A = 10 … Z = 35), and the result mod 97
 * must be 1. Valid check digits are 02–98. They catch any digit typed for another digit, letter
 * for another letter, and adjacent swaps of two digits or two letters; a letter typed for a digit,
 * or swapped with one, can slip through (X3 and 3X both expand to 333).
 *
 * Pure; its only import is the sibling typing.ts (what people type between the characters).
 */
import { compactUpper } from './typing';

export type RfRule = 'format' | 'check-digits';

export type RfCheck =
  | { ok: true; value: string }
  | { ok: false; rule: RfRule; message: string };

export type RfFindResult =
  | { ok: true; value: string }
  | {
      ok: false;
      rule: 'not-found' | 'check-digits';
      message: string;
      /** The RF reference as it was found (normalised), when the check digits are wrong. */
      candidate?: string;
    };

export const RF_MAX_BODY_LENGTH = 21;

const BODY_RE = /^[A-Z0-9]{1,21}$/;

/** Upper case, without spaces or dashes: people type it in the groups of four it is printed in. */
export function normaliseRfReference(input: string): string {
  return compactUpper(input);
}

/** Remainder mod 97 of the number obtained by writing each letter as 10–35 and each digit as is. */
function mod97(s: string): number {
  let rem = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      rem = (rem * 10 + (c - 48)) % 97;
    } else {
      rem = (rem * 100 + (c - 55)) % 97;
    }
  }
  return rem;
}

/** The two check digits for a (normalised, valid) body. */
export function rfCheckDigits(body: string): string {
  const b = normaliseRfReference(body);
  if (!BODY_RE.test(b)) {
    throw new RangeError(
      `RF reference: the body must be 1 to ${RF_MAX_BODY_LENGTH} letters or digits (got '${body}')`,
    );
  }
  const check = 98 - mod97(`${b}RF00`);
  return check < 10 ? `0${check}` : String(check);
}

/**
 * Builds the RF reference for `body` (1–21 letters or digits; case and spaces are ignored).
 * Throws a RangeError for any other body: bodies are made by the system, not typed by users.
 */
export function makeRfReference(body: string): string {
  const b = normaliseRfReference(body);
  return `RF${rfCheckDigits(b)}${b}`;
}

/**
 * Validates an RF reference typed by someone (case and spaces are ignored). On success `value`
 * is the normalised reference, e.g. `RF18539007547034`.
 */
export function checkRfReference(input: string): RfCheck {
  const ref = normaliseRfReference(input);
  if (!ref.startsWith('RF')) {
    return { ok: false, rule: 'format', message: 'RF reference: must start with RF' };
  }
  if (!/^RF\d\d/.test(ref)) {
    return { ok: false, rule: 'format', message: 'RF reference: RF must be followed by 2 check digits' };
  }
  const body = ref.slice(4);
  if (!BODY_RE.test(body)) {
    return {
      ok: false,
      rule: 'format',
      message:
        body.length === 0
          ? 'RF reference: the check digits must be followed by 1 to 21 letters or digits'
          : body.length > RF_MAX_BODY_LENGTH
            ? `RF reference: too long, at most 25 characters (got ${ref.length})`
            : 'RF reference: after RF and the check digits only letters and digits are allowed',
    };
  }
  const expected = rfCheckDigits(body);
  if (ref.slice(2, 4) !== expected) {
    return {
      ok: false,
      rule: 'check-digits',
      message: `RF reference: check digits are wrong (expected ${expected})`,
    };
  }
  return { ok: true, value: ref };
}

export function isRfReference(input: string): boolean {
  return checkRfReference(input).ok;
}

/** True when the normalised reference `RFcc…` has correct check digits (02–98 and mod 97 = 1). */
function verifies(ref: string): boolean {
  const cc = Number(ref.slice(2, 4));
  if (cc < 2 || cc > 98) return false;
  return mod97(ref.slice(4) + ref.slice(0, 4)) === 1;
}

/** Groups of 4 separated by a space, for printing: `RF18 5390 0754 7034`. */
export function formatRf(ref: string): string {
  const r = normaliseRfReference(ref);
  return (r.match(/.{1,4}/g) ?? []).join(' ');
}

// ---------------------------------------------------------------------------------------------
// Finding a reference in a payment reason
// ---------------------------------------------------------------------------------------------

/** Characters people put inside a reference: spaces (incl. non-breaking), dots, dashes. */
const SEPARATORS = new Set([' ', '\t', '\u00a0', '\u202f', '.', '-']);
/** A run of separators longer than this ends the reference. */
const MAX_SEPARATOR_RUN = 3;
/** Check digits + longest body. */
const MAX_CHARS_AFTER_RF = 2 + RF_MAX_BODY_LENGTH;

interface ScannedChar {
  ch: string;
  /** Which separator-delimited group of the written text the character belongs to (0 = the one with "RF"). */
  token: number;
}

interface Candidate {
  ref: string;
  tier: 1 | 2 | 3;
}

function isAlnum(ch: string | undefined): boolean {
  return ch !== undefined && /^[A-Za-z0-9]$/.test(ch);
}
/** A letter (any script, e.g. à) or digit: part of a word, so a reference cannot end before it. */
function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /^[\p{L}\p{N}]$/u.test(ch);
}
function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

/**
 * Reads the letters and digits after the "RF" at `start` (skipping short runs of separators),
 * up to the longest possible reference.
 */
function scanAfterRf(text: string, start: number): { chars: ScannedChar[]; endsAtBoundary: boolean } {
  const chars: ScannedChar[] = [];
  let token = 0;
  let j = start;
  while (j < text.length && chars.length < MAX_CHARS_AFTER_RF) {
    const ch = text[j] as string;
    if (isAlnum(ch)) {
      chars.push({ ch: ch.toUpperCase(), token });
      j++;
      continue;
    }
    if (!SEPARATORS.has(ch)) break;
    let k = j;
    while (k < text.length && SEPARATORS.has(text[k] as string)) k++;
    if (k - j > MAX_SEPARATOR_RUN || !isAlnum(text[k])) break;
    token++;
    j = k;
  }
  // Only when we stopped at the length cap can the last character be inside a longer word.
  return { chars, endsAtBoundary: !isWordChar(text[j]) };
}

/**
 * All the possible references starting at one "RF", each with a tier (1 is the most plausible):
 *  1. ends where the written group ends, and looks like a reference as people write it: the body
 *     in groups of at most 4 characters (as printed), or in one single group;
 *  2. ends where a written group ends;
 *  3. ends inside a group, where digits turn into letters or back ("RF18539007547034fattura").
 * A longer word after the reference (e.g. "ordine") breaks tier 1, so it is not taken as a part
 * of the body just because its check digits happen to verify (a 1-in-97 chance).
 */
function candidatesAt(text: string, rfIndex: number): Candidate[] {
  const { chars, endsAtBoundary } = scanAfterRf(text, rfIndex + 2);
  const first = chars[0];
  const second = chars[1];
  if (first === undefined || second === undefined || !isDigit(first.ch) || !isDigit(second.ch)) return [];
  const out: Candidate[] = [];
  for (let m = 3; m <= chars.length; m++) {
    const last = chars[m - 1] as ScannedChar;
    const next = chars[m];
    const atGroupEnd = next === undefined ? endsAtBoundary : next.token !== last.token;
    const atClassChange = next !== undefined && next.token === last.token && isDigit(next.ch) !== isDigit(last.ch);
    if (!atGroupEnd && !atClassChange) continue;
    const ref = 'RF' + chars.slice(0, m).map((c) => c.ch).join('');
    let tier: 1 | 2 | 3;
    if (!atGroupEnd) {
      tier = 3;
    } else {
      // Lengths of the body's groups (the check digits are not counted).
      const groups: number[] = [];
      let prevToken = -1;
      for (const c of chars.slice(2, m)) {
        if (c.token !== prevToken) groups.push(0);
        groups[groups.length - 1] = (groups[groups.length - 1] as number) + 1;
        prevToken = c.token;
      }
      const printed = groups.every((g) => g <= 4);
      const single = groups.length === 1;
      tier = printed || single ? 1 : 2;
    }
    out.push({ ref, tier });
  }
  return out;
}

/** Indexes of every "rf" (any case) in the text: those at the start of a word first. */
function rfOccurrences(text: string): { wordStart: number[]; inWord: number[] } {
  const wordStart: number[] = [];
  const inWord: number[] = [];
  const re = /rf/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    (isWordChar(text[m.index - 1]) ? inWord : wordStart).push(m.index);
    re.lastIndex = m.index + 1;
  }
  return { wordStart, inWord };
}

/** The valid candidate of the best tier, the longest one within the tier. */
function bestValid(cands: Candidate[]): string | undefined {
  for (const tier of [1, 2, 3] as const) {
    let best: string | undefined;
    for (const c of cands) {
      if (c.tier === tier && verifies(c.ref) && (best === undefined || c.ref.length > best.length)) best = c.ref;
    }
    if (best !== undefined) return best;
  }
  return undefined;
}

/** Every verifying candidate, best first (tier, then length). */
function allValid(cands: Candidate[]): Candidate[] {
  return cands
    .filter((c) => verifies(c.ref))
    .sort((a, b) => a.tier - b.tier || b.ref.length - a.ref.length);
}

/** What to show the user when no candidate verifies: the longest of the most plausible tier. */
function mostPlausible(cands: Candidate[]): string | undefined {
  for (const tier of [1, 2, 3] as const) {
    let best: string | undefined;
    for (const c of cands) {
      if (c.tier === tier && (best === undefined || c.ref.length > best.length)) best = c.ref;
    }
    if (best !== undefined) return best;
  }
  return undefined;
}

/**
 * Finds an RF reference in the free text of a payment reason ("causale"), e.g.
 * `"pagamento rf18 5390 0754 7034 ordine 12"` → `RF18539007547034`. The reference may be in
 * any case, with spaces, dots or dashes inside, and surrounded by other words. Since the text
 * after the reference may continue with letters and digits, every possible length is tried and
 * only one whose check digits verify is accepted (the longest among the most plausible ones, see
 * the tiers above). An "RF" at the start of a word is preferred to one inside a word.
 */
export function findRfReferenceIn(paymentReason: string): RfFindResult {
  const { wordStart, inWord } = rfOccurrences(paymentReason);
  let firstWrong: string | undefined;
  for (const index of wordStart) {
    const cands = candidatesAt(paymentReason, index);
    const found = bestValid(cands);
    if (found !== undefined) return { ok: true, value: found };
    firstWrong ??= mostPlausible(cands);
  }
  for (const index of inWord) {
    const found = bestValid(candidatesAt(paymentReason, index));
    if (found !== undefined) return { ok: true, value: found };
  }
  if (firstWrong !== undefined) {
    return {
      ok: false,
      rule: 'check-digits',
      message: `payment reason: found ${formatRf(firstWrong)} but its check digits are wrong`,
      candidate: firstWrong,
    };
  }
  return { ok: false, rule: 'not-found', message: 'payment reason: no RF reference found' };
}

/**
 * Every reading of the payment reason that gives an RF reference with correct check digits, the
 * most plausible first (the first one is what {@link findRfReferenceIn} returns). Two check
 * digits leave a 1-in-97 chance that a wrong length also verifies, so a caller that knows the
 * references it is waiting for should match against all of these rather than trust the first.
 */
export function findRfReferenceCandidatesIn(paymentReason: string): string[] {
  const { wordStart, inWord } = rfOccurrences(paymentReason);
  const out: string[] = [];
  for (const index of [...wordStart, ...inWord]) {
    for (const c of allValid(candidatesAt(paymentReason, index))) {
      if (!out.includes(c.ref)) out.push(c.ref);
    }
  }
  return out;
}
