// One replacement request: the old device and why, who opened it and when, the decision with its
// note, the order for the new device, the new device, and what became of the old one (terminated,
// certificates revoked). For a supervisor other than the one who opened it, approve or reject while
// it is pending; once approved, the desk records the new device. The server refuses the opener's own
// decision anyway: the buttons only spare the round trip.
import AddCardIcon from '@mui/icons-material/AddCard';
import CheckIcon from '@mui/icons-material/Check';
import CloseIcon from '@mui/icons-material/Close';
import { Box, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import {
  DateInput,
  Labeled,
  ReferenceField,
  required,
  Show,
  SimpleShowLayout,
  TextField,
  TextInput,
  TopToolbar,
  useGetIdentity,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { OwnRequestNotice } from '../../components/OwnRequestNotice';
import { AuditTrail, useActorLabel } from '../../components/audit';
import { CommandDialog } from '../../components/CommandDialog';
import { DateTimeField, EnumField } from '../../components/fields';
import { formatRomeDateTime } from '../../format';
import { addDays, romeDay, romeDayEnd, romeDayStart } from '../../dates';
import { ActorField, AgeField } from './RequestList';

interface ReplacementRow {
  id: string;
  status: 'pending' | 'approved' | 'rejected' | 'completed';
  deviceSerial: string;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  orderId: string | null;
  orderedAt: string | null;
  newDeviceSerial: string | null;
  issuedBy: string | null;
  issuedAt: string | null;
  completedAt: string | null;
  oldDeviceStatus: string;
  revokedCertificates: string;
}

type NewDeviceValues = {
  serial?: string;
  signingSerialNumber?: string;
  authenticationSerialNumber?: string;
  validFrom?: string;
  validUntil?: string;
};

const trim = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The new device as the server takes it: the certificates typed, both with the validity picked (Rome days). */
export function newDeviceBody(values: NewDeviceValues) {
  const validFrom = values.validFrom ? romeDayStart(values.validFrom) : '';
  const validUntil = values.validUntil ? romeDayEnd(values.validUntil) : '';
  const certificates = (
    [
      ['signing', trim(values.signingSerialNumber)],
      ['authentication', trim(values.authenticationSerialNumber)],
    ] as const
  )
    .filter(([, serialNumber]) => serialNumber)
    .map(([kind, serialNumber]) => ({ kind, serialNumber, validFrom, validUntil }));
  return { serial: trim(values.serial), certificates };
}

function Actions() {
  const record = useRecordContext<ReplacementRow>();
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  if (!record) return <TopToolbar />;
  const base = `replacement-requests/${record.id}`;
  const decidable = record.status === 'pending' && identity !== undefined && identity.id !== record.requestedBy;
  const today = romeDay();
  return (
    <TopToolbar>
      {decidable ? (
        <>
          <CommandDialog<{ note: string }>
            label="app.replacements.approve"
            icon={<CheckIcon />}
            path={`${base}/approve`}
            toBody={(v) => ({ note: (v.note ?? '').trim() })}
            description={translate('app.replacements.approve_help')}
            access={{ resource: 'replacement-requests', action: 'approve' }}
            success="app.replacements.approved"
            variant="contained"
          >
            <TextInput source="note" label="app.replacements.decision_note" validate={required()} fullWidth multiline autoComplete="off" />
          </CommandDialog>
          <CommandDialog<{ note: string }>
            label="app.replacements.reject"
            icon={<CloseIcon />}
            path={`${base}/reject`}
            toBody={(v) => ({ note: (v.note ?? '').trim() })}
            description={translate('app.replacements.reject_help')}
            access={{ resource: 'replacement-requests', action: 'reject' }}
            success="app.replacements.rejected"
            color="error"
          >
            <TextInput source="note" label="app.replacements.decision_note" validate={required()} fullWidth multiline autoComplete="off" />
          </CommandDialog>
        </>
      ) : null}
      {record.status === 'approved' && record.newDeviceSerial === null ? (
        <CommandDialog<NewDeviceValues>
          label="app.replacements.record_device"
          icon={<AddCardIcon />}
          path={`${base}/new-device`}
          toBody={newDeviceBody}
          defaultValues={{ validFrom: today, validUntil: addDays(today, 3 * 365) }}
          description={translate('app.replacements.record_device_help')}
          access={{ resource: 'replacement-requests', action: 'recordDevice' }}
          success="app.replacements.device_recorded"
          variant="contained"
        >
          <TextInput source="serial" label="app.replacements.new_serial" validate={required()} autoComplete="off" />
          <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
            <TextInput source="signingSerialNumber" label="app.replacements.signing_serial" autoComplete="off" />
            <TextInput source="authenticationSerialNumber" label="app.replacements.authentication_serial" autoComplete="off" />
          </Box>
          <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
            <DateInput source="validFrom" label="app.devices.valid_from" validate={required()} />
            <DateInput source="validUntil" label="app.devices.valid_until" validate={required()} />
          </Box>
        </CommandDialog>
      ) : null}
    </TopToolbar>
  );
}

/** The request's steps as they happened, from the read model (everyone who reads it sees them). */
function Steps() {
  const record = useRecordContext<ReplacementRow>();
  const translate = useTranslate();
  const actor = useActorLabel();
  if (!record) return null;
  const steps: Array<[string, string | null, string | null, string]> = [
    ['requested', record.requestedAt, record.requestedBy, ''],
    [record.status === 'rejected' ? 'rejected' : 'approved', record.decidedAt, record.decidedBy, record.decisionNote ?? ''],
    ['ordered', record.orderedAt, null, ''],
    ['issued', record.issuedAt, record.issuedBy, record.newDeviceSerial ?? ''],
    ['completed', record.completedAt, null, ''],
  ];
  return (
    <Table size="small" aria-label={translate('app.replacements.steps')}>
      <TableHead>
        <TableRow>
          <TableCell>{translate('app.replacements.step')}</TableCell>
          <TableCell>{translate('app.replacements.when')}</TableCell>
          <TableCell>{translate('app.replacements.who')}</TableCell>
          <TableCell>{translate('app.replacements.detail')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {steps
          .filter(([, at]) => at)
          .map(([step, at, by, detail]) => (
            <TableRow key={step} data-testid={`replacement-step-${step}`}>
              <TableCell>{translate(`app.replacements.step_${step}`)}</TableCell>
              <TableCell>{formatRomeDateTime(at!)}</TableCell>
              <TableCell>{by ? actor(by) : '—'}</TableCell>
              <TableCell>{detail}</TableCell>
            </TableRow>
          ))}
      </TableBody>
    </Table>
  );
}

function RevokedCertificates(_props: { label?: string }) {
  const record = useRecordContext<ReplacementRow>();
  const translate = useTranslate();
  if (!record) return null;
  const kinds = record.revokedCertificates ? record.revokedCertificates.split(',') : [];
  return (
    <Typography variant="body2" data-testid="revoked-certificates">
      {kinds.length === 0 ? translate('app.replacements.none_revoked') : kinds.map((k) => translate(`app.enums.certificateKind.${k}`)).join(', ')}
    </Typography>
  );
}

function History() {
  const record = useRecordContext<ReplacementRow>();
  if (!record) return null;
  return <AuditTrail streams={[`replacement-${record.id}`, `device-${record.deviceSerial}`]} />;
}

export default function RequestShow() {
  return (
    <Show actions={<Actions />}>
      <OwnRequestNotice resource="replacement-requests" message="app.replacements.own_request" testId="own-replacement" />
      <SimpleShowLayout>
        <EnumField source="status" name="replacementStatus" />
        <ReferenceField source="deviceSerial" reference="devices" link="show" />
        <TextField source="holderCodiceFiscale" />
        <EnumField source="reason" name="replacementReason" chip={false} />
        <TextField source="note" emptyText="—" />
        <ReferenceField source="customerId" reference="customers" link="show" />
        <ActorField source="requestedBy" label="resources.replacement-requests.fields.requestedBy" />
        <DateTimeField source="requestedAt" />
        <AgeField label="resources.replacement-requests.fields.ageHours" />
        <ActorField source="decidedBy" label="resources.replacement-requests.fields.decidedBy" />
        <TextField source="decisionNote" emptyText="—" />
        <ReferenceField source="orderId" reference="orders" link="show" emptyText="—" />
        <TextField source="newDeviceSerial" emptyText="—" />
        <EnumField source="oldDeviceStatus" name="oldDeviceStatus" />
        <Labeled label="resources.replacement-requests.fields.revokedCertificates">
          <RevokedCertificates />
        </Labeled>
        <EnumField source="revocationReason" name="replacementRevocation" chip={false} />
        <Labeled label="app.replacements.steps">
          <Steps />
        </Labeled>
      </SimpleShowLayout>
      <Box sx={{ px: 2, pb: 2 }}>
        <History />
      </Box>
    </Show>
  );
}
