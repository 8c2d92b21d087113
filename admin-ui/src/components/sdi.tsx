// What the SdI (Sistema di Interscambio) answered about an invoice or a credit note, shared by the
// invoices' and the credit notes' screens: the state as a chip, the receipts with the SdI's error
// codes, the upload of receipts ("Carica ricevute SdI", several files at once), the month's
// FatturaPA files as one zip, and the list filter on the state.
import UploadFileIcon from '@mui/icons-material/UploadFile';
import FolderZipIcon from '@mui/icons-material/FolderZip';
import { Alert, Box, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Button as MuiButton, Table, TableBody, TableCell, TableHead, TableRow, TextField as MuiTextField, Typography } from '@mui/material';
import { useId, useState } from 'react';
import { Button, SelectInput, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import { sdiStates } from '../../../domain/sdi/decider';
import { monthStart, romeDay } from '../dates';
import { formatRomeDateTime as formatDateTime } from '../format';
import { useCan } from './access';
import { ToneChip, useEnumLabel } from './fields';
import { useCommand } from './useCommand';

export interface SdiReceiptView {
  receipt: 'RC' | 'NS' | 'MC';
  messageId: string;
  sdiIdentifier: string;
  fileName: string;
  receivedAt: string;
  deliveredAt: string | null;
  errors: { code: string; description: string; suggestion: string | null }[];
  note: string | null;
  receiptFileName: string;
}

const TONE = { awaiting: 'default', delivered: 'success', rejected: 'error', not_delivered: 'warning' } as const;

/** The record's SdI state as a chip. */
export function SdiStateField(_props: { source?: string; label?: string }) {
  const record = useRecordContext<{ sdiState?: keyof typeof TONE }>();
  const label = useEnumLabel();
  if (!record?.sdiState) return null;
  return <ToneChip tone={TONE[record.sdiState] ?? 'default'} label={label('sdiState', record.sdiState)} testId={`sdiState-${record.sdiState}`} />;
}

/** The SdI's error codes of a rejected document, as a list column. */
export function SdiErrorCodesField(_props: { source?: string; label?: string }) {
  const record = useRecordContext<{ sdiErrorCodes?: string | null }>();
  if (!record?.sdiErrorCodes) return null;
  return (
    <Typography variant="body2" component="span" sx={{ fontFamily: 'monospace' }} data-testid="sdi-error-codes">
      {record.sdiErrorCodes}
    </Typography>
  );
}

/** The filter of the lists on the SdI state (`?filter={"sdiState":"rejected"}`: the rejected ones). */
export function useSdiStateFilter() {
  const label = useEnumLabel();
  return <SelectInput key="sdiState" source="sdiState" alwaysOn choices={sdiStates.map((s) => ({ id: s, name: label('sdiState', s) }))} />;
}

/** The document's receipts, oldest first, with the SdI's errors. */
export function SdiReceipts() {
  const record = useRecordContext<{ sdiReceipts?: SdiReceiptView[]; fatturapaFileName?: string }>();
  const translate = useTranslate();
  const label = useEnumLabel();
  if (!record) return null;
  const t = (key: string, args?: Record<string, unknown>) => translate(`app.sdi.${key}`, args);
  const receipts = record.sdiReceipts ?? [];
  return (
    <Box sx={{ px: 2, pb: 2 }}>
      <Typography variant="h6" component="h2">
        {t('receipts')}
      </Typography>
      <Typography variant="body2" sx={{ mb: 1 }}>
        {t('file_name')}: <span style={{ fontFamily: 'monospace' }}>{record.fatturapaFileName}</span>
      </Typography>
      {receipts.length === 0 ? (
        <Typography variant="body2">{t('no_receipts')}</Typography>
      ) : (
        <Table size="small" aria-label={t('receipts')} data-testid="sdi-receipts">
          <TableHead>
            <TableRow>
              <TableCell>{t('receipt')}</TableCell>
              <TableCell>{t('received_at')}</TableCell>
              <TableCell>{t('sdi_identifier')}</TableCell>
              <TableCell>{t('detail')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {receipts.map((r) => (
              <TableRow key={r.messageId} data-testid={`sdi-receipt-${r.receipt}`}>
                <TableCell>{label('sdiReceipt', r.receipt)}</TableCell>
                <TableCell>{formatDateTime(r.receivedAt)}</TableCell>
                <TableCell sx={{ fontFamily: 'monospace' }}>{r.sdiIdentifier}</TableCell>
                <TableCell>
                  {r.deliveredAt ? <div>{t('delivered_at', { at: formatDateTime(r.deliveredAt) })}</div> : null}
                  {r.errors.map((e) => (
                    <div key={e.code}>
                      <strong style={{ fontFamily: 'monospace' }}>{e.code}</strong> {e.description}
                      {e.suggestion ? <em> — {e.suggestion}</em> : null}
                    </div>
                  ))}
                  {r.note ? <div>{r.note}</div> : null}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

interface UploadAnswer {
  recorded: number;
  duplicates: number;
  receipts: { receiptFileName: string; outcome: 'recorded' | 'duplicate'; receipt: string; displayNumber: string; documentKind: string; sdiState: string; errors: { code: string }[] }[];
}

/** "Carica ricevute SdI": one or more receipt files; the answer, a line per file. */
export function SdiReceiptUpload() {
  const allowed = useCan('invoices', 'sdiReceipts');
  const translate = useTranslate();
  const label = useEnumLabel();
  const refresh = useRefresh();
  const { run, running } = useCommand();
  const [open, setOpen] = useState(false);
  const [files, setFiles] = useState<File[]>([]);
  const [answer, setAnswer] = useState<UploadAnswer | null>(null);
  const titleId = useId();
  const inputId = useId();
  if (!allowed) return null;
  const t = (key: string, args?: Record<string, unknown>) => translate(`app.sdi.${key}`, args);
  const close = () => {
    setOpen(false);
    setFiles([]);
    setAnswer(null);
    // Read again on closing too: the answer waits for the invoices' read model only so long (a busy
    // server answers before it caught up), and the screen behind must show the new SdI state.
    if (answer) refresh();
  };
  const send = async () => {
    const receipts = await Promise.all(files.map(async (f) => ({ fileName: f.name, xml: await f.text() })));
    const result = await run<UploadAnswer>('sdi-receipts', { receipts });
    if (!result.ok) return;
    setAnswer(result.data);
    refresh();
  };
  return (
    <>
      <Button label="app.sdi.upload" onClick={() => setOpen(true)}>
        <UploadFileIcon />
      </Button>
      <Dialog open={open} onClose={() => !running && close()} aria-labelledby={titleId} fullWidth maxWidth="md">
        <DialogTitle id={titleId}>{t('upload')}</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>{t('upload_help')}</DialogContentText>
          <Box sx={{ mb: 2 }}>
            <label htmlFor={inputId}>
              <Typography component="span" variant="body2" sx={{ mr: 1 }}>
                {t('upload_files')}
              </Typography>
            </label>
            <input
              id={inputId}
              type="file"
              multiple
              accept=".xml,application/xml,text/xml"
              onChange={(e) => {
                setFiles([...(e.target.files ?? [])]);
                setAnswer(null);
              }}
            />
          </Box>
          {answer ? (
            <Box data-testid="sdi-upload-answer">
              <Alert severity="success" sx={{ mb: 1 }}>
                {t('upload_result', { recorded: answer.recorded, duplicates: answer.duplicates })}
              </Alert>
              <Table size="small" aria-label={t('receipts')}>
                <TableBody>
                  {answer.receipts.map((r) => (
                    <TableRow key={r.receiptFileName}>
                      <TableCell>{r.receiptFileName}</TableCell>
                      <TableCell>
                        {label('sdiReceipt', r.receipt)} — {t(r.documentKind === 'invoice' ? 'invoice' : 'credit_note', { number: r.displayNumber })}
                      </TableCell>
                      <TableCell>{label('sdiState', r.sdiState)}</TableCell>
                      <TableCell>{r.outcome === 'duplicate' ? t('duplicate') : r.errors.map((e) => e.code).join(' ')}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </Box>
          ) : null}
        </DialogContent>
        <DialogActions>
          <Button label="ra.action.close" onClick={close} disabled={running} />
          <Button label="app.sdi.upload_send" variant="contained" onClick={() => void send()} disabled={files.length === 0 || running}>
            <UploadFileIcon />
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

/** The previous Rome month, `YYYY-MM`: what the accountant usually sends. */
const lastMonth = (): string => monthStart(romeDay(), -1).slice(0, 7);

/** "XML del mese (zip)": a month field and the download link of its FatturaPA files. */
export function MonthZipButton() {
  const translate = useTranslate();
  const [month, setMonth] = useState(lastMonth);
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
      <MuiTextField
        size="small"
        type="month"
        label={translate('app.sdi.month')}
        value={month}
        onChange={(e) => setMonth(e.target.value)}
        slotProps={{ inputLabel: { shrink: true } }}
        sx={{ width: 170 }}
      />
      <MuiButton component="a" size="small" startIcon={<FolderZipIcon />} href={valid ? `/api/invoices/xml.zip?month=${month}` : undefined} download disabled={!valid}>
        {translate('app.sdi.month_zip')}
      </MuiButton>
    </Box>
  );
}
