// The customer's receipt for a renewal at the desk: one A4 page in Italian, printed or saved as a
// PDF when the renewal completes. Built with pdfkit's standard Helvetica (it renders the euro
// sign; its WinAnsi encoding has no arrows, so old and new serial stand on two lines).
//
// A coupon code is a bearer secret until it is redeemed, and a receipt lies on desks: it shows
// only the code's last group (domain/shared/couponCode.ts, couponCodeHint), never the whole code.
import PDFDocument from 'pdfkit';
import type { DeviceCertificateKind } from '../domain/devices/events';
import { couponCodeHint, isCouponCode } from '../domain/shared/couponCode';
import { formatEuro, formatRate, formatRomeDate, formatRomeDateTime } from '../domain/shared/money';
import type { DeskPaymentMethod } from '../domain/shared/paymentMethods';
import type { DeskPayment } from './renewal/port';

export interface ReceiptCertificate {
  kind: DeviceCertificateKind;
  /** The certificate it replaces (hex serial), when the token held one. */
  oldSerial: string | null;
  newSerial: string;
  /** UTC ISO instant: the new certificate's notAfter. */
  validUntil: string;
}

export type ReceiptPayment =
  /** The codes as typed at the desk (kiosk/renewal/port.ts DeskPayment), with what each paid for when known. */
  | { mode: 'coupons'; coupons: Array<{ code: string; certificateKind?: DeviceCertificateKind | 'both' }> }
  | { mode: 'pay_after'; feeCents: number; vatRateBp?: number }
  | { mode: 'desk_sale'; orderId: string; totalCents?: number; method?: DeskSaleMethod };

/** The desk page's words ('card' | 'cash', kiosk/renewal/port.ts) or the back office's (credit_card). */
export type DeskSaleMethod = Extract<DeskPayment, { mode: 'desk_sale' }>['method'] | DeskPaymentMethod;

export interface RenewalReceipt {
  /** The office (or reseller) at whose desk the renewal was made. */
  office: { name: string; addressLines?: string[]; partitaIva?: string };
  renewalId: string;
  /** UTC ISO instant the renewal completed; printed in Rome's time. */
  completedAt: string;
  holder: { name?: string | null; codiceFiscale: string };
  deviceSerial: string;
  certificates: ReceiptCertificate[];
  payment: ReceiptPayment;
  /** The operator at the desk, as the back office names them. */
  operator: string;
}

export const certificateKindLabels: Record<DeviceCertificateKind | 'both', string> = {
  signing: 'Firma',
  authentication: 'Autenticazione',
  both: 'Firma e autenticazione',
};

const deskMethodLabels: Record<DeskSaleMethod, string> = {
  card: 'con carta',
  credit_card: 'con carta',
  cash: 'in contanti',
};

/**
 * A coupon code with only its last 4 characters showing: `****-****-****-****-J8NC` for a coupon
 * code; anything else typed at the desk is masked the same way, letter by letter.
 */
export function maskCouponCode(code: string): string {
  if (isCouponCode(code)) return couponCodeHint(code);
  const chars = [...code.trim()];
  let shown = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    if (!/[0-9A-Za-z]/.test(chars[i]!)) continue;
    if (shown < 4) shown++;
    else chars[i] = '*';
  }
  return chars.join('');
}

/** How the renewal was paid, in one or more lines of the receipt. */
export function paymentLines(payment: ReceiptPayment): string[] {
  switch (payment.mode) {
    case 'coupons':
      return payment.coupons.map(
        (c) => `Buono ${maskCouponCode(c.code)}${c.certificateKind ? ` (${certificateKindLabels[c.certificateKind]})` : ''}`,
      );
    case 'pay_after': {
      const vat = payment.vatRateBp === undefined ? 'IVA' : `IVA ${formatRate(payment.vatRateBp)}`;
      return [`Pagamento posticipato: ${formatEuro(cents('payment.feeCents', payment.feeCents))} + ${vat}`];
    }
    case 'desk_sale': {
      const paid = [
        payment.method ? `pagato ${deskMethodLabels[payment.method]}` : null,
        payment.totalCents === undefined ? null : formatEuro(cents('payment.totalCents', payment.totalCents)),
      ].filter((s): s is string => s !== null);
      return [`Vendita allo sportello, ordine ${payment.orderId}${paid.length ? ` (${paid.join(': ')})` : ''}`];
    }
  }
}

