/**
 * What people put inside an identifier they type or paste, and that no identifier of ours holds:
 * whitespace (also the non-breaking spaces of a copy from a PDF or a web page), the hyphen-minus and
 * the Unicode hyphens and dashes a word processor or a phone keyboard puts in its place (‐ ‑ ‒ – — ―
 * −), and the soft hyphen. Codes are printed and read aloud in groups ("RF18 5390 0754 7034",
 * "K7Q2-9XMD-…"), so the grouping is noise to drop, never a part of the value.
 *
 * Pure and dependency-free.
 */
const SEPARATORS = /[\s\u00ad\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]+/g;

/** The input without any of the separators above. */
export function withoutSeparators(input: string): string {
  return input.replace(SEPARATORS, '');
}

/** Without separators and in upper case: the typed form of a case-insensitive code. */
export function compactUpper(input: string): string {
  return withoutSeparators(input).toUpperCase();
}
