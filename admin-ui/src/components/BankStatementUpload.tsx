// "Importa estratto conto": the accountants send the bank's camt.053/camt.054 file; the answer
// shows the counts by outcome and each line (amount, payer, the bank's reference, RF reference,
// outcome). On the payments list and on the list of imports, so it lives here (a resource does not
// import another).
import { Alert, Box, Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { useRefresh, useTranslate } from 'react-admin';
import { formatDay } from '../dates';
import { formatEuro } from '../format';
import { useCan } from './access';
import { CsvUploadDialog } from './CsvUploadDialog';
import { ToneChip, useEnumLabel } from './fields';
import { useCommand } from './useCommand';

export interface StatementLineView {
  line: number;
  direction: 'credit' | 'debit';
  amountCents: number;
  valueDate: string | null;
  bankReference: string | null;
  debtorName: string | null;
  rfReference: string | null;
  outcome: string;
  dueCents: number | null;
  message: string;
}

/** The line's detail in the console's language (the server's message, in English, as a tooltip). */
function useDetail() {
  const translate = useTranslate();
  return (l: StatementLineView): string => {
    const rf = l.rfReference ? l.rfReference.replace(/(.{4})(?!$)/g, '$1 ') : '';
    const due = l.dueCents ?? 0;
    const difference = formatEuro(Math.abs(l.amountCents - due));
    return translate(`app.bankStatements.detail_${l.outcome}`, { rf, difference, _: l.message });
  };
}

interface ImportAnswer {
  id: string;
  fileName: string;
  counts: Record<string, number>;
  lines: StatementLineView[];
}

const TONE: Record<string, 'success' | 'info' | 'warning' | 'default' | 'error'> = {
  matched: 'success',
  partial: 'info',
  overpaid: 'info',
  unmatched: 'warning',
  duplicate: 'default',
  debit: 'default',
  not_booked: 'default',
  invalid: 'error',
};

/** The lines of an import with their outcome in words. */
export function StatementLinesTable({ lines }: { lines: StatementLineView[] }) {
  const translate = useTranslate();
  const label = useEnumLabel();
  const detail = useDetail();
  const t = (key: string) => translate(`app.bankStatements.${key}`);
  return (
    <Table size="small" aria-label={t('lines')} data-testid="bank-statement-lines">
      <TableHead>
        <TableRow>
          <TableCell>{t('line')}</TableCell>
          <TableCell>{t('value_date')}</TableCell>
          <TableCell align="right">{t('amount')}</TableCell>
          <TableCell>{t('payer')}</TableCell>
          <TableCell>{t('bank_reference')}</TableCell>
          <TableCell>{t('rf_reference')}</TableCell>
          <TableCell>{t('outcome')}</TableCell>
          <TableCell>{t('detail')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {lines.map((l) => (
          <TableRow key={l.line} data-testid={`bank-statement-line-${l.line}`}>
            <TableCell>{l.line}</TableCell>
            <TableCell>{formatDay(l.valueDate)}</TableCell>
            <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>{(l.direction === 'debit' ? '− ' : '') + formatEuro(l.amountCents)}</TableCell>
            <TableCell>{l.debtorName ?? '—'}</TableCell>
            <TableCell sx={{ fontFamily: 'monospace' }}>{l.bankReference ?? '—'}</TableCell>
            <TableCell sx={{ fontFamily: 'monospace' }}>{l.rfReference ?? '—'}</TableCell>
            <TableCell>
              <ToneChip tone={TONE[l.outcome] ?? 'default'} label={label('statementLineOutcome', l.outcome)} testId={`statementLineOutcome-${l.outcome}`} />
            </TableCell>
            <TableCell title={l.message}>{detail(l)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function BankStatementUpload() {
  const allowed = useCan('bank-statements', 'upload');
  const translate = useTranslate();
  const refresh = useRefresh();
  const { run, running } = useCommand();
  if (!allowed) return null;
  const send = async (xml: string, file: File) => {
    const result = await run<ImportAnswer>('bank-statements', { xml, fileName: file.name });
    if (!result.ok) return null;
    refresh();
    return result.data;
  };
  return (
    <CsvUploadDialog
      label="app.bankStatements.upload"
      help="app.bankStatements.upload_help"
      fileLabel="app.bankStatements.upload_file"
      sendLabel="app.bankStatements.upload_send"
      accept=".xml,application/xml,text/xml"
      maxWidth="lg"
      send={send}
      running={running}
      answerView={(answer) => {
        const c = answer.counts;
        return (
          <Box data-testid="bank-statement-answer">
            <Alert severity={c.unmatched || c.invalid ? 'warning' : 'success'} sx={{ mb: 1 }}>
              {translate('app.bankStatements.upload_result', {
                fileName: answer.fileName,
                matched: c.matched ?? 0,
                partial: c.partial ?? 0,
                overpaid: c.overpaid ?? 0,
                unmatched: c.unmatched ?? 0,
                duplicate: c.duplicate ?? 0,
                debit: c.debit ?? 0,
              })}
            </Alert>
            <StatementLinesTable lines={answer.lines} />
          </Box>
        );
      }}
    />
  );
}
