// The customer's receipt, read back as the customer reads it: the text pdftotext finds in the PDF.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCouponCode } from '../../domain/shared/couponCode';
import { maskCouponCode, renewalReceiptPdf, type RenewalReceipt } from '../../kiosk/receipt';

const dir = mkdtempSync(join(tmpdir(), 'receipt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function textOf(receipt: RenewalReceipt): Promise<{ text: string; pdf: Buffer }> {
  const pdf = await renewalReceiptPdf(receipt);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const file = join(dir, `${receipt.renewalId}.pdf`);
  writeFileSync(file, pdf);
  const r = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return { text: r.stdout, pdf };
}

const signingCoupon = generateCouponCode((n) => randomBytes(n));
const authCoupon = generateCouponCode((n) => randomBytes(n));

const base: RenewalReceipt = {
  office: { name: 'Camera di Commercio di Roma - Sportello firma digitale', addressLines: ['Via de\' Burrò 147, 00186 Roma'] },
  renewalId: 'ren-2026-0042',
  // 09:15 UTC in winter is 10:15 in Rome.
  completedAt: '2026-03-10T09:15:42.000Z',
  holder: { name: 'Mario Rossi', codiceFiscale: 'RSSMRA80A01H501U' },
  deviceSerial: '0A1B2C3D4E5F6071',
  certificates: [
    { kind: 'signing', oldSerial: '11AA22BB33CC44DD', newSerial: '4EDA012E4A35E4DA75D424A409432808', validUntil: '2029-03-10T09:15:42.000Z' },
    { kind: 'authentication', oldSerial: '55EE66FF77008811', newSerial: '1F2E3D4C5B6A79880716253443526170', validUntil: '2029-03-10T23:30:00.000Z' },
  ],
  payment: {
    mode: 'coupons',
    coupons: [
      { code: signingCoupon, certificateKind: 'signing' },
      { code: authCoupon, certificateKind: 'authentication' },
    ],
  },
  operator: 'Giulia Verdi',
};

describe("the customer's receipt", () => {
  it('says in Italian what was renewed, when (Rome time), for whom, and by whom', async () => {
    const { text } = await textOf(base);
    expect(text).toContain('Ricevuta di rinnovo');
    expect(text).toContain('Camera di Commercio di Roma - Sportello firma digitale');
    expect(text).toContain('Rinnovo n.: ren-2026-0042');
    expect(text).toContain('Data e ora: 10/03/2026 10:15');
    expect(text).toContain('Nome: Mario Rossi');
    expect(text).toContain('Codice fiscale: RSSMRA80A01H501U');
    expect(text).toContain('Dispositivo (numero di serie): 0A1B2C3D4E5F6071');
    expect(text).toContain('Certificati rinnovati');
    expect(text).toMatch(/Firma\s+Certificato sostituito: 11AA22BB33CC44DD\s+Nuovo certificato: 4EDA012E4A35E4DA75D424A409432808\s+Valido fino al: 10\/03\/2029/);
    // 23:30 UTC on 10 March is already 11 March in Rome.
    expect(text).toMatch(/Autenticazione\s+Certificato sostituito: 55EE66FF77008811\s+Nuovo certificato: 1F2E3D4C5B6A79880716253443526170\s+Valido fino al: 11\/03\/2029/);
    expect(text).toContain('Operatore: Giulia Verdi');
  });

  it('shows only the last 4 characters of each coupon code', async () => {
    const { text, pdf } = await textOf(base);
    expect(text).toContain(`Buono ****-****-****-****-${signingCoupon.slice(-4)} (Firma)`);
    expect(text).toContain(`Buono ****-****-****-****-${authCoupon.slice(-4)} (Autenticazione)`);
    for (const code of [signingCoupon, authCoupon]) {
      expect(text).not.toContain(code);
      expect(text).not.toContain(code.slice(0, 9));
      expect(text.replace(/[\s-]/g, '')).not.toContain(code.replace(/-/g, '').slice(0, 16));
      expect(pdf.includes(Buffer.from(code.slice(0, 9)))).toBe(false);
    }
  });

  it('masks a code typed in another shape just as well', () => {
    expect(maskCouponCode('promo 2026 abcd efgh')).toBe('***** **** **** efgh');
    expect(maskCouponCode(signingCoupon.toLowerCase())).toBe(`****-****-****-****-${signingCoupon.slice(-4)}`);
    expect(maskCouponCode('ab1')).toBe('ab1');
  });

  it('says a pay-after renewal is owed, in euro and before VAT, and the time in Rome in summer', async () => {
    const { text } = await textOf({
      ...base,
      renewalId: 'ren-pay-after',
      completedAt: '2026-07-01T16:05:00.000Z',
      holder: { codiceFiscale: 'RSSMRA80A01H501U' },
      certificates: [base.certificates[0]!],
      payment: { mode: 'pay_after', feeCents: 2684, vatRateBp: 2200 },
    });
    expect(text).toContain('Pagamento posticipato: 26,84 € + IVA 22%');
    expect(text).toContain('Data e ora: 01/07/2026 18:05');
    expect(text).toContain('Certificato rinnovato');
    expect(text).not.toContain('Nome:');
    expect(text).not.toContain('Autenticazione');
  });

  it('names the desk sale and its order', async () => {
    const { text } = await textOf({
      ...base,
      renewalId: 'ren-desk',
      payment: { mode: 'desk_sale', orderId: 'ord-7781', method: 'credit_card', totalCents: 123456 },
    });
    expect(text).toContain('Vendita allo sportello, ordine ord-7781 (pagato con carta: 1.234,56 €)');
    const cash = await textOf({ ...base, renewalId: 'ren-cash', payment: { mode: 'desk_sale', orderId: 'ord-7782', method: 'cash' } });
    expect(cash.text).toContain('Vendita allo sportello, ordine ord-7782 (pagato in contanti)');
  });

  it('refuses a receipt without what the customer needs, naming the field', async () => {
    await expect(renewalReceiptPdf({ ...base, operator: ' ' })).rejects.toThrow(/^receipt\.operator: must be a non-empty text$/);
    await expect(renewalReceiptPdf({ ...base, certificates: [] })).rejects.toThrow(/^receipt\.certificates: /);
    await expect(renewalReceiptPdf({ ...base, completedAt: 'yesterday' })).rejects.toThrow(/^receipt\.completedAt: must be an ISO instant/);
    await expect(renewalReceiptPdf({ ...base, payment: { mode: 'pay_after', feeCents: 26.84 } })).rejects.toThrow(/^receipt\.payment\.feeCents: must be a whole/);
  });
});
