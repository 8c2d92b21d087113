/**
 * Money, VAT and fees, in integer euro cents; rates in integer basis points
 * (1 bp = 0.01 %, so 2200 = 22.00 %, 180 = 1.80 %). Formatting for Italian documents.
 *
 * Rounding is "half up", i.e. half away from zero: 0.5 cent → 1 cent, −0.5 cent → −1 cent,
 * so a credit note mirrors its invoice exactly. Products are computed with BigInt, so amounts up
 * to Number.MAX_SAFE_INTEGER cents are exact.
 *
 * Pure; Rome's calendar comes from romeCalendar.ts (Intl, built into Node).
 */
import { pad2, romeWallClock } from './romeCalendar';

/** Basis points: an integer, 10 000 = 100 %. */
export type BasisPoints = number;

export interface LineInput {
  unitPriceCents: number;
  quantity: number;
  vatRateBp: BasisPoints;
}

export interface LineAmounts {
  taxableCents: number;
  vatCents: number;
  totalCents: number;
}

export interface VatRateSummary {
  rateBp: BasisPoints;
  taxableCents: number;
  vatCents: number;
  totalCents: number;
}

export interface VatSummary {
  /** One entry per VAT rate present, by increasing rate. */
  byRate: VatRateSummary[];
  taxableCents: number;
  vatCents: number;
  totalCents: number;
}

function assertInteger(name: string, n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be an integer (got ${n})`);
}
function assertRate(name: string, bp: number): void {
  if (!Number.isSafeInteger(bp) || bp < 0) {
    throw new RangeError(`${name} must be a non-negative integer number of basis points (got ${bp})`);
  }
}
function toSafeNumber(name: string, n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${name} is too large to be represented exactly`);
  }
  return Number(n);
}

/** numerator / denominator rounded half away from zero (denominator > 0). */
function divRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  const q = (2n * abs + denominator) / (2n * denominator);
  return negative ? -q : q;
}

/** `cents × rateBp / 10 000`, rounded half up. */
export function percentageOf(cents: number, rateBp: BasisPoints): number {
  assertInteger('amount in cents', cents);
  assertRate('rate', rateBp);
  return toSafeNumber('result', divRoundHalfUp(BigInt(cents) * BigInt(rateBp), 10_000n));
}

/** VAT on a taxable amount, rounded half up to the cent: `vatOf(2600, 2200)` = 572. */
export function vatOf(taxableCents: number, rateBp: BasisPoints): number {
  return percentageOf(taxableCents, rateBp);
}

/** A fee as a percentage of an amount, half up: `feeOf(3300, 180)` = 59 (0.594 €). */
export function feeOf(amountCents: number, rateBp: BasisPoints): number {
  return percentageOf(amountCents, rateBp);
}

/**
 * Amounts of one invoice/order line, cents: taxable = unit price × quantity; VAT on the line's
 * taxable, rounded half up once per line (as the invoice prints it); total = taxable + VAT.
 */
export function lineAmounts(line: LineInput): LineAmounts {
  assertInteger('unit price in cents', line.unitPriceCents);
  assertInteger('quantity', line.quantity);
  assertRate('VAT rate', line.vatRateBp);
  const taxable = toSafeNumber('line taxable', BigInt(line.unitPriceCents) * BigInt(line.quantity));
  const vat = vatOf(taxable, line.vatRateBp);
  return { taxableCents: taxable, vatCents: vat, totalCents: toSafeNumber('line total', BigInt(taxable) + BigInt(vat)) };
}

/**
 * The VAT summary of a document: per rate, the sum of the lines' taxable and of the lines' VAT
 * (each already rounded per line), and the grand totals.
 */
export function vatSummary(lines: readonly LineInput[]): VatSummary {
  const perRate = new Map<number, { taxable: bigint; vat: bigint }>();
  for (const line of lines) {
    const a = lineAmounts(line);
    const acc = perRate.get(line.vatRateBp) ?? { taxable: 0n, vat: 0n };
    acc.taxable += BigInt(a.taxableCents);
    acc.vat += BigInt(a.vatCents);
    perRate.set(line.vatRateBp, acc);
  }
  let taxable = 0n;
  let vat = 0n;
  const byRate: VatRateSummary[] = [...perRate.entries()]
    .sort(([a], [b]) => a - b)
    .map(([rateBp, acc]) => {
      taxable += acc.taxable;
      vat += acc.vat;
      return {
        rateBp,
        taxableCents: toSafeNumber('taxable', acc.taxable),
        vatCents: toSafeNumber('VAT', acc.vat),
        totalCents: toSafeNumber('total', acc.taxable + acc.vat),
      };
    });
  return {
    byRate,
    taxableCents: toSafeNumber('taxable', taxable),
    vatCents: toSafeNumber('VAT', vat),
    totalCents: toSafeNumber('total', taxable + vat),
  };
}

/**
 * Italian format: dot for thousands, comma for decimals, a normal space (U+0020, not a
 * non-breaking one) and the euro sign after: `1.234,56 €`, `-1.234,56 €`, `0,05 €`.
 */
export function formatEuro(cents: number): string {
  assertInteger('amount in cents', cents);
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const euros = Math.floor(abs / 100);
  const rest = abs % 100;
  const grouped = String(euros).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${negative ? '-' : ''}${grouped},${rest < 10 ? '0' : ''}${rest} €`;
}

/** Formats a rate in basis points as Italian percentage: 2200 → `22%`, 180 → `1,8%`, 1050 → `10,5%`. */
export function formatRate(rateBp: BasisPoints): string {
  assertRate('rate', rateBp);
  const whole = Math.floor(rateBp / 100);
  const frac = String(rateBp % 100).padStart(2, '0').replace(/0+$/, '');
  return `${whole}${frac ? `,${frac}` : ''}%`;
}

/** A calendar day, `YYYY-MM-DD`, as `dd/mm/yyyy`: a day, not an instant, so no time zone is involved. */
export function formatDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`not a day: ${day}`);
  return `${m[3]}/${m[2]}/${m[1]}`;
}

/** The calendar date in Rome of an instant, `dd/mm/yyyy`. */
export function formatRomeDate(dateUtc: Date | string | number): string {
  const p = romeWallClock(dateUtc);
  return `${pad2(p.day)}/${pad2(p.month)}/${p.year}`;
}

/** Date and time in Rome of an instant, `dd/mm/yyyy HH:mm` (24-hour clock, CET/CEST as in force). */
export function formatRomeDateTime(dateUtc: Date | string | number): string {
  const p = romeWallClock(dateUtc);
  return `${pad2(p.day)}/${pad2(p.month)}/${p.year} ${pad2(p.hour)}:${pad2(p.minute)}`;
}
