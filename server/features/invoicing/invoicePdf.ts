// The invoice and credit-note PDF: one clean A4 page in Italian, amounts as `1.234,56 €`, dates in
// Europe/Rome. Built with pdfkit's standard Helvetica, which renders the euro sign.
import { formatDocumentNumber } from '../../../domain/shared/documentNumber';
import PDFDocument from 'pdfkit';
import { formatDay, formatEuro, formatRate } from '../../../domain/shared/money';

export interface PartyOnDocument {
  name: string;
  partitaIva?: string | undefined;
  codiceFiscale?: string | undefined;
  addressLines: string[];
  email?: string | undefined;
}

export interface DocumentLine {
  description: string;
  quantity: number;
  unitPriceCents: number;
  vatRateBp: number;
  taxableCents: number;
  vatCents: number;
  totalCents: number;
}

export interface FiscalDocument {
  kind: 'invoice' | 'credit_note';
  year: number;
  number: number;
  /** Calendar date of issue in Rome, YYYY-MM-DD. */
  issuedOn: string;
  /**
   * The instant of issue (ISO), written as the PDF's creation date: the same document then always
   * gives the same bytes (pdfkit would write the time of rendering, and derive the file's ID from it).
   */
  issuedAt?: string | undefined;
  seller: PartyOnDocument;
  buyer: PartyOnDocument;
  lines: DocumentLine[];
  vatSummary: Array<{ rateBp: number; taxableCents: number; vatCents: number }>;
  totals: { taxableCents: number; vatCents: number; totalCents: number };
  /** For a credit note: the invoice it corrects. */
  correctsInvoice?: { year: number; number: number; issuedOn: string } | undefined;
  /** Free notes printed under the totals (payment, order reference). */
  notes?: string[];
}

/** The bytes of a pdfkit document once it has ended (start collecting before writing to it). */
export function pdfBytes(pdf: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
}

export const documentNumber = (doc: { year: number; number: number }): string => formatDocumentNumber(doc.number, doc.year);


const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 50;

export function renderFiscalDocumentPdf(doc: FiscalDocument): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `${doc.kind === 'invoice' ? 'Fattura' : 'Nota di credito'} ${documentNumber(doc)}`,
      Author: doc.seller.name,
      ...(doc.issuedAt ? { CreationDate: new Date(doc.issuedAt) } : {}),
    },
  });
  const done = pdfBytes(pdf);

  const contentWidth = A4.width - 2 * MARGIN;
  const party = (title: string, p: PartyOnDocument, x: number, y: number) => {
    pdf.font('Helvetica-Bold').fontSize(9).text(title, x, y, { width: contentWidth / 2 - 10 });
    pdf.font('Helvetica').fontSize(10).text(p.name, { width: contentWidth / 2 - 10 });
    for (const line of p.addressLines) pdf.text(line, { width: contentWidth / 2 - 10 });
    if (p.partitaIva) pdf.text(`P. IVA ${p.partitaIva}`);
    if (p.codiceFiscale) pdf.text(`Codice fiscale ${p.codiceFiscale}`);
    if (p.email) pdf.text(p.email);
    return pdf.y;
  };

  // Heading
  const title = doc.kind === 'invoice' ? 'FATTURA' : 'NOTA DI CREDITO';
  pdf.font('Helvetica-Bold').fontSize(18).text(`${title} N. ${documentNumber(doc)}`, MARGIN, MARGIN);
  pdf.font('Helvetica').fontSize(10).text(`Data: ${formatDay(doc.issuedOn)}`);
  if (doc.correctsInvoice) {
    pdf.text(
      `Rettifica della fattura n. ${documentNumber(doc.correctsInvoice)} del ${formatDay(doc.correctsInvoice.issuedOn)}`,
    );
  }
  const partiesTop = pdf.y + 16;
  const sellerBottom = party('CEDENTE / PRESTATORE', doc.seller, MARGIN, partiesTop);
  const buyerBottom = party('CESSIONARIO / COMMITTENTE', doc.buyer, MARGIN + contentWidth / 2 + 10, partiesTop);

  // Lines
  const columns = [
    { header: 'Descrizione', width: 225, align: 'left' as const },
    { header: 'Q.tà', width: 30, align: 'right' as const },
    { header: 'Prezzo unit.', width: 65, align: 'right' as const },
    { header: 'IVA', width: 30, align: 'right' as const },
    { header: 'Imponibile', width: 70, align: 'right' as const },
    { header: 'Totale', width: contentWidth - 420, align: 'right' as const },
  ];
  const row = (cells: string[], y: number, bold = false) => {
    let x = MARGIN;
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    let bottom = y;
    cells.forEach((cell, i) => {
      const column = columns[i]!;
      pdf.text(cell, x + 2, y, { width: column.width - 4, align: column.align });
      bottom = Math.max(bottom, pdf.y);
      x += column.width;
    });
    return bottom + 4;
  };
  let y = Math.max(sellerBottom, buyerBottom) + 24;
  y = row(columns.map((c) => c.header), y, true);
  pdf.moveTo(MARGIN, y - 2).lineTo(MARGIN + contentWidth, y - 2).lineWidth(0.5).stroke();
  for (const line of doc.lines) {
    y = row(
      [
        line.description,
        String(line.quantity),
        formatEuro(line.unitPriceCents),
        formatRate(line.vatRateBp),
        formatEuro(line.taxableCents),
        formatEuro(line.totalCents),
      ],
      y + 2,
    );
  }
  pdf.moveTo(MARGIN, y).lineTo(MARGIN + contentWidth, y).lineWidth(0.5).stroke();

  // VAT summary and totals
  y += 14;
  pdf.font('Helvetica-Bold').fontSize(10).text('Riepilogo IVA', MARGIN, y);
  y = pdf.y + 4;
  for (const rate of doc.vatSummary) {
    pdf
      .font('Helvetica')
      .fontSize(9)
      .text(
        `Aliquota ${formatRate(rate.rateBp)}: imponibile ${formatEuro(rate.taxableCents)}, imposta ${formatEuro(rate.vatCents)}`,
        MARGIN,
        y,
      );
    y = pdf.y + 2;
  }
  y += 10;
  const totalsX = MARGIN + contentWidth - 270;
  const totalLine = (label: string, cents: number, bold = false) => {
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(bold ? 12 : 10);
    pdf.text(label, totalsX, y, { width: 170 });
    pdf.text(formatEuro(cents), totalsX + 170, y, { width: 100, align: 'right' });
    y = pdf.y + 4;
  };
  totalLine('Totale imponibile', doc.totals.taxableCents);
  totalLine('Totale IVA', doc.totals.vatCents);
  totalLine(doc.kind === 'invoice' ? 'Totale fattura' : 'Totale nota di credito', doc.totals.totalCents, true);

  if (doc.notes?.length) {
    y += 16;
    pdf.font('Helvetica').fontSize(9);
    for (const note of doc.notes) {
      pdf.text(note, MARGIN, y, { width: contentWidth });
      y = pdf.y + 2;
    }
  }
  pdf.end();
  return done;
}
