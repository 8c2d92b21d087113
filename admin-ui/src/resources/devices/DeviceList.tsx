import { Alert, Box, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import {
  CreateButton,
  DataTable,
  List,
  SearchInput,
  SelectInput,
  TextField,
  TextInput,
  TopToolbar,
  FilterButton,
  useTranslate,
} from 'react-admin';
import { deviceStatuses } from '../../../../domain/devices/status';
import { useCan } from '../../components/access';
import { DateTimeField, EnumField, ShowLink } from '../../components/fields';
import { useCommand } from '../../components/useCommand';
import { CsvUploadDialog } from '../../components/CsvUploadDialog';
import { ExpiryField } from '../../components/ExpiryField';
import { windowStates } from '../../../../domain/certificates/renewalWindow';

interface ImportReport {
  accepted: { row: number; serial: string }[];
  refused: { row: number; code: string; reason: string; column?: string }[];
}

function ImportButton() {
  const allowed = useCan('devices', 'import');
  const translate = useTranslate();
  const { run, running } = useCommand();
  if (!allowed) return null;
  const send = async (csv: string) => {
    const result = await run<ImportReport>('devices/import', { csv });
    return result.ok ? result.data : null;
  };
  return (
    <CsvUploadDialog
      label="app.devices.import"
      help="app.devices.import_help"
      fileLabel="app.devices.import_file"
      sendLabel="app.devices.import_send"
      send={send}
      running={running}
      answerView={(report) => (
        <Box data-testid="import-report">
          <Alert severity={report.refused.length ? 'warning' : 'success'} sx={{ mb: 1 }}>
            {translate('app.devices.import_result', { accepted: report.accepted.length, refused: report.refused.length })}
          </Alert>
          {report.accepted.length ? (
            <Typography variant="body2" sx={{ mb: 1 }}>
              {translate('app.devices.import_accepted')}: {report.accepted.map((a) => `${a.serial} (${translate('app.devices.row')} ${a.row})`).join(', ')}
            </Typography>
          ) : null}
          {report.refused.length ? (
            <Table size="small" aria-label={translate('app.devices.import_refused')}>
              <TableHead>
                <TableRow>
                  <TableCell>{translate('app.devices.row')}</TableCell>
                  <TableCell>{translate('app.devices.column')}</TableCell>
                  <TableCell>{translate('app.devices.reason')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {report.refused.map((r) => (
                  <TableRow key={`${r.row}-${r.code}`}>
                    <TableCell>{r.row}</TableCell>
                    <TableCell>{r.column ?? ''}</TableCell>
                    <TableCell>{translate(`app.errors.${r.code}`, { _: r.reason })}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : null}
        </Box>
      )}
    />
  );
}

function Actions() {
  return (
    <TopToolbar>
      <FilterButton />
      <CreateButton />
      <ImportButton />
    </TopToolbar>
  );
}

function useFilters() {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('app.devices.search')} aria-label={translate('app.devices.search')} />,
    <SelectInput
      key="exp"
      source="expiringWithinDays"
      alwaysOn
      choices={[7, 30, 60, 90].map((d) => ({ id: d, name: translate('app.devices.within_days', { smart_count: d }) }))}
    />,
    <SelectInput key="window" source="windowState" choices={windowStates.map((s) => ({ id: s, name: `app.enums.windowState.${s}` }))} />,
    <SelectInput
      key="kind"
      source="kind"
      choices={[
        { id: 'smart_card', name: 'app.enums.deviceKind.smart_card' },
        { id: 'usb_token', name: 'app.enums.deviceKind.usb_token' },
      ]}
    />,
    <SelectInput
      key="status"
      source="deviceStatus"
      choices={deviceStatuses.map((status) => ({ id: status, name: `app.enums.deviceStatus.${status}` }))}
    />,
    <TextInput key="issuer" source="issuer" />,
    <TextInput key="cf" source="holderCodiceFiscale" />,
  ];
}

export default function DeviceList() {
  return (
    <List sort={{ field: 'expiresAt', order: 'ASC' }} exporter={false} filters={useFilters()} actions={<Actions />}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="id" label="resources.devices.fields.serial">
          <ShowLink source="id" />
        </DataTable.Col>
        <DataTable.Col source="kind" disableSort>
          <EnumField source="kind" name="deviceKind" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="deviceStatus" disableSort>
          <EnumField source="deviceStatus" name="deviceStatus" />
        </DataTable.Col>
        <DataTable.Col source="holderCodiceFiscale" disableSort>
          <TextField source="holderCodiceFiscale" />
        </DataTable.Col>
        <DataTable.Col source="issuer" disableSort>
          <TextField source="issuer" />
        </DataTable.Col>
        <DataTable.Col source="signingValidUntil" disableSort>
          <DateTimeField source="signingValidUntil" dateOnly />
        </DataTable.Col>
        <DataTable.Col source="authenticationValidUntil" disableSort>
          <DateTimeField source="authenticationValidUntil" dateOnly />
        </DataTable.Col>
        <DataTable.Col source="daysToExpiry">
          <ExpiryField />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
