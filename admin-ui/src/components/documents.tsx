// Documents: the PDF of an invoice or credit note (downloaded with the session cookie), lines and
// VAT summary tables, RF references in groups of four; and what the invoices' and the credit notes'
// screens share: the list filters, the PDF column, the buyer, and the lines with the VAT summary.
import CodeIcon from '@mui/icons-material/Code';
import PictureAsPdfIcon from '@mui/icons-material/PictureAsPdf';
import { Box, Divider, Button as MuiButton, Table, TableBody, TableCell, TableFooter, TableHead, TableRow, Typography } from '@mui/material';
import { DateInput, NumberInput, SearchInput, useRecordContext, useTranslate } from 'react-admin';
import { formatEuro, formatRate } from '../format';

/** `RF18539007547034` → `RF18 5390 0754 7034`. */
export const formatRf = (rf: string | null | undefined): string => (rf ? rf.replace(/(.{4})(?=.)/g, '$1 ') : '');

export function PdfButton({ kind, id, number }: { kind: 'invoices' | 'credit-notes'; id: string | null | undefined; number?: string | null }) {
  const translate = useTranslate();
  if (!id) return null;
  const label = translate(kind === 'invoices' ? 'app.documents.invoice_pdf' : 'app.documents.credit_note_pdf', { number: number ?? '' });
  return (
    <MuiButton
      component="a"
      href={`/api/${kind}/${encodeURIComponent(id)}/pdf`}
      download
      size="small"
      startIcon={<PictureAsPdfIcon />}
      onClick={(e: React.MouseEvent) => e.stopPropagation()}
    >
      {label}
    </MuiButton>
  );
}

/** The FatturaPA XML (the legal e-invoice), named by the server IT<partita IVA>_<progressivo>.xml. */
export function FatturaPaButton({ kind, id, number }: { kind: 'invoices' | 'credit-notes'; id: string | null | undefined; number?: string | null }) {
  const translate = useTranslate();
  if (!id) return null;
  const label = translate(kind === 'invoices' ? 'app.documents.invoice_xml' : 'app.documents.credit_note_xml', { number: number ?? '' });
  return (
    <MuiButton
      component="a"
      href={`/api/${kind}/${encodeURIComponent(id)}/xml`}
      download
      size="small"
      startIcon={<CodeIcon />}
      onClick={(e: React.MouseEvent) => e.stopPropagation()}
    >
      {label}
    </MuiButton>
  );
}

export interface DocumentLine {
  productCode: string;
  description: string;
  quantity: number;
  unitPriceCents: number;
  vatRateBp: number;
  taxableCents: number;
  vatCents: number;
  totalCents: number;
}

export interface VatRow {
  rateBp: number;
  taxableCents: number;
  vatCents: number;
  totalCents: number;
}

