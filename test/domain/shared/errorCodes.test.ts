// Error codes follow one pattern: lower snake_case, the thing first, then what is wrong
// (`order_not_paid`, `username_taken`, `coupon_expired`, `email_invalid`). Every code domain/ can
// throw is collected from its sources (see errorCodes.ts) and checked; a code built from a
// validator's rule (`partita_iva_${rule}`) is checked with every rule it can take.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { domainErrorCodes, expandRules } from './errorCodes';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

const PATTERN = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;
/** Words that say what is wrong, or how, but are no thing: a code never starts with one. */
const NOT_A_THING = new Set([
  'already', 'bad', 'cannot', 'duplicate', 'empty', 'incomplete', 'insufficient', 'invalid', 'is', 'missing',
  'more', 'must', 'no', 'not', 'own', 'same', 'too', 'unknown', 'use', 'weak', 'wrong',
]);

function everyCode(): { code: string; where: string }[] {
  return expandRules(ROOT, domainErrorCodes(ROOT));
}

describe('domain error codes', () => {
  const codes = everyCode();

  it('are found in the sources (the scan sees refuse, conflict, invalid, notFound and new …Error)', () => {
    const found = new Set(codes.map((c) => c.code));
    expect(found.size).toBeGreaterThan(80);
    for (const code of ['order_not_paid', 'username_taken', 'coupon_expired', 'input_invalid', 'order_not_found', 'codice_fiscale_taken', 'partita_iva_check_digit', 'serial_duplicate']) {
      expect(found, code).toContain(code);
    }
  });

  it('are lower snake_case, the thing first, then what is wrong', () => {
    const broken = codes.filter(({ code }) => !PATTERN.test(code) || NOT_A_THING.has(code.split('_')[0]!));
    expect(broken.map(({ code, where }) => `${code} (${where})`)).toEqual([]);
  });
});
