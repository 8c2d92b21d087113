import { Alert, Box, TextField as MuiTextField } from '@mui/material';
import { useState } from 'react';
import { DataTable, List, SearchInput, SelectInput, TextField, TopToolbar, useRefresh, useTranslate } from 'react-admin';
import { useCan } from '../../components/access';
import { DateTimeField, EnumField, ShowLink } from '../../components/fields';
import { useCommand } from '../../components/useCommand';
import { CsvUploadDialog } from '../../components/CsvUploadDialog';
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
  const [reportId, setReportId] = useState('');
  const { run, running } = useCommand();
  if (!allowed) return null;
  const send = async (csv: string) => {
    const result = await run<UploadAnswer>('ca-reports/upload', reportId.trim() ? { csv, reportId: reportId.trim() } : { csv });
    if (!result.ok) return null;
    refresh();
    return result.data;
  };
  return (
    <CsvUploadDialog
      label="app.caReports.upload"
      help="app.caReports.upload_help"
      fileLabel="app.caReports.upload_file"
      sendLabel="app.caReports.upload_send"
      maxWidth="lg"
      send={send}
      running={running}
      onClose={() => setReportId('')}
      answerView={(answer) => (
        <Box data-testid="ca-report-answer">
          <Alert severity={answer.refused ? 'warning' : 'success'} sx={{ mb: 1 }}>
            {translate('app.caReports.upload_result', { reportId: answer.reportId, applied: answer.applied, refused: answer.refused })}
          </Alert>
          <OutcomeTable lines={answer.lines} />
        </Box>
      )}
    >
      <MuiTextField
        size="small"
        label={translate('app.caReports.upload_report_id')}
        helperText={translate('app.caReports.upload_report_id_help')}
        value={reportId}
        onChange={(e) => setReportId(e.target.value)}
        sx={{ mb: 2, minWidth: 320 }}
      />
    </CsvUploadDialog>
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