export function LinesTable({ lines, label }: { lines: DocumentLine[] | null | undefined; label?: string }) {
  const translate = useTranslate();
  if (!lines?.length) return null;
  return (
    <Table size="small" aria-label={translate(label ?? 'app.documents.lines')} data-testid="lines" sx={{ '& td.MuiTableCell-alignRight, & th.MuiTableCell-alignRight': { whiteSpace: 'nowrap' } }}>
      <TableHead>
        <TableRow>
          <TableCell>{translate('app.documents.product')}</TableCell>
          <TableCell align="right">{translate('app.documents.quantity')}</TableCell>
          <TableCell align="right">{translate('app.documents.unit_price')}</TableCell>
          <TableCell align="right">{translate('app.documents.taxable')}</TableCell>
          <TableCell align="right">{translate('app.documents.vat_rate')}</TableCell>
          <TableCell align="right">{translate('app.documents.vat')}</TableCell>
          <TableCell align="right">{translate('app.documents.total')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {lines.map((line, i) => (
          <TableRow key={`${line.productCode}-${i}`}>
            <TableCell>
              {line.description} <span style={{ color: '#555' }}>({line.productCode})</span>
            </TableCell>
            <TableCell align="right">{line.quantity}</TableCell>
            <TableCell align="right">{formatEuro(line.unitPriceCents)}</TableCell>
            <TableCell align="right">{formatEuro(line.taxableCents)}</TableCell>
            <TableCell align="right">{formatRate(line.vatRateBp)}</TableCell>
            <TableCell align="right">{formatEuro(line.vatCents)}</TableCell>
            <TableCell align="right">{formatEuro(line.totalCents)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function VatSummaryTable({ rows, totals }: { rows: VatRow[] | null | undefined; totals?: { taxableCents: number; vatCents: number; totalCents: number } }) {
  const translate = useTranslate();
  if (!rows?.length) return null;
  return (
    <Table size="small" aria-label={translate('app.documents.vat_summary')} data-testid="vat-summary" sx={{ maxWidth: 640 }}>
      <TableHead>
        <TableRow>
          <TableCell>{translate('app.documents.vat_rate')}</TableCell>
          <TableCell align="right">{translate('app.documents.taxable')}</TableCell>
          <TableCell align="right">{translate('app.documents.vat')}</TableCell>
          <TableCell align="right">{translate('app.documents.total')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={row.rateBp}>
            <TableCell>{formatRate(row.rateBp)}</TableCell>
            <TableCell align="right">{formatEuro(row.taxableCents)}</TableCell>
            <TableCell align="right">{formatEuro(row.vatCents)}</TableCell>
            <TableCell align="right">{formatEuro(row.totalCents)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
      {totals ? (
        <TableFooter>
          <TableRow>
            <TableCell component="th" scope="row" sx={{ fontWeight: 700, color: 'text.primary' }}>
              {translate('app.documents.totals')}
            </TableCell>
            <TableCell align="right" sx={{ fontWeight: 700, color: 'text.primary' }}>
              {formatEuro(totals.taxableCents)}
            </TableCell>
            <TableCell align="right" sx={{ fontWeight: 700, color: 'text.primary' }}>
              {formatEuro(totals.vatCents)}
            </TableCell>
            <TableCell align="right" sx={{ fontWeight: 700, color: 'text.primary' }} data-testid="grand-total">
              {formatEuro(totals.totalCents)}
            </TableCell>
          </TableRow>
        </TableFooter>
      ) : null}
    </Table>
  );
}

/** The filters of the invoices' and the credit notes' lists; `search`: the search box's label (i18n key). */
export function useDocumentFilters(search: string) {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate(search)} aria-label={translate(search)} />,
    <NumberInput key="year" source="year" alwaysOn min={2000} max={2100} step={1} />,
    <NumberInput key="number" source="number" alwaysOn min={1} step={1} />,
    <DateInput key="from" source="issuedOn_gte" label="app.filters.from" />,
    <DateInput key="to" source="issuedOn_lte" label="app.filters.to" />,
  ];
}

/** The PDF of the row's document, as a list column. */
export function DocumentPdf({ kind }: { kind: 'invoices' | 'credit-notes'; label?: string }) {
  const record = useRecordContext<{ id: string; displayNumber: string }>();
  return <PdfButton kind={kind} id={record?.id} number={record?.displayNumber} />;
}

/** An invoice or a credit note as the API gives it. */
export interface FiscalDocument {
  id: string;
  displayNumber: string;
  buyer: { name?: string; codiceFiscale?: string | null; partitaIva?: string | null; address?: { street: string; postalCode: string; city: string; province: string | null; country: string } } | null;
  lines: DocumentLine[];
  vatSummary: VatRow[];
  taxableCents: number;
  vatCents: number;
  totalCents: number;
}

/** The buyer of the document: name, tax codes, address. */
export function Buyer() {
  const record = useRecordContext<FiscalDocument>();
  const b = record?.buyer;
  if (!b) return null;
  const a = b.address;
  return (
    <Typography variant="body2" component="div">
      <strong>{b.name}</strong>
      <br />
      {[b.codiceFiscale, b.partitaIva].filter(Boolean).join(' · ')}
      {a ? (
        <>
          <br />
          {a.street}, {a.postalCode} {a.city} {a.province ? `(${a.province})` : ''} {a.country}
        </>
      ) : null}
    </Typography>
  );
}

/** Below a document's fields: its lines and its VAT summary with the totals. */
export function DocumentBody() {
  const record = useRecordContext<FiscalDocument>();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <Box sx={{ px: 2, pb: 2 }}>
      <Divider sx={{ mb: 1 }} />
      <Typography variant="h6" component="h2">
        {translate('app.documents.lines')}
      </Typography>
      <LinesTable lines={record.lines} />
      <Typography variant="h6" component="h2" sx={{ mt: 2 }}>
        {translate('app.documents.vat_summary')}
      </Typography>
      <VatSummaryTable rows={record.vatSummary} totals={{ taxableCents: record.taxableCents, vatCents: record.vatCents, totalCents: record.totalCents }} />
    </Box>
  );
}
