import AddShoppingCartIcon from '@mui/icons-material/AddShoppingCart';
import SwapHorizIcon from '@mui/icons-material/SwapHoriz';
import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Button, DataTable, Labeled, LinkBase, ReferenceManyField, Show, SimpleShowLayout, TextField, TopToolbar, useRecordContext, useTranslate } from 'react-admin';
import { useCan } from '../../components/access';
import { HistoryButton } from '../../components/audit';
import { DateTimeField, DayField, EnumField } from '../../components/fields';
import { formatRomeDate } from '../../format';
import { ExpiryField } from '../../components/ExpiryField';

interface Device {
  id: string;
  holderCodiceFiscale: string;
  signingSerialNumber: string | null;
  signingValidFrom: string | null;
  signingValidUntil: string | null;
  authenticationSerialNumber: string | null;
  authenticationValidFrom: string | null;
  authenticationValidUntil: string | null;
}

function Certificates() {
  const record = useRecordContext<Device>();
  const translate = useTranslate();
  if (!record) return null;
  const rows = [
    { kind: 'signing', serial: record.signingSerialNumber, from: record.signingValidFrom, until: record.signingValidUntil },
    { kind: 'authentication', serial: record.authenticationSerialNumber, from: record.authenticationValidFrom, until: record.authenticationValidUntil },
  ].filter((r) => r.serial);
  return (
    <Table size="small" aria-label={translate('app.devices.certificates')}>
      <TableHead>
        <TableRow>
          <TableCell>{translate('app.devices.certificate_kind')}</TableCell>
          <TableCell>{translate('app.devices.certificate_serial')}</TableCell>
          <TableCell>{translate('app.devices.valid_from')}</TableCell>
          <TableCell>{translate('app.devices.valid_until')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((r) => (
          <TableRow key={r.kind}>
            <TableCell>{translate(`app.enums.certificateKind.${r.kind}`)}</TableCell>
            <TableCell>{r.serial}</TableCell>
            <TableCell>{r.from ? formatRomeDate(r.from) : ''}</TableCell>
            <TableCell>{r.until ? formatRomeDate(r.until) : ''}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The device's replacement requests (issue #16), newest first. */
function ReplacementRequests() {
  const translate = useTranslate();
  return (
    <ReferenceManyField reference="replacement-requests" target="deviceSerial" sort={{ field: 'requestedAt', order: 'DESC' }} perPage={5}>
      <DataTable
        bulkActionButtons={false}
        rowClick="show"
        empty={
          <Typography variant="body2" color="text.secondary">
            {translate('app.none')}
          </Typography>
        }
      >
        <DataTable.Col source="requestedAt" label="resources.replacement-requests.fields.requestedAt" disableSort>
          <DateTimeField source="requestedAt" />
        </DataTable.Col>
        <DataTable.Col source="reason" label="resources.replacement-requests.fields.reason" disableSort>
          <EnumField source="reason" name="replacementReason" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="status" label="resources.replacement-requests.fields.status" disableSort>
          <EnumField source="status" name="replacementStatus" />
        </DataTable.Col>
        <DataTable.Col source="newDeviceSerial" label="resources.replacement-requests.fields.newDeviceSerial" disableSort>
          <TextField source="newDeviceSerial" emptyText="—" />
        </DataTable.Col>
      </DataTable>
    </ReferenceManyField>
  );
}

function Actions() {
  const record = useRecordContext<Device>();
  const canOrder = useCan('orders', 'create');
  const canReplace = useCan('replacement-requests', 'create');
  const search = record ? `?source=${encodeURIComponent(JSON.stringify({ holderCodiceFiscale: record.holderCodiceFiscale, deviceSerial: record.id }))}` : '';
  return (
    <TopToolbar>
      {record && canOrder ? (
        <Button component={LinkBase} to={{ pathname: '/orders/create', search }} label="app.devices.order_renewal" variant="contained">
          <AddShoppingCartIcon />
        </Button>
      ) : null}
      {record && canReplace ? (
        <Button
          component={LinkBase}
          to={{ pathname: '/replacement-requests/create', search: `?source=${encodeURIComponent(JSON.stringify({ deviceSerial: record.id }))}` }}
          label="app.devices.request_replacement"
        >
          <SwapHorizIcon />
        </Button>
      ) : null}
      <HistoryButton stream={record ? `device-${record.id}` : null} />
    </TopToolbar>
  );
}

export default function DeviceShow() {
  const translate = useTranslate();
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="id" label="resources.devices.fields.serial" />
        <EnumField source="kind" name="deviceKind" chip={false} />
        <TextField source="holderCodiceFiscale" />
        <TextField source="issuer" />
        <DayField source="issuedOn" />
        <DateTimeField source="expiresAt" />
        <ExpiryField source="daysToExpiry" />
        <Labeled label="app.devices.certificates">
          <Certificates />
        </Labeled>
        <DateTimeField source="registeredAt" />
        <Labeled label="app.devices.replacement_requests" fullWidth>
          <ReplacementRequests />
        </Labeled>
      </SimpleShowLayout>
      <Typography variant="body2" color="text.secondary" sx={{ px: 2, pb: 2 }}>
        {translate('app.devices.deadline_help')}
      </Typography>
    </Show>
  );
}
