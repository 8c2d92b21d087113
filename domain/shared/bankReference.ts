/**
 * The bank's own reference of a payment received: the CRO (11 digits) or TRN of an Italian
 * transfer, the end-to-end id of a SEPA one, or the id of the line on the bank statement or of the
 * postal slip. Whatever the bank gives, one payment has one, so it tells a transfer entered twice
 * from two transfers of the same amount.
 *
 * Case and spaces do not count (the statement prints it in groups, people type it in lower case);
 * anything else is kept as the bank wrote it, since the references of different banks may differ
 * by a dash alone.
 *
 * Pure and dependency-free.
 */

export type BankReferenceRule = 'required' | 'length' | 'format';

export type BankReferenceCheck =
  | { ok: true; value: string }
  | { ok: false; rule: BankReferenceRule; message: string };

/** SEPA's longest reference (the end-to-end id) is 35 characters. */
export const BANK_REFERENCE_MAX_LENGTH = 35;

const FORMAT = /^[A-Z0-9][A-Z0-9/\-.:_+]*$/;

/** Upper case, without spaces (any Unicode whitespace): ` cro 0306 9099 123 ` → `CRO03069099123`. */
export function normaliseBankReference(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** Validates a typed reference; on success `value` is its normalised form. */
export function checkBankReference(input: string): BankReferenceCheck {
  const value = normaliseBankReference(input);
  if (value === '') {
    return {
      ok: false,
      rule: 'required',
      message: "bank reference: it is required; give the bank's reference of the payment (CRO/TRN) or the id of the statement line",
    };
  }
  if (value.length > BANK_REFERENCE_MAX_LENGTH) {
    return {
      ok: false,
      rule: 'length',
      message: `bank reference: at most ${BANK_REFERENCE_MAX_LENGTH} characters without spaces (got ${value.length})`,
    };
  }
  if (!FORMAT.test(value)) {
    return {
      ok: false,
      rule: 'format',
      message: 'bank reference: only letters, digits and / - . : _ + are allowed, starting with a letter or digit',
    };
  }
  return { ok: true, value };
}
