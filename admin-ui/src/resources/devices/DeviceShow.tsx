// A device: its data, its certificates (each with its status: valid or revoked), its status as a
// token (active, lost, suspended, terminated) with the desk's and the supervisors' actions, and its
// timeline (what happened to it, one Italian line each, instants in Europe/Rome).
import AddShoppingCartIcon from '@mui/icons-material/AddShoppingCart';
import BlockIcon from '@mui/icons-material/Block';
import GppBadIcon from '@mui/icons-material/GppBad';
import PauseCircleIcon from '@mui/icons-material/PauseCircle';
import PlayCircleIcon from '@mui/icons-material/PlayCircle';
import SearchOffIcon from '@mui/icons-material/SearchOff';
import SwapHorizIcon from '@mui/icons-material/SwapHoriz';
import { List as MuiList, ListItem, ListItemText, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import {
  Button,
  DataTable,
  Labeled,
  LinkBase,
  RadioButtonGroupInput,
  ReferenceField,
  ReferenceManyField,
  required,
  Show,
  SimpleShowLayout,
  TextField,
  TextInput,
  TopToolbar,
  useGetList,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { deviceStatuses, revocationReasons } from '../../../../domain/devices/status';
import { useCan } from '../../components/access';
import { HistoryButton } from '../../components/audit';
import { CommandDialog } from '../../components/CommandDialog';
import { DateTimeField, DayField, EnumField, IfValue, ToneChip } from '../../components/fields';
import { formatRomeDate, formatRomeDateTime } from '../../format';
import { ExpiryField } from '../../components/ExpiryField';

interface Device {
  id: string;
  /** not_yet, open, in_grace or closed now, under its issuer's policy. */
  windowState?: string;
  holderCodiceFiscale: string;
  signingSerialNumber: string | null;
  signingValidFrom: string | null;
  signingValidUntil: string | null;
  authenticationSerialNumber: string | null;
  authenticationValidFrom: string | null;
  authenticationValidUntil: string | null;
  signingWindowOpensAt: string | null;
  signingWindowClosesAt: string | null;
  authenticationWindowOpensAt: string | null;
  authenticationWindowClosesAt: string | null;
  signingStatus: 'active' | 'revoked' | null;
  signingRevokedAt: string | null;
  signingRevocationReason: string | null;
  authenticationStatus: 'active' | 'revoked' | null;
  authenticationRevokedAt: string | null;
  authenticationRevocationReason: string | null;
  deviceStatus: (typeof deviceStatuses)[number];
  replacedBy: string | null;
}

interface DeviceEvent {
  id: number;
  entry: string;
  at: string;
  actorName: string | null;
  certificateKind: string | null;
  serialNumber: string | null;
  validUntil: string | null;
  reason: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  relatedSerial: string | null;
}

function Certificates() {
  const record = useRecordContext<Device>();
  const translate = useTranslate();
  if (!record) return null;
  const rows = [
    {
      kind: 'signing',
      serial: record.signingSerialNumber,
      from: record.signingValidFrom,
      until: record.signingValidUntil,
      opens: record.signingWindowOpensAt,
      closes: record.signingWindowClosesAt,
      status: record.signingStatus,
      revokedAt: record.signingRevokedAt,
      revocationReason: record.signingRevocationReason,
    },
    {
      kind: 'authentication',
      serial: record.authenticationSerialNumber,
      from: record.authenticationValidFrom,
      until: record.authenticationValidUntil,
      opens: record.authenticationWindowOpensAt,
      closes: record.authenticationWindowClosesAt,
      status: record.authenticationStatus,
      revokedAt: record.authenticationRevokedAt,
      revocationReason: record.authenticationRevocationReason,
    },
  ].filter((r) => r.serial);
  return (
    <Table size="small" aria-label={translate('app.devices.certificates')}>
      <TableHead>
        <TableRow>
          <TableCell>{translate('app.devices.certificate_kind')}</TableCell>
          <TableCell>{translate('app.devices.certificate_serial')}</TableCell>
          <TableCell>{translate('app.devices.valid_from')}</TableCell>
          <TableCell>{translate('app.devices.valid_until')}</TableCell>
          <TableCell>{translate('app.devices.renewal_opens')}</TableCell>
          <TableCell>{translate('app.devices.renewal_closes')}</TableCell>
          <TableCell>{translate('app.devices.certificate_status')}</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((r) => (
          <TableRow key={r.kind}>
            <TableCell>{translate(`app.enums.certificateKind.${r.kind}`)}</TableCell>
            <TableCell>{r.serial}</TableCell>
            <TableCell>{r.from ? formatRomeDate(r.from) : ''}</TableCell>
            <TableCell>{r.until ? formatRomeDateTime(r.until) : ''}</TableCell>
            <TableCell>{r.opens ? formatRomeDateTime(r.opens) : ''}</TableCell>
            <TableCell data-testid={`closes-${r.kind}`}>{r.closes ? formatRomeDateTime(r.closes) : ''}</TableCell>
            <TableCell>
              {r.status === 'revoked' ? (
                <>
                  <ToneChip tone="error" label={translate('app.enums.certificateStatus.revoked')} testId={`certificate-${r.kind}-revoked`} />{' '}
                  {r.revokedAt ? formatRomeDateTime(r.revokedAt) : ''}
                  {r.revocationReason ? ` · ${translate(`app.enums.revocationReason.${r.revocationReason}`)}` : ''}
                </>
              ) : (
                <ToneChip tone="success" label={translate('app.enums.certificateStatus.active')} testId={`certificate-${r.kind}-active`} />
              )}
            </TableCell>
            <TableCell>{r.status !== 'revoked' ? <RevokeButton serial={record.id} kind={r.kind} /> : null}</TableCell>
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

/** A supervisor revokes one certificate by hand, with its RFC 5280 reason. */
function RevokeButton({ serial, kind }: { serial: string; kind: string }) {
  const translate = useTranslate();
  return (
    <CommandDialog<{ reason: string }>
      label="app.devices.revoke"
      icon={<GppBadIcon />}
      title={`${translate('app.devices.revoke')}: ${translate(`app.enums.certificateKind.${kind}`)}`}
      path={`devices/${encodeURIComponent(serial)}/certificates/${kind}/revoke`}
      defaultValues={{ reason: 'keyCompromise' }}
      access={{ resource: 'devices', action: 'revoke' }}
      success="app.devices.revoked_done"
      description={translate('app.devices.revoke_help')}
      color="error"
    >
      <RadioButtonGroupInput
        source="reason"
        label="app.devices.revocation_reason"
        validate={required()}
        row={false}
        choices={revocationReasons.map((r) => ({ id: r, name: `app.enums.revocationReason.${r}` }))}
      />
    </CommandDialog>
  );
}

/** The desk's status changes: each asks for the reason and says what follows. */
function StatusDialog({ serial, path, action, label, icon, color }: {
  serial: string;
  path: string;
  action: string;
  label: string;
  icon: React.ReactElement;
  color?: 'error' | 'warning' | 'success' | 'primary';
}) {
  const translate = useTranslate();
  return (
    <CommandDialog<{ reason: string }>
      label={`app.devices.${label}`}
      icon={icon}
      path={`devices/${encodeURIComponent(serial)}/${path}`}
      toBody={(v) => ({ reason: (v.reason ?? '').trim() })}
      access={{ resource: 'devices', action }}
      success="app.devices.status_changed"
      description={translate(`app.devices.${label}_help`)}
      color={color}
    >
      <TextInput source="reason" label="app.devices.reason" validate={required()} fullWidth multiline autoComplete="off" />
    </CommandDialog>
  );
}

function Actions() {
  const record = useRecordContext<Device>();
  const translate = useTranslate();
  const canOrder = useCan('orders', 'create');
  const canReplace = useCan('replacement-requests', 'create');
  const search = record ? `?source=${encodeURIComponent(JSON.stringify({ holderCodiceFiscale: record.holderCodiceFiscale, deviceSerial: record.id }))}` : '';
  const status = record?.deviceStatus ?? 'active';
  return (
    <TopToolbar>
      {record && status === 'active' ? (
        <StatusDialog serial={record.id} path="report-lost" action="reportLost" label="report_lost" icon={<SearchOffIcon />} />
      ) : null}
      {record && status === 'active' ? (
        <StatusDialog serial={record.id} path="suspend" action="suspend" label="suspend" icon={<PauseCircleIcon />} />
      ) : null}
      {record && (status === 'lost' || status === 'suspended') ? (
        <StatusDialog serial={record.id} path="reactivate" action="reactivate" label="reactivate" icon={<PlayCircleIcon />} color="success" />
      ) : null}
      {record && status !== 'terminated' ? (
        <CommandDialog<{ reason: string; replacedBy: string }>
          label="app.devices.terminate"
          icon={<BlockIcon />}
          path={`devices/${encodeURIComponent(record.id)}/terminate`}
          toBody={(v) => ({ reason: (v.reason ?? '').trim(), ...(v.replacedBy?.trim() ? { replacedBy: v.replacedBy.trim() } : {}) })}
          access={{ resource: 'devices', action: 'terminate' }}
          success="app.devices.terminated_done"
          description={translate('app.devices.terminate_help')}
          color="error"
        >
          <TextInput source="reason" label="app.devices.reason" validate={required()} fullWidth multiline autoComplete="off" />
          <TextInput source="replacedBy" label="app.devices.replaced_by" helperText="app.devices.replaced_by_help" fullWidth autoComplete="off" />
        </CommandDialog>
      ) : null}
      {/* Past its deadline (window closed) a device gets no coupons: the replacement request below instead. */}
      {record && canOrder && status === 'active' && record.windowState !== 'closed' ? (
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
        <Labeled label="app.devices.status">
          <EnumField source="deviceStatus" name="deviceStatus" />
        </Labeled>
        <IfValue source="statusReason">
          <TextField source="statusReason" label="app.devices.status_reason" />
        </IfValue>
        <IfValue source="replacedBy">
          <TextField source="replacedBy" label="app.devices.replaced_by" />
        </IfValue>
        <TextField source="holderCodiceFiscale" />
        <TextField source="issuer" />
        <DayField source="issuedOn" />
        <DateTimeField source="expiresAt" />
        <EnumField source="windowState" name="windowState" />
        <ExpiryField source="daysToExpiry" />
        <DateTimeField source="windowOpensAt" />
        <DateTimeField source="windowClosesAt" />
        <ReferenceField source="policyId" reference="issuer-policies" link="show" />
        <Labeled label="app.devices.certificates">
          <Certificates />
        </Labeled>
        <DateTimeField source="registeredAt" />
        <Labeled label="app.devices.replacement_requests" fullWidth>
          <ReplacementRequests />
        </Labeled>
        <Labeled label="app.devices.timeline" fullWidth>
          <Timeline />
        </Labeled>
      </SimpleShowLayout>
      <Typography variant="body2" color="text.secondary" sx={{ px: 2, pb: 2 }}>
        {translate('app.devices.deadline_help')}
      </Typography>
    </Show>
  );
}

/** One Italian line for a timeline row. */
function useSummary() {
  const translate = useTranslate();
  return (e: DeviceEvent): string => {
    const kind = e.certificateKind ? translate(`app.enums.timelineKind.${e.certificateKind}`) : '';
    const status = (value: string | null) => (value ? translate(`app.enums.deviceStatus.${value}`).toLowerCase() : '');
    let reason = e.reason ?? '';
    if (e.entry === 'certificate_revoked' && e.reason) reason = translate(`app.enums.revocationReason.${e.reason}`);
    if (e.entry === 'replacement_requested' && e.reason) reason = translate(`app.enums.timelineReason.${e.reason}`, { _: e.reason });
    if (e.entry === 'renewal_failed' && e.toStatus) reason = `${reason} (${e.toStatus})`;
    return translate(`app.devices.event.${e.entry}`, {
      kind,
      serialNumber: e.serialNumber ?? '',
      validUntil: e.validUntil ? formatRomeDate(e.validUntil) : '',
      reason,
      from: status(e.fromStatus),
      to: status(e.toStatus),
      related: e.relatedSerial ?? '',
      _: e.entry,
    });
  };
}

/** What happened to the device, oldest first: when (Europe/Rome), what, who. */
function Timeline() {
  const record = useRecordContext<Device>();
  const translate = useTranslate();
  const summary = useSummary();
  const { data, isPending } = useGetList<DeviceEvent>(
    'device-events',
    { filter: { serial: record?.id }, sort: { field: 'id', order: 'ASC' }, pagination: { page: 1, perPage: 500 } },
    { enabled: !!record },
  );
  if (!record || isPending) return null;
  if (!data || data.length === 0) return <Typography variant="body2">{translate('app.devices.timeline_empty')}</Typography>;
  return (
    <MuiList dense aria-label={translate('app.devices.timeline')} data-testid="device-timeline">
      {data.map((e) => (
        <ListItem key={e.id} disableGutters data-entry={e.entry}>
          <ListItemText
            primary={summary(e)}
            secondary={`${formatRomeDateTime(e.at)}${e.actorName ? ` · ${translate('app.devices.timeline_by', { name: e.actorName })}` : ''}`}
          />
        </ListItem>
      ))}
    </MuiList>
  );
}
