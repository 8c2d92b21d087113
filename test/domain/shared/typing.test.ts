// One normaliser per identifier, each forgiving what people type around the characters: case,
// spaces (also non-breaking), hyphens and the Unicode dashes a word processor puts in their place.
import { describe, expect, it } from 'vitest';
import { normaliseBankReference } from '../../../domain/shared/bankReference';
import { checkCodiceFiscale, normaliseCodiceFiscale } from '../../../domain/shared/codiceFiscale';
import { normaliseCouponCode } from '../../../domain/shared/couponCode';
import { normaliseDeviceSerial } from '../../../domain/shared/deviceSerial';
import { checkPartitaIva, normalisePartitaIva } from '../../../domain/shared/partitaIva';
import { normaliseRfReference } from '../../../domain/shared/rfReference';
import { withoutSeparators } from '../../../domain/shared/typing';

const NBSP = '\u00a0';
const dashes = ['-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\u00ad'];

describe('what people type between the characters', () => {
  it('drops every kind of space, hyphen and dash', () => {
    for (const dash of dashes) expect(withoutSeparators(`ab${dash}cd`)).toBe('abcd');
    expect(withoutSeparators(` ab\tc${NBSP}d\u202fe `)).toBe('abcde');
    expect(withoutSeparators('a/b.c')).toBe('a/b.c');
  });

  it('codice fiscale: upper case, in groups', () => {
    expect(normaliseCodiceFiscale(`rss mra\u201380a01${NBSP}h501u`)).toBe('RSSMRA80A01H501U');
    expect(checkCodiceFiscale('rss-mra-80a01-h501u')).toEqual({ ok: true, value: 'RSSMRA80A01H501U' });
  });

  it('partita IVA: IT prefix, spaces and dashes', () => {
    expect(normalisePartitaIva('it 0123-4560 017')).toBe('01234560017');
    expect(checkPartitaIva(`IT${NBSP}01234560017`)).toEqual({ ok: true, value: '01234560017' });
  });

  it('RF reference, coupon code, device serial: typed in groups', () => {
    expect(normaliseRfReference('rf18\u20135390 0754-7034')).toBe('RF18539007547034');
    expect(normaliseCouponCode('k7q2\u20149xmd 4hrt-0zbw j8nc')).toBe('K7Q29XMD4HRT0ZBWJ8NC');
    expect(normaliseDeviceSerial(' 1205-100 000 ')).toBe('1205100000');
  });

  it("the bank's reference keeps what a bank may write in it: only case and spaces do not count", () => {
    expect(normaliseBankReference(' cro 0306 9099 123 ')).toBe('CRO03069099123');
    expect(normaliseBankReference('ab-12/3')).toBe('AB-12/3');
  });
});
