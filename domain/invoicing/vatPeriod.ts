// The period of the sales VAT register (registro IVA vendite): a month `2026-11` or a quarter
// `2026-Q4`, as Rome calendar days from the first to the last (inclusive). A document belongs to
// the period of its issue day, which is already the Rome day (`issuedOn`), so an invoice issued at
// 00:30 in Rome on 1 December is December's even though it is still 30 November in UTC.
// Shared by the server (the register's query) and the console (its period picker).
import { invalid } from '../shared/errors';

export interface VatPeriod {
  /** As given, normalised: `2026-11` or `2026-Q4`. */
  label: string;
  kind: 'month' | 'quarter';
  year: number;
  /** First and last Rome day, `YYYY-MM-DD`, inclusive. */
  from: string;
  to: string;
}

export const VAT_PERIOD_RULE = 'a month YYYY-MM (e.g. 2026-11) or a quarter YYYY-Qn (e.g. 2026-Q4), year 2000 to 2999';

const pad2 = (n: number) => String(n).padStart(2, '0');
const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The period, or undefined when the text breaks VAT_PERIOD_RULE. */
export function parseVatPeriod(text: string): VatPeriod | undefined {
  const value = text.trim().toUpperCase();
  const month = /^(2\d{3})-(0[1-9]|1[0-2])$/.exec(value);
  if (month) {
    const [year, m] = [Number(month[1]), Number(month[2])];
    return { label: value, kind: 'month', year, from: `${year}-${pad2(m)}-01`, to: `${year}-${pad2(m)}-${pad2(lastDay(year, m))}` };
  }
  const quarter = /^(2\d{3})-Q([1-4])$/.exec(value);
  if (quarter) {
    const [year, q] = [Number(quarter[1]), Number(quarter[2])];
    const first = (q - 1) * 3 + 1;
    const last = first + 2;
    return { label: value, kind: 'quarter', year, from: `${year}-${pad2(first)}-01`, to: `${year}-${pad2(last)}-${pad2(lastDay(year, last))}` };
  }
  return undefined;
}

/** The period, or a 400 naming the field and the rule. */
export function vatPeriodOf(text: string, field = 'period'): VatPeriod {
  const period = parseVatPeriod(text);
  if (!period) throw invalid(field, `must be ${VAT_PERIOD_RULE}`, 'period_invalid');
  return period;
}
