// The VAT register as a PDF: A4 landscape, in Italian, amounts as `1.234,56 €` (pdfkit's standard
// Helvetica renders the euro sign, as on the invoices: server/features/invoicing/invoicePdf.ts),
// days dd/mm/yyyy (Rome issue days). One row per document, the VAT per rate in one cell, a new page
// with the header repeated when a page is full; then the period's summary per rate and the totals.
import PDFDocument from 'pdfkit';
import { formatDay, formatEuro, formatRate } from '../../../domain/shared/money';
import type { VatRegister } from './register';
import { pdfBytes } from '../invoicing/invoicePdf';

const PAGE = { width: 841.89, height: 595.28 };
const MARGIN = 40;

const columns = [
  { header: 'Data', width: 58, align: 'left' as const },
  { header: 'Numero', width: 58, align: 'left' as const },
  { header: 'Tipo', width: 52, align: 'left' as const },
  { header: 'Cliente', width: 170, align: 'left' as const },
  { header: 'CF / P. IVA', width: 100, align: 'left' as const },
  { header: 'IVA per aliquota', width: 170, align: 'left' as const },
  { header: 'Imponibile', width: 70, align: 'right' as const },
  { header: 'IVA', width: 60, align: 'right' as const },
  { header: 'Totale', width: PAGE.width - 2 * MARGIN - 738, align: 'right' as const },
];

export function vatRegisterPdf(register: VatRegister, sellerName: string): Promise<Buffer> {
  const pdf = new PDFDocument({ size: 'A4', layout: 'landscape', margin: MARGIN, info: { Title: `Registro IVA vendite ${register.period.label}`, Author: sellerName } });
  const done = pdfBytes(pdf);
  const contentWidth = PAGE.width - 2 * MARGIN;
  const bottom = PAGE.height - MARGIN;
  const row = (cells: string[], y: number, bold = false) => {
    let x = MARGIN;
    let end = y;
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    cells.forEach((cell, i) => {
      const column = columns[i]!;
      pdf.text(cell, x + 2, y, { width: column.width - 4, align: column.align });
      end = Math.max(end, pdf.y);
      x += column.width;
    });
    return end + 3;
  };
  const header = (y: number) => {
    const end = row(columns.map((c) => c.header), y, true);
    pdf.moveTo(MARGIN, end - 1).lineTo(MARGIN + contentWidth, end - 1).lineWidth(0.5).stroke();
    return end + 2;
  };

  pdf.font('Helvetica-Bold').fontSize(16).text(`Registro IVA vendite — ${register.period.label}`, MARGIN, MARGIN);
  pdf.font('Helvetica').fontSize(10).text(`${sellerName} · dal ${formatDay(register.period.from)} al ${formatDay(register.period.to)}`);
  let y = header(pdf.y + 12);
  for (const e of register.entries) {
    if (y > bottom - 30) {
      pdf.addPage();
      y = header(MARGIN);
    }
    y = row(
      [
        formatDay(e.issuedOn),
        e.displayNumber,
        e.kind === 'invoice' ? 'Fattura' : 'Nota cr.',
        e.correctsInvoice ? `${e.buyerName} (rettifica ${e.correctsInvoice})` : e.buyerName,
        [e.buyerCodiceFiscale, e.buyerPartitaIva].filter(Boolean).join(' / '),
        e.rates.map((r) => `${formatRate(r.rateBp)}: ${formatEuro(r.taxableCents)} + ${formatEuro(r.vatCents)}`).join('\n'),
        formatEuro(e.taxableCents),
        formatEuro(e.vatCents),
        formatEuro(e.totalCents),
      ],
      y,
    );
  }
  if (register.entries.length === 0) y = row(['', '', '', 'Nessun documento nel periodo'], y);
  if (y > bottom - 120) {
    pdf.addPage();
    y = MARGIN;
  }
  y += 14;
  pdf.font('Helvetica-Bold').fontSize(11).text('Riepilogo IVA del periodo', MARGIN, y);
  y = pdf.y + 4;
  pdf.font('Helvetica').fontSize(9);
  for (const r of register.summary) {
    pdf.text(`Aliquota ${formatRate(r.rateBp)}: imponibile ${formatEuro(r.taxableCents)}, imposta ${formatEuro(r.vatCents)}`, MARGIN, y);
    y = pdf.y + 2;
  }
  const { invoices, creditNotes, net } = register.totals;
  y += 8;
  for (const [label, t] of [
    [`Fatture (${invoices.count})`, invoices],
    [`Note di credito (${creditNotes.count})`, { ...creditNotes, taxableCents: -creditNotes.taxableCents, vatCents: -creditNotes.vatCents, totalCents: -creditNotes.totalCents }],
    ['Totale del periodo', net],
  ] as const) {
    pdf.font(label.startsWith('Totale') ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    pdf.text(`${label}: imponibile ${formatEuro(t.taxableCents)}, IVA ${formatEuro(t.vatCents)}, totale ${formatEuro(t.totalCents)}`, MARGIN, y);
    y = pdf.y + 3;
  }
  pdf.end();
  return done;
}