export async function renewalReceiptPdf(receipt: RenewalReceipt): Promise<Buffer> {
  check(receipt);
  const payment = paymentLines(receipt.payment);
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `Ricevuta di rinnovo ${receipt.renewalId}`, Author: receipt.office.name },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const heading = (text: string) => pdf.moveDown(0.8).font('Helvetica-Bold').fontSize(11).text(text).moveDown(0.2);
  const field = (label: string, value: string) =>
    pdf.font('Helvetica').fontSize(10).text(`${label}: `, { continued: true }).font('Helvetica-Bold').text(value);

  pdf.font('Helvetica-Bold').fontSize(12).text(receipt.office.name);
  pdf.font('Helvetica').fontSize(9);
  for (const line of receipt.office.addressLines ?? []) pdf.text(line);
  if (receipt.office.partitaIva) pdf.text(`P. IVA ${receipt.office.partitaIva}`);

  pdf.moveDown(1.2).font('Helvetica-Bold').fontSize(18).text('Ricevuta di rinnovo');
  pdf.moveDown(0.4);
  field('Rinnovo n.', receipt.renewalId);
  field('Data e ora', formatRomeDateTime(receipt.completedAt));

  heading('Titolare');
  if (receipt.holder.name) field('Nome', receipt.holder.name);
  field('Codice fiscale', receipt.holder.codiceFiscale);
  field('Dispositivo (numero di serie)', receipt.deviceSerial);

  heading(receipt.certificates.length === 1 ? 'Certificato rinnovato' : 'Certificati rinnovati');
  for (const c of receipt.certificates) {
    pdf.font('Helvetica-Bold').fontSize(10).text(certificateKindLabels[c.kind]);
    pdf.font('Helvetica').fontSize(10);
    pdf.text(`Certificato sostituito: ${c.oldSerial ?? 'nessuno'}`, { indent: 12 });
    pdf.text(`Nuovo certificato: ${c.newSerial}`, { indent: 12 });
    pdf.text(`Valido fino al: ${formatRomeDate(c.validUntil)}`, { indent: 12 });
    pdf.moveDown(0.3);
  }

  heading('Pagamento');
  pdf.font('Helvetica').fontSize(10);
  for (const line of payment) pdf.text(line);

  pdf.moveDown(1.5);
  field('Operatore', receipt.operator);
  pdf
    .moveDown(1)
    .font('Helvetica')
    .fontSize(8)
    .fillColor('#555555')
    .text('Le chiavi dei nuovi certificati sono state generate sul dispositivo e non ne sono mai uscite. Conservi questa ricevuta.');

  pdf.end();
  return done;
}

function cents(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`receipt.${field}: must be a whole, non-negative number of cents (got ${value})`);
  return value;
}

/** A receipt missing what the customer needs to read on it is refused, naming the field. */
function check(r: RenewalReceipt): void {
  const text = (field: string, v: unknown) => {
    if (typeof v !== 'string' || v.trim() === '') throw new RangeError(`receipt.${field}: must be a non-empty text`);
  };
  const instant = (field: string, v: unknown) => {
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw new RangeError(`receipt.${field}: must be an ISO instant`);
  };
  text('office.name', r.office?.name);
  text('renewalId', r.renewalId);
  instant('completedAt', r.completedAt);
  text('holder.codiceFiscale', r.holder?.codiceFiscale);
  text('deviceSerial', r.deviceSerial);
  text('operator', r.operator);
  if (!Array.isArray(r.certificates) || r.certificates.length === 0) {
    throw new RangeError('receipt.certificates: must list at least one renewed certificate');
  }
  r.certificates.forEach((c, i) => {
    if (!(c.kind in certificateKindLabels) || c.kind === ('both' as string)) {
      throw new RangeError(`receipt.certificates.${i}.kind: must be signing or authentication`);
    }
    text(`certificates.${i}.newSerial`, c.newSerial);
    instant(`certificates.${i}.validUntil`, c.validUntil);
  });
  if (r.payment?.mode === 'coupons' && r.payment.coupons.length === 0) {
    throw new RangeError('receipt.payment.coupons: must list the coupons used');
  }
  if (r.payment?.mode === 'desk_sale') text('payment.orderId', r.payment.orderId);
  if (!r.payment || !['coupons', 'pay_after', 'desk_sale'].includes(r.payment.mode)) {
    throw new RangeError("receipt.payment.mode: must be 'coupons', 'pay_after' or 'desk_sale'");
  }
}
