// Euro amounts typed the Italian way (`33,00`, `1.234,56`, `33`) to integer cents, exactly: the
// string is parsed digit by digit, never through a floating-point number. The API speaks cents
// (every amount is named `…Cents`); the screens show them with formatEuro (format.ts).

export type EuroParse = { ok: true; cents: number } | { ok: false; reason: 'empty' | 'format' | 'decimals' | 'negative' | 'too_large' };

/** Largest amount a form accepts: 1.000.000,00 € (the API's limit). */
export const MAX_CENTS = 100_000_000;

/**
 * `33,00` → 3300, `1.234,56` → 123456, `0,5` → 50, `33` → 3300, `33.50` → 3350 (a dot followed by one
 * or two digits at the end, with no comma, is taken as the decimal separator), `1 234,56 €` → 123456.
 * Dots elsewhere group thousands and must group three digits. At most two decimals.
 */
export function parseEuro(input: string | null | undefined): EuroParse {
  if (input === null || input === undefined) return { ok: false, reason: 'empty' };
  let text = String(input).replace(/[\s\u00a0\u202f]+/g, '').replace(/€$/, '').replace(/^€/, '');
  if (text === '') return { ok: false, reason: 'empty' };
  if (text.startsWith('-')) return { ok: false, reason: 'negative' };
  if (text.startsWith('+')) text = text.slice(1);

  let integer: string;
  let decimals = '';
  if (text.includes(',')) {
    const parts = text.split(',');
    if (parts.length !== 2) return { ok: false, reason: 'format' };
    integer = parts[0]!;
    decimals = parts[1]!;
  } else if (/^\d+\.\d{1,2}$/.test(text)) {
    [integer, decimals] = text.split('.') as [string, string];
  } else {
    integer = text;
  }
  if (integer === '') integer = '0';
  if (integer.includes('.')) {
    if (!/^\d{1,3}(\.\d{3})+$/.test(integer)) return { ok: false, reason: 'format' };
    integer = integer.replace(/\./g, '');
  }
  if (!/^\d+$/.test(integer) || !/^\d*$/.test(decimals)) return { ok: false, reason: 'format' };
  if (decimals.length > 2) return { ok: false, reason: 'decimals' };
  integer = integer.replace(/^0+(?=\d)/, '');
  if (integer.length > 9) return { ok: false, reason: 'too_large' };
  const cents = Number(integer) * 100 + Number(decimals.padEnd(2, '0'));
  if (!Number.isSafeInteger(cents) || cents > MAX_CENTS) return { ok: false, reason: 'too_large' };
  return { ok: true, cents };
}

/** Cents as a form shows them for editing: 3300 → `33,00`, 123456 → `1234,56`. */
export function centsToInput(cents: number | null | undefined): string {
  if (cents === null || cents === undefined || !Number.isSafeInteger(cents)) return '';
  const negative = cents < 0;
  const abs = Math.abs(cents);
  return `${negative ? '-' : ''}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/** For a form's `transform`: the cents of a typed amount (the form's validation has checked it). */
export function toCents(input: unknown): number | undefined {
  if (typeof input === 'number' && Number.isSafeInteger(input)) return input;
  const parsed = parseEuro(typeof input === 'string' ? input : undefined);
  return parsed.ok ? parsed.cents : undefined;
}
