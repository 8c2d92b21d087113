import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkRfReference,
  findRfReferenceCandidatesIn,
  findRfReferenceIn,
  formatRf,
  isRfReference,
  makeRfReference,
  rfCheckDigits,
} from '../../../domain/shared/rfReference';

function failure(input: string) {
  const r = checkRfReference(input);
  if (r.ok) throw new Error(`expected ${input} to be rejected`);
  return r;
}

const ISO_EXAMPLE = 'RF18539007547034'; // the example of ISO 11649

describe('RF creditor reference (ISO 11649)', () => {
  it('makes references with mod-97 check digits', () => {
    expect(makeRfReference('539007547034')).toBe(ISO_EXAMPLE);
    expect(makeRfReference('a')).toBe('RF25A');
    expect(makeRfReference('1')).toBe('RF741');
    expect(makeRfReference('ordine 12')).toBe('RF71ORDINE12');
    expect(rfCheckDigits('539007547034')).toBe('18');
  });

  it('refuses bodies that are empty, too long or not alphanumeric', () => {
    expect(() => makeRfReference('')).toThrow(RangeError);
    expect(() => makeRfReference('1'.repeat(22))).toThrow(RangeError);
    expect(() => makeRfReference('12/34')).toThrow(RangeError);
    expect(makeRfReference('1'.repeat(21))).toHaveLength(25);
  });

  it('checks references, ignoring case, spaces and dashes', () => {
    expect(checkRfReference(ISO_EXAMPLE)).toEqual({ ok: true, value: ISO_EXAMPLE });
    expect(checkRfReference(' rf18 5390 0754 7034 ')).toEqual({ ok: true, value: ISO_EXAMPLE });
    expect(checkRfReference('rf18-5390\u20130754\u00a07034')).toEqual({ ok: true, value: ISO_EXAMPLE });
    expect(isRfReference('RF71ORDINE12')).toBe(true);
  });

  it('explains every failure', () => {
    expect(failure('XX18539007547034')).toEqual({ ok: false, rule: 'format', message: 'RF reference: must start with RF' });
    expect(failure('RFAB539007547034').message).toBe('RF reference: RF must be followed by 2 check digits');
    expect(failure('RF18').message).toBe('RF reference: the check digits must be followed by 1 to 21 letters or digits');
    expect(failure('RF18' + '1'.repeat(22)).message).toBe('RF reference: too long, at most 25 characters (got 26)');
    expect(failure('RF18/5390').message).toBe(
      'RF reference: after RF and the check digits only letters and digits are allowed',
    );
    expect(failure('RF19539007547034')).toEqual({
      ok: false,
      rule: 'check-digits',
      message: 'RF reference: check digits are wrong (expected 18)',
    });
  });

  it('rejects the check digits 00, 01 and 99 even when they are congruent mod 97', () => {
    // body 'A' needs 25; find a body whose check digits are 02 or 98 so 99 / 00 are congruent
    const bodies = Array.from({ length: 2000 }, (_, i) => String(i + 1));
    const two = bodies.find((b) => rfCheckDigits(b) === '02') as string;
    const ninetyEight = bodies.find((b) => rfCheckDigits(b) === '98') as string;
    expect(isRfReference(`RF02${two}`)).toBe(true);
    expect(isRfReference(`RF99${two}`)).toBe(false);
    expect(isRfReference(`RF98${ninetyEight}`)).toBe(true);
    expect(isRfReference(`RF01${ninetyEight}`)).toBe(false);
    expect(findRfReferenceIn(`pagamento RF99${two}`).ok).toBe(false);
  });

  it('formats in groups of 4', () => {
    expect(formatRf(ISO_EXAMPLE)).toBe('RF18 5390 0754 7034');
    expect(formatRf('rf71ordine12')).toBe('RF71 ORDI NE12');
    expect(formatRf('RF741')).toBe('RF74 1');
  });

  // ISO 7064 MOD 97-10 works on the digits of the expansion (A = 10 … Z = 35), so a letter typed
  // for a digit or swapped with a digit is not always detected: X3 and 3X both read 333.
  it('property: check digits detect a digit changed into another digit or a letter into another letter, and adjacent swaps of the same kind', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Z]{1,21}$/), fc.nat(), fc.nat(), (body, a, b) => {
        const ref = makeRfReference(body);
        const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
        const sameKind = (x: string, y: string) => /\d/.test(x) === /\d/.test(y);
        const pos = 2 + (a % (ref.length - 2));
        const replacement = alphabet[b % 36] as string;
        if (replacement !== ref[pos] && sameKind(replacement, ref[pos] as string)) {
          expect(isRfReference(ref.slice(0, pos) + replacement + ref.slice(pos + 1))).toBe(false);
        }
        const i = 4 + (a % Math.max(1, ref.length - 5));
        if (i + 1 < ref.length && ref[i] !== ref[i + 1] && sameKind(ref[i] as string, ref[i + 1] as string)) {
          expect(isRfReference(ref.slice(0, i) + ref[i + 1] + ref[i] + ref.slice(i + 2))).toBe(false);
        }
      }),
    );
  });
});

