// One adjustment: who asked, how much and why; for a supervisor other than the requester, the
// buttons to approve (credits the account) or reject it while it is pending. The server refuses a
// requester's own decision and a second one anyway; the buttons only spare the round trip.
import CheckIcon from '@mui/icons-material/Check';
import CloseIcon from '@mui/icons-material/Close';
import {
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
import { HistoryButton } from '../../components/audit';
import { CommandDialog } from '../../components/CommandDialog';
import { DateTimeField, EnumField, MoneyField } from '../../components/fields';
import { formatEuro } from '../../format';
import { ActorField } from './AdjustmentList';

interface Adjustment {
  id: string;
  customerId: string;
  status: 'pending' | 'approved' | 'rejected';
  requestedBy: string;
}

function Actions() {
  const record = useRecordContext<Adjustment>();
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  if (!record) return <TopToolbar />;
  const base = `customers/${record.customerId}/prepaid/adjustments/${record.id}`;
  const decidable = record.status === 'pending' && identity !== undefined && identity.id !== record.requestedBy;
  return (
    <TopToolbar>
      {decidable ? (
        <>
          <CommandDialog<Record<string, never>, { balanceCents: number }>
            label="app.adjustments.approve"
            icon={<CheckIcon />}
            path={`${base}/approve`}
            toBody={() => ({})}
            description={translate('app.adjustments.approve_help')}
            access={{ resource: 'prepaid-adjustments', action: 'approve' }}
            success={(d) => translate('app.adjustments.approved', { balance: formatEuro(d.balanceCents) })}
            variant="contained"
          />
          <CommandDialog<{ reason: string }>
            label="app.adjustments.reject"
            icon={<CloseIcon />}
            path={`${base}/reject`}
            toBody={(v) => ({ reason: (v.reason ?? '').trim() })}
            description={translate('app.adjustments.reject_help')}
            access={{ resource: 'prepaid-adjustments', action: 'reject' }}
            success="app.adjustments.rejected"
            color="error"
          >
            <TextInput source="reason" label="app.adjustments.rejection_reason" validate={required()} fullWidth multiline autoComplete="off" />
          </CommandDialog>
        </>
      ) : null}
      <HistoryButton stream={`prepaid-${record.customerId}`} />
    </TopToolbar>
  );
}

export default function AdjustmentShow() {
  return (
    <Show actions={<Actions />}>
      <OwnRequestNotice resource="prepaid-adjustments" message="app.adjustments.own_request" testId="own-adjustment" />
      <SimpleShowLayout>
        <EnumField source="status" name="adjustmentStatus" />
        <ReferenceField source="customerId" reference="customers" link="show" />
        <MoneyField source="amountCents" strong />
        <TextField source="reason" />
        <ActorField source="requestedBy" label="resources.prepaid-adjustments.fields.requestedBy" />
        <DateTimeField source="requestedAt" />
        <ActorField source="decidedBy" label="resources.prepaid-adjustments.fields.decidedBy" />
        <DateTimeField source="decidedAt" empty="—" />
        <TextField source="rejectionReason" emptyText="—" />
        <MoneyField source="balanceAfterCents" empty="—" />
      </SimpleShowLayout>
    </Show>
  );
}
