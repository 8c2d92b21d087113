// CSV as the accountants' spreadsheets read it: RFC 4180 (CRLF line ends; a field with the
// separator, a quote, CR or LF is quoted, quotes doubled), UTF-8, a header row.
//
// Two dialects. The default is for programs: comma, money as decimal euros with a point (26.84),
// times ISO-8601 UTC, days YYYY-MM-DD, no BOM. `it` is for Italian spreadsheets (Excel, LibreOffice
// with an Italian locale): semicolon (the comma is the decimal separator there), decimal comma
// (26,84), times and days in Europe/Rome (dd/mm/yyyy HH:mm:ss, dd/mm/yyyy), and a UTF-8 BOM, without
// which Excel opens the file as Windows-1252 and mangles accented names and the euro sign.
import { romeWallClock, pad2 } from '../../../domain/shared/romeCalendar';

export type CsvLocale = 'default' | 'it';

export interface CsvDialect {
  locale: CsvLocale;
  separator: ',' | ';';
  bom: string;
}

export const dialectOf = (locale: CsvLocale): CsvDialect =>
  locale === 'it' ? { locale, separator: ';', bom: '\uFEFF' } : { locale, separator: ',', bom: '' };

/** One field, quoted when it must be. */
export function csvField(value: string, dialect: CsvDialect): string {
  return value.includes(dialect.separator) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Free text as a spreadsheet must not run it: a value starting with =, +, -, @, a tab or a CR
 * would be read as a formula (a customer named `=HYPERLINK(…)` in an accountant's Excel), so it is
 * written after an apostrophe, which spreadsheets show as text (OWASP's advice for CSV injection).
 * Only for text: amounts and numbers are written by their own functions.
 */
export function textCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One record, CRLF-terminated. */
export function csvRecord(values: readonly string[], dialect: CsvDialect): string {
  return `${values.map((v) => csvField(v, dialect)).join(dialect.separator)}\r\n`;
}

/** Integer cents as decimal euros: 2684 → `26.84` (default) or `26,84` (it); -5 → `-0.05`. No grouping. */
export function euros(cents: number, dialect: CsvDialect): string {
  const abs = Math.abs(cents);
  const text = `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}${dialect.locale === 'it' ? ',' : '.'}${pad2(abs % 100)}`;
  return text;
}

/** A stored instant (ISO-8601 UTC): as is, or Rome's `dd/mm/yyyy HH:mm:ss`. */
export function instant(iso: string, dialect: CsvDialect): string {
  if (dialect.locale !== 'it') return iso;
  const w = romeWallClock(iso);
  return `${pad2(w.day)}/${pad2(w.month)}/${w.year} ${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}`;
}

/** A calendar day `YYYY-MM-DD`: as is, or `dd/mm/yyyy`. */
export function day(value: string, dialect: CsvDialect): string {
  if (dialect.locale !== 'it') return value;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : value;
}

/** A rate in basis points as a percentage number: 2200 → `22`, 1050 → `10.5` / `10,5`. */
export function percent(rateBp: number, dialect: CsvDialect): string {
  const text = String(rateBp / 100);
  return dialect.locale === 'it' ? text.replace('.', ',') : text;
}