describe('findRfReferenceIn', () => {
  it.each([
    ['pagamento rf18 5390 0754 7034 ordine 12'],
    ['Bonifico RF18539007547034 fattura 2024/17'],
    ['Bonifico RF18539007547034fattura'],
    ['RF18 5390 0754 7034'],
    ['causale: rf18.5390.0754.7034.'],
    ['causale: RF18-5390-0754-7034 - saldo'],
    ['pag. ordine (RF 18 5390 0754 7034) grazie'],
    ['rf18\u00a05390\u00a00754\u00a07034 del 12/03'],
    ['RF18 539007547034 ordine 5'],
    ['Saldo\nRF185390 07547034\nMario Rossi'],
  ])('finds the ISO example in %j', (text) => {
    expect(findRfReferenceIn(text)).toEqual({ ok: true, value: ISO_EXAMPLE });
  });

  it('does not swallow a following word whose letters happen to verify', () => {
    // RF71ORDINE12 is itself a valid reference: 'ordine 12' after a body must not join it.
    const body = '5390';
    const ref = makeRfReference(body);
    expect(findRfReferenceIn(`pagamento ${formatRf(ref)} ordine 12`)).toEqual({ ok: true, value: ref });
    // find a word that, glued after the reference, verifies
    const words = Array.from({ length: 5000 }, (_, i) => `ordine${i}`.slice(0, 10));
    const word = words.find((w) => isRfReference(`${ref}${w.toUpperCase()}`)) as string;
    expect(word).toBeDefined();
    expect(findRfReferenceIn(`pagamento ${ref} ${word} saldo`)).toEqual({ ok: true, value: ref });
    expect(findRfReferenceCandidatesIn(`pagamento ${ref} ${word} saldo`)).toEqual([ref, `${ref}${word.toUpperCase()}`]);
  });

  it('prefers the longest verifying reading when a prefix also verifies', () => {
    // find a body whose first group, on its own, also gives a valid reference with the same check digits
    let found: { full: string; text: string } | undefined;
    for (let i = 1000; i < 100000 && found === undefined; i++) {
      const full = makeRfReference(`${i}12345678`);
      const prefix = full.slice(0, 8);
      if (isRfReference(prefix)) found = { full, text: `vers. ${formatRf(full)} saldo` };
    }
    expect(found).toBeDefined();
    const { full, text } = found as { full: string; text: string };
    expect(findRfReferenceIn(text)).toEqual({ ok: true, value: full });
    expect(findRfReferenceCandidatesIn(text)[0]).toBe(full);
    expect(findRfReferenceCandidatesIn(text)).toContain(full.slice(0, 8));
  });

  it('reports a reference with wrong check digits', () => {
    expect(findRfReferenceIn('pagamento rf19 5390 0754 7034 ordine 12')).toEqual({
      ok: false,
      rule: 'check-digits',
      message: 'payment reason: found RF19 5390 0754 7034 but its check digits are wrong',
      candidate: 'RF19539007547034',
    });
    expect(findRfReferenceIn('Bonifico RF19539007547034 fattura')).toMatchObject({
      rule: 'check-digits',
      candidate: 'RF19539007547034',
    });
  });

  it.each([
    [''],
    ['bonifico fattura 12'],
    ['performance RF'],
    ['RFI 1234'],
    ['rf ab12'],
    ['rf12'],
    ['perfetto 12'],
  ])('reports no reference in %j', (text) => {
    expect(findRfReferenceIn(text)).toEqual({ ok: false, rule: 'not-found', message: 'payment reason: no RF reference found' });
  });

  it('takes the first valid reference, skipping an invalid one', () => {
    const other = makeRfReference('ABC123');
    expect(findRfReferenceIn(`rf19 5390 e ${formatRf(other)}`)).toEqual({ ok: true, value: other });
    expect(findRfReferenceIn(`${other} ${ISO_EXAMPLE}`)).toEqual({ ok: true, value: other });
  });

  it('finds a reference glued to a preceding word when there is no other', () => {
    expect(findRfReferenceIn(`pagamentoRF18539007547034`)).toEqual({ ok: true, value: ISO_EXAMPLE });
  });

  describe('property: makeRfReference → embedded in random text with random spacing and case → found', () => {
    const letterWord = (minLength: number) =>
      fc
        .array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzàèéìòù'.split('')), { minLength, maxLength: 12 })
        .map((cs) => cs.join(''));
    const anyWord = fc.stringMatching(/^[a-zA-Z0-9/']{1,10}$/);
    const separator = fc.constantFrom(' ', '  ', '.', '-', ' - ', '. ', '\u00a0');
    const randomCase = (s: string) =>
      fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((flags) =>
        s
          .split('')
          .map((c, i) => (flags[i] ? c.toLowerCase() : c))
          .join(''),
      );

    /** How people write it: in one piece, or cut into pieces of 1–4 characters (like the print). */
    const written = (ref: string) => {
      const afterRf = ref.slice(2);
      const pieces = fc.oneof(
        fc.constant([afterRf]),
        fc.constant([afterRf.slice(0, 2), afterRf.slice(2)]),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 25, maxLength: 25 }).map((lengths) => {
          const out: string[] = [];
          let i = 0;
          for (const n of lengths) {
            if (i >= afterRf.length) break;
            out.push(afterRf.slice(i, i + n));
            i += n;
          }
          return out;
        }),
      );
      return fc
        .tuple(pieces, fc.array(separator, { minLength: 25, maxLength: 25 }), fc.boolean(), separator)
        .chain(([ps, seps, spaceAfterRf, sepAfterRf]) => {
          const body = ps.map((p, i) => (i === 0 ? p : (seps[i] as string) + p)).join('');
          return randomCase(`RF${spaceAfterRf ? sepAfterRf : ''}${body}`);
        });
    };

    /** What may follow: nothing, punctuation, or a word longer than a group of the print. */
    const after = fc.oneof(
      fc.constant(''),
      fc.tuple(fc.constantFrom(', ', '; ', ': ', ') ', '\n', ' / ', '.\n'), fc.array(anyWord, { maxLength: 4 })).map(
        ([p, ws]) => p + ws.join(' '),
      ),
      fc.tuple(letterWord(5), fc.array(anyWord, { maxLength: 4 })).map(([w, ws]) => ` ${[w, ...ws].join(' ')}`),
    );
    const before = fc.array(letterWord(1), { maxLength: 5 }).map((ws) => ws.map((w) => `${w} `).join(''));

    it('is found', () => {
      fc.assert(
        fc.property(
          fc.stringMatching(/^[0-9A-Z]{1,21}$/).chain((body) =>
            fc.tuple(fc.constant(makeRfReference(body)), before, fc.constant(makeRfReference(body)).chain(written), after),
          ),
          ([ref, pre, inText, post]) => {
            const text = pre + inText + post;
            expect(findRfReferenceIn(text), text).toEqual({ ok: true, value: ref });
          },
        ),
        { numRuns: 1000 },
      );
    });
  });
});
