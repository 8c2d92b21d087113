import { describe, expect, it } from 'vitest';
import { checkIban, formatIban, isIban } from '../../../domain/shared/iban';

describe('IBAN (ISO 13616)', () => {
  it.each(['IT60X0542811101000000123456', 'IT60 X054 2811 1010 0000 0123 456', 'it28x0999912345000000123456', 'DE89370400440532013000', 'GB82WEST12345698765432'])(
    'accepts %s',
    (iban) => {
      expect(isIban(iban)).toBe(true);
    },
  );

  it('normalises what was typed: upper case, no spaces', () => {
    expect(checkIban(' it60 x054 2811 1010 0000 0123 456 ')).toEqual({ ok: true, value: 'IT60X0542811101000000123456' });
  });

  it('refuses a mistyped character by its mod-97 check digits', () => {
    const r = checkIban('IT60X0542811101000000123457');
    expect(r).toMatchObject({ ok: false, rule: 'check-digits' });
    if (!r.ok) expect(r.message).toMatch(/mod-97/);
  });

  it('refuses two swapped digits', () => {
    expect(checkIban('IT60X0542811101000000123465')).toMatchObject({ ok: false, rule: 'check-digits' });
  });

  it("refuses an Italian IBAN that is not 27 characters, saying so", () => {
    const r = checkIban('IT60X054281110100000012345');
    expect(r).toMatchObject({ ok: false, rule: 'length' });
    if (!r.ok) expect(r.message).toContain('27 characters for IT');
  });

  it('refuses what is not shaped as an IBAN', () => {
    expect(checkIban('60IT0542811101000000123456')).toMatchObject({ ok: false, rule: 'format' });
    expect(checkIban('IT60-X054€2811')).toMatchObject({ ok: false, rule: 'format' });
  });

  it('prints in groups of four', () => {
    expect(formatIban('IT60X0542811101000000123456')).toBe('IT60 X054 2811 1010 0000 0123 456');
  });
});
