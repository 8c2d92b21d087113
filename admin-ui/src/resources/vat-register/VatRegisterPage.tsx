// The register of a period: the accountant types or picks a month (2026-11) or a quarter (2026-Q4),
// the console asks GET /api/vat-register and shows the documents (credit notes negative), the VAT
// summary per rate and the totals, with links to the CSV (for Italian spreadsheets when the console
// is in Italian) and the PDF. The period rule is the server's (domain/invoicing/vatPeriod.ts).
import DownloadIcon from '@mui/icons-material/Download';
import PictureAsPdfIcon from '@mui/icons-material/PictureAsPdf';
import { Alert, Box, Button, Card, CardContent, Stack, Table, TableBody, TableCell, TableFooter, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { Title, useDataProvider, useLocaleState, useTranslate } from 'react-admin';
import { parseVatPeriod } from '../../../../domain/invoicing/vatPeriod';
import type { BackOfficeDataProvider } from '../../dataProvider';
import { formatDay, romeDay } from '../../dates';
import { formatEuro, formatRate } from '../../format';

interface Rate {
  rateBp: number;
  taxableCents: number;
  vatCents: number;
}
interface Entry extends Rate {
  kind: 'invoice' | 'credit_note';
  id: string;
  displayNumber: string;
  issuedOn: string;
  buyerName: string;
  buyerCodiceFiscale: string | null;
  buyerPartitaIva: string | null;
  correctsInvoice: string | null;
  rates: Rate[];
  totalCents: number;
}
interface Register {
  period: { label: string; from: string; to: string };
  entries: Entry[];
  summary: Rate[];
  totals: { net: { taxableCents: number; vatCents: number; totalCents: number } };
}

/** The month before today's (Rome): what the accountant usually closes. */
function lastMonth(): string {
  const [y, m] = romeDay().split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export default function VatRegisterPage() {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const dataProvider = useDataProvider<BackOfficeDataProvider>();
  const [typed, setTyped] = useState(lastMonth);
  const period = parseVatPeriod(typed);
  const [register, setRegister] = useState<Register | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!period) return;
    const controller = new AbortController();
    setError(null);
    dataProvider
      .query<Register>(`vat-register?period=${encodeURIComponent(period.label)}`, { signal: controller.signal })
      .then(({ data }) => setRegister(data))
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => controller.abort();
  }, [period?.label, dataProvider]);

  const q = period ? `period=${encodeURIComponent(period.label)}` : '';
  const shown = register && period && register.period.label === period.label ? register : null;
  return (
    <Card sx={{ mt: 2 }}>
      <Title title={translate('resources.vat-register.name', { smart_count: 1 })} />
      <CardContent>
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mb: 2, alignItems: { sm: 'center' } }}>
          <TextField
            label={translate('app.vatRegister.period')}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            error={!period}
            helperText={period ? translate('app.vatRegister.range', { from: formatDay(period.from), to: formatDay(period.to) }) : translate('app.vatRegister.period_rule')}
            size="small"
            slotProps={{ htmlInput: { 'aria-label': translate('app.vatRegister.period') } }}
          />
          <Button component="a" href={`/api/vat-register.csv?${q}&locale=${locale === 'it' ? 'it' : 'default'}`} download disabled={!period} startIcon={<DownloadIcon />}>
            {translate('app.vatRegister.csv')}
          </Button>
          <Button component="a" href={`/api/vat-register.pdf?${q}`} download disabled={!period} startIcon={<PictureAsPdfIcon />}>
            {translate('app.vatRegister.pdf')}
          </Button>
        </Stack>
        {error && <Alert severity="error">{error}</Alert>}
        {shown && (
          <Box>
            <Table size="small" aria-label={translate('app.vatRegister.documents')}>
              <TableHead>
                <TableRow>
                  <TableCell>{translate('app.vatRegister.date')}</TableCell>
                  <TableCell>{translate('app.vatRegister.number')}</TableCell>
                  <TableCell>{translate('app.vatRegister.buyer')}</TableCell>
                  <TableCell>{translate('app.vatRegister.fiscalId')}</TableCell>
                  <TableCell>{translate('app.vatRegister.byRate')}</TableCell>
                  <TableCell align="right">{translate('app.documents.taxable')}</TableCell>
                  <TableCell align="right">{translate('app.documents.vat')}</TableCell>
                  <TableCell align="right">{translate('app.documents.total')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {shown.entries.length === 0 && (
                  <TableRow>
                    <TableCell colSpan={8}>{translate('app.vatRegister.empty')}</TableCell>
                  </TableRow>
                )}
                {shown.entries.map((e) => (
                  <TableRow key={`${e.kind}-${e.id}`}>
                    <TableCell>{formatDay(e.issuedOn)}</TableCell>
                    <TableCell>
                      {translate(e.kind === 'invoice' ? 'app.vatRegister.invoice' : 'app.vatRegister.credit_note', { number: e.displayNumber })}
                      {e.correctsInvoice && (
                        <Typography variant="caption" sx={{ display: 'block' }}>
                          {translate('app.vatRegister.corrects', { number: e.correctsInvoice })}
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell>{e.buyerName}</TableCell>
                    <TableCell>{[e.buyerCodiceFiscale, e.buyerPartitaIva].filter(Boolean).join(' / ')}</TableCell>
                    <TableCell>
                      {e.rates.map((r) => (
                        <div key={r.rateBp}>{`${formatRate(r.rateBp)}: ${formatEuro(r.taxableCents)} + ${formatEuro(r.vatCents)}`}</div>
                      ))}
                    </TableCell>
                    <TableCell align="right">{formatEuro(e.taxableCents)}</TableCell>
                    <TableCell align="right">{formatEuro(e.vatCents)}</TableCell>
                    <TableCell align="right">{formatEuro(e.totalCents)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Typography variant="h6" component="h2" sx={{ mt: 3 }}>
              {translate('app.documents.vat_summary')}
            </Typography>
            <Table size="small" aria-label={translate('app.documents.vat_summary')}>
              <TableHead>
                <TableRow>
                  <TableCell>{translate('app.documents.vat_rate')}</TableCell>
                  <TableCell align="right">{translate('app.documents.taxable')}</TableCell>
                  <TableCell align="right">{translate('app.documents.vat')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {shown.summary.map((r) => (
                  <TableRow key={r.rateBp}>
                    <TableCell>{formatRate(r.rateBp)}</TableCell>
                    <TableCell align="right">{formatEuro(r.taxableCents)}</TableCell>
                    <TableCell align="right">{formatEuro(r.vatCents)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
              <TableFooter>
                <TableRow data-testid="register-totals">
                  <TableCell>{translate('app.documents.totals')}</TableCell>
                  <TableCell align="right">{formatEuro(shown.totals.net.taxableCents)}</TableCell>
                  <TableCell align="right">{formatEuro(shown.totals.net.vatCents)}</TableCell>
                </TableRow>
                <TableRow>
                  <TableCell>{translate('app.documents.total')}</TableCell>
                  <TableCell />
                  <TableCell align="right">{formatEuro(shown.totals.net.totalCents)}</TableCell>
                </TableRow>
              </TableFooter>
            </Table>
          </Box>
        )}
      </CardContent>
    </Card>
  );
}
