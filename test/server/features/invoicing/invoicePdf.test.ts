import { describe, expect, it } from 'vitest';
import { renderFiscalDocumentPdf, type FiscalDocument } from '../../../../server/features/invoicing/invoicePdf';
import { pdfPageCount, pdfText } from '../../../support/pdf';

const invoice: FiscalDocument = {
  kind: 'invoice',
  year: 2026,
  number: 42,
  issuedOn: '2026-11-24',
  seller: {
    name: 'Firma Facile S.r.l.',
    partitaIva: '01234567890',
    addressLines: ['Via Roma 1', '35100 Padova (PD)'],
  },
  buyer: {
    name: 'Mario Rossi',
    codiceFiscale: 'RSSMRA80A01H501U',
    addressLines: ['Via Garibaldi 12', '30100 Venezia (VE)'],
  },
  lines: [
    {
      description: 'Coupon rinnovo Sottoscrizione e Autenticazione',
      quantity: 1,
      unitPriceCents: 2600,
      vatRateBp: 2200,
      taxableCents: 2600,
      vatCents: 572,
      totalCents: 3172,
    },
    {
      description: 'Marche temporali (pacchetto da 1000)',
      quantity: 12,
      unitPriceCents: 10000,
      vatRateBp: 2200,
      taxableCents: 120000,
      vatCents: 26400,
      totalCents: 146400,
    },
  ],
  vatSummary: [{ rateBp: 2200, taxableCents: 122600, vatCents: 26972 }],
  totals: { taxableCents: 122600, vatCents: 26972, totalCents: 149572 },
  notes: ['Pagato da conto prepagato. Ordine 7f1c.'],
};

describe('invoice PDF', () => {
  it('is one A4 page in Italian with the number, parties, lines, VAT summary and totals as 1.234,56 €', async () => {
    const pdf = await renderFiscalDocumentPdf(invoice);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPageCount(pdf)).toBe(1);
    const text = pdfText(pdf);
    expect(text).toContain('FATTURA N. 42/2026');
    expect(text).toContain('Data: 24/11/2026');
    expect(text).toContain('Firma Facile S.r.l.');
    expect(text).toContain('P. IVA 01234567890');
    expect(text).toContain('Codice fiscale RSSMRA80A01H501U');
    expect(text).toMatch(/Coupon rinnovo Sottoscrizione e Autenticazione\s+1\s+26,00 €\s+22%\s+26,00 €\s+31,72 €/);
    expect(text).toMatch(/12\s+100,00 €\s+22%\s+1\.200,00 €\s+1\.464,00 €/);
    expect(text).toContain('Aliquota 22%: imponibile 1.226,00 €, imposta 269,72 €');
    expect(text).toMatch(/Totale fattura\s+1\.495,72 €/);
    expect(text).toContain('Pagato da conto prepagato');
  });

  it('is dated at the invoice\'s issue, so a later download gives the same file', async () => {
    const issued = { ...invoice, issuedAt: '2026-11-24T09:30:00.000Z' };
    const first = await renderFiscalDocumentPdf(issued);
    // The creation date written is the issue's, not the time of rendering.
    expect(first.toString('latin1')).toContain('(D:20261124093000Z)');
    expect((await renderFiscalDocumentPdf(issued)).equals(first)).toBe(true);
  });

  it('a credit note names itself and the invoice it corrects', async () => {
    const pdf = await renderFiscalDocumentPdf({
      ...invoice,
      kind: 'credit_note',
      number: 3,
      lines: [invoice.lines[0]!],
      vatSummary: [{ rateBp: 2200, taxableCents: 2600, vatCents: 572 }],
      totals: { taxableCents: 2600, vatCents: 572, totalCents: 3172 },
      correctsInvoice: { year: 2026, number: 42, issuedOn: '2026-11-24' },
    });
    const text = pdfText(pdf);
    expect(text).toContain('NOTA DI CREDITO N. 3/2026');
    expect(text).toContain('Rettifica della fattura n. 42/2026 del 24/11/2026');
    expect(text).toMatch(/Totale nota di credito\s+31,72 €/);
  });
});
