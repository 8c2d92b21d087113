// The payment notice of a direct (RF) order: one A4 page in Italian with what the customer needs to
// pay by bank transfer (beneficiary, IBAN, amount, the RF reference to write as the reason, the
// expiry) and the EPC QR code that banking apps scan to fill the transfer in. Amounts as
// `26,84 €`, dates in Europe/Rome; pdfkit's Helvetica, as the invoices.
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { epcQrPayload } from '../../../domain/payments/epcQr';
import { formatIban } from '../../../domain/shared/iban';
import { formatEuro, formatRomeDate } from '../../../domain/shared/money';
import { formatRf } from '../../../domain/shared/rfReference';
import { pdfBytes } from '../invoicing/invoicePdf';

export interface PaymentNotice {
  beneficiary: string;
  iban: string;
  bic: string | null;
  /** The amount still due, cents. */
  amountCents: number;
  rfReference: string;
  /** When the unpaid order expires, UTC. */
  expiresAt: string;
  /** When the order was placed, UTC. */
  placedAt: string;
  customerName: string;
  sellerName: string;
  sellerAddressLines: string[];
  lines: Array<{ description: string; quantity: number; totalCents: number }>;
}

/** The EPC QR code as a PNG: error correction M, as the EPC guidelines ask; a quiet zone of 4 modules. */
export function epcQrPng(notice: Pick<PaymentNotice, 'beneficiary' | 'iban' | 'bic' | 'amountCents' | 'rfReference'>): Promise<Buffer> {
  const payload = epcQrPayload({ beneficiaryName: notice.beneficiary, iban: notice.iban, bic: notice.bic, amountCents: notice.amountCents, rfReference: notice.rfReference });
  // Byte mode keeps the UTF-8 of the payload as it is (character set 1 in its third line).
  return QRCode.toBuffer([{ data: Buffer.from(payload, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M', margin: 4, scale: 8, type: 'png' });
}

const MARGIN = 50;
const WIDTH = 595.28 - 2 * MARGIN;

export async function renderPaymentNoticePdf(notice: PaymentNotice): Promise<Buffer> {
  const qr = await epcQrPng(notice);
  const pdf = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: `Avviso di pagamento ${formatRf(notice.rfReference)}`, Author: notice.sellerName } });
  const done = pdfBytes(pdf);

  pdf.font('Helvetica-Bold').fontSize(11).text(notice.sellerName);
  pdf.font('Helvetica').fontSize(9);
  for (const line of notice.sellerAddressLines) pdf.text(line);
  pdf.moveDown(1.5);
  pdf.font('Helvetica-Bold').fontSize(18).text('Avviso di pagamento');
  pdf.font('Helvetica').fontSize(10).text(`Per ${notice.customerName} — ordine del ${formatRomeDate(notice.placedAt)}`);
  pdf.moveDown();

  const top = pdf.y;
  const field = (label: string, value: string) => {
    pdf.font('Helvetica').fontSize(9).fillColor('#555555').text(label, MARGIN, pdf.y, { width: WIDTH - 200 });
    pdf.font('Helvetica-Bold').fontSize(12).fillColor('#000000').text(value, { width: WIDTH - 200 });
    pdf.moveDown(0.5);
  };
  field('Beneficiario', notice.beneficiary);
  field('IBAN', formatIban(notice.iban));
  if (notice.bic) field('BIC', notice.bic);
  field('Importo', formatEuro(notice.amountCents));
  field('Causale (riferimento RF)', formatRf(notice.rfReference));
  field('Da pagare entro il', formatRomeDate(notice.expiresAt));
  const afterFields = pdf.y;

  pdf.image(qr, MARGIN + WIDTH - 180, top, { width: 180 });
  pdf.font('Helvetica').fontSize(8).text("Inquadri il codice con l'app della banca: compila il bonifico SEPA.", MARGIN + WIDTH - 180, top + 184, { width: 180, align: 'center' });

  pdf.y = Math.max(afterFields, top + 215);
  pdf.x = MARGIN;
  pdf.moveDown();
  pdf.font('Helvetica-Bold').fontSize(10).text('Come pagare', MARGIN, pdf.y, { width: WIDTH });
  pdf.font('Helvetica').fontSize(10).text(
    `Esegua un bonifico SEPA di ${formatEuro(notice.amountCents)} a ${notice.beneficiary}, IBAN ${formatIban(notice.iban)}, scrivendo come causale soltanto il riferimento ${formatRf(notice.rfReference)}: ` +
      'è il codice con cui il pagamento viene abbinato al suo ordine. Ricevuto il pagamento, le invieremo per e-mail la fattura e i codici coupon.',
    { width: WIDTH },
  );
  pdf.moveDown();
  pdf.text(`Se il pagamento non arriva entro il ${formatRomeDate(notice.expiresAt)}, l'ordine scade e va ripetuto.`, { width: WIDTH });
  pdf.moveDown();

  pdf.font('Helvetica-Bold').fontSize(10).text("Contenuto dell'ordine", { width: WIDTH });
  pdf.font('Helvetica').fontSize(10);
  for (const line of notice.lines) {
    const y = pdf.y;
    pdf.text(`${line.quantity} × ${line.description}`, MARGIN, y, { width: WIDTH - 100 });
    const after = pdf.y;
    pdf.text(formatEuro(line.totalCents), MARGIN + WIDTH - 100, y, { width: 100, align: 'right' });
    pdf.y = Math.max(after, pdf.y);
  }
  pdf.end();
  return done;
}
