// The administrative fee of a prepaid top-up (the second guide: "an administrative fee of 1.80% is
// added"), charged on top of the amount credited; see decider.ts for the whole rule. Pure and free
// of zod, so the console's top-up dialog previews the very split the server will make.
import { feeOf } from '../shared/money';

/** The guide's 1.80 %; the settings in force come with each command (PREPAID_FEE_BP). */
const DEFAULT_FEE_RATE_BP = 180;

export interface TopUpQuote {
  creditedCents: number;
  feeCents: number;
  /** What the customer pays: credited + fee. */
  toPayCents: number;
}

/** What to pay to have `creditedCents` put on the account: `topUpQuote(3300, 180)` → 3300 + 59 = 3359. */
export function topUpQuote(creditedCents: number, feeRateBp: number = DEFAULT_FEE_RATE_BP): TopUpQuote {
  const feeCents = feeOf(creditedCents, feeRateBp);
  return { creditedCents, feeCents, toPayCents: creditedCents + feeCents };
}

/**
 * Splits money received into credited + fee: credited is the largest c with c + fee(c) ≤ received,
 * fee = received − credited. `splitTopUp(3359, 180)` → credited 3300, fee 59.
 */
export function splitTopUp(amountReceivedCents: number, feeRateBp: number = DEFAULT_FEE_RATE_BP): TopUpQuote {
  if (!Number.isSafeInteger(amountReceivedCents) || amountReceivedCents < 0) {
    throw new RangeError(`amount received must be a non-negative integer of cents (got ${amountReceivedCents})`);
  }
  const toPay = (c: number) => c + feeOf(c, feeRateBp);
  // Start near the exact inverse, then step: toPay is non-decreasing.
  let c = Math.floor((amountReceivedCents * 10_000) / (10_000 + feeRateBp));
  while (c > 0 && toPay(c) > amountReceivedCents) c--;
  while (toPay(c + 1) <= amountReceivedCents) c++;
  return { creditedCents: c, feeCents: amountReceivedCents - c, toPayCents: amountReceivedCents };
}
