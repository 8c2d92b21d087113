import UploadFileIcon from '@mui/icons-material/UploadFile';
import { Alert, Box, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField as MuiTextField, Typography } from '@mui/material';
import { useId, useState } from 'react';
import { Button, DataTable, List, SearchInput, SelectInput, TextField, TopToolbar, useRefresh, useTranslate } from 'react-admin';
import { useCan } from '../../components/access';
import { DateTimeField, EnumField, ShowLink } from '../../components/fields';
import { useCommand } from '../../components/useCommand';
import { OutcomeTable, type CaReportLineView } from './OutcomeTable';

interface UploadAnswer {
  reportId: string;
  applied: number;
  refused: number;
  lines: CaReportLineView[];
}

/** The accountants' upload of the CA's CSV file; the answer shows every line's outcome. */
function UploadButton() {
  const allowed = useCan('ca-reports', 'upload');
  const translate = useTranslate();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [reportId, setReportId] = useState('');
  const [answer, setAnswer] = useState<UploadAnswer | null>(null);
  const { run, running } = useCommand();
  const titleId = useId();
  const inputId = useId();
  if (!allowed) return null;

  const close = () => {
    setOpen(false);
    setFile(null);
    setReportId('');
    setAnswer(null);
  };
  const send = async () => {
    if (!file) return;
    const csv = await file.text();
    const result = await run<UploadAnswer>('ca-reports/upload', reportId.trim() ? { csv, reportId: reportId.trim() } : { csv });
    if (result.ok) {
      setAnswer(result.data);
      refresh();
    }
  };

  return (
    <>
      <Button label="app.caReports.upload" onClick={() => setOpen(true)}>
        <UploadFileIcon />
      </Button>
      <Dialog open={open} onClose={() => !running && close()} aria-labelledby={titleId} fullWidth maxWidth="lg">
        <DialogTitle id={titleId}>{translate('app.caReports.upload')}</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>{translate('app.caReports.upload_help')}</DialogContentText>
          <Box sx={{ mb: 2 }}>
            <label htmlFor={inputId}>
              <Typography component="span" variant="body2" sx={{ mr: 1 }}>
                {translate('app.caReports.upload_file')}
              </Typography>
            </label>
            <input
              id={inputId}
              type="file"
              accept=".csv,text/csv"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setAnswer(null);
              }}
            />
          </Box>
          <MuiTextField
            size="small"
            label={translate('app.caReports.upload_report_id')}
            helperText={translate('app.caReports.upload_report_id_help')}
            value={reportId}
            onChange={(e) => setReportId(e.target.value)}
            sx={{ mb: 2, minWidth: 320 }}
          />
          {answer ? (
            <Box data-testid="ca-report-answer">
              <Alert severity={answer.refused ? 'warning' : 'success'} sx={{ mb: 1 }}>
                {translate('app.caReports.upload_result', { reportId: answer.reportId, applied: answer.applied, refused: answer.refused })}
              </Alert>
              <OutcomeTable lines={answer.lines} />
            </Box>
          ) : null}
        </DialogContent>
        <DialogActions>
          <Button label="ra.action.close" onClick={close} disabled={running} />
          <Button label="app.caReports.upload_send" variant="contained" onClick={() => void send()} disabled={!file || running}>
            <UploadFileIcon />
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

function Actions() {
  return (
    <TopToolbar>
      <UploadButton />
    </TopToolbar>
  );
}

function useFilters() {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('app.caReports.search')} aria-label={translate('app.caReports.search')} />,
    <SelectInput key="via" source="via" alwaysOn choices={['webhook', 'csv'].map((v) => ({ id: v, name: `app.enums.caReportVia.${v}` }))} />,
  ];
}

function ReceivedLink(_props: { label?: string }) {
  return (
    <ShowLink>
      <DateTimeField source="receivedAt" />
    </ShowLink>
  );
}

export default function CaReportList() {
  return (
    <List sort={{ field: 'receivedAt', order: 'DESC' }} exporter={false} filters={useFilters()} actions={<Actions />}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="receivedAt">
          <ReceivedLink />
        </DataTable.Col>
        <DataTable.Col source="id">
          <TextField source="id" />
        </DataTable.Col>
        <DataTable.Col source="via" disableSort>
          <EnumField source="via" name="caReportVia" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="lineCount" disableSort>
          <TextField source="lineCount" />
        </DataTable.Col>
        <DataTable.Col source="appliedCount" disableSort>
          <TextField source="appliedCount" />
        </DataTable.Col>
        <DataTable.Col source="refusedCount" disableSort>
          <TextField source="refusedCount" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
