import { describe, expect, it } from 'vitest';
import { fatturaPaFileName, progressivoOf } from '../../../../../server/features/invoicing/fatturapa/fileName';
import { latinText } from '../../../../../server/features/invoicing/fatturapa/fatturaXml';

describe('FatturaPA file name', () => {
  it('is derived from kind, year and number: stable, at most 5 characters, distinct for invoices and credit notes', () => {
    expect(fatturaPaFileName('01234560017', progressivoOf('invoice', 2026, 1))).toBe('IT01234560017_1G001.xml');
    expect(progressivoOf('credit_note', 2026, 1)).toBe('1H001');
    expect(progressivoOf('invoice', 2027, 1)).toBe('1I001');
    expect(progressivoOf('invoice', 2026, 46_655)).toBe('1GZZZ');
    const names = new Set<string>();
    for (const kind of ['invoice', 'credit_note'] as const) for (let year = 2025; year <= 2030; year++) for (const n of [1, 2, 35, 36, 1000, 46_655]) names.add(progressivoOf(kind, year, n));
    expect(names.size).toBe(2 * 6 * 6);
    for (const name of names) expect(name).toMatch(/^[0-9A-Z]{5}$/);
  });

  it('refuses a number or year it cannot encode, clearly', () => {
    expect(() => progressivoOf('invoice', 2026, 46_656)).toThrow(/numbers 1 to 46655/);
    expect(() => progressivoOf('invoice', 1999, 1)).toThrow(/2000 to 2647/);
  });
});

describe('text in the schema Latin types', () => {
  it('keeps Latin-1 (accents), spells the euro, drops other accents, one line, cut to length', () => {
    expect(latinText('Caffè € 2\nKraków Šibenik', 80)).toBe('Caffè EUR 2 Kraków Sibenik');
    expect(latinText('x'.repeat(100), 80)).toHaveLength(80);
    expect(latinText('Łódź 漢', 10)).toBe('?ódz ?');
  });
});
