import LinkIcon from '@mui/icons-material/Link';
import { Alert, Box } from '@mui/material';
import {
  AutocompleteInput,
  ReferenceField,
  ReferenceInput,
  required,
  Show,
  SimpleShowLayout,
  TextField,
  TopToolbar,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { HistoryButton } from '../../components/audit';
import { CommandDialog } from '../../components/CommandDialog';
import { DateTimeField, DayField, EnumField, MoneyField } from '../../components/fields';
import { formatRf } from '../../components/documents';

interface Payment {
  id: string;
  state: string;
  matched: boolean;
  orderId: string | null;
  rfReference: string | null;
  rfCandidate: string | null;
  unmatchedReason: string | null;
  unmatchedDetail: string | null;
}

function orderLabel(o: { customerName?: string; rfReference?: string | null; amountDueCents?: number; id: string }) {
  return [o.customerName, o.rfReference ? formatRf(o.rfReference) : o.id.slice(0, 8)].filter(Boolean).join(' – ');
}

function Actions() {
  const record = useRecordContext<Payment>();
  const translate = useTranslate();
  if (!record) return <TopToolbar />;
  return (
    <TopToolbar>
      {!record.matched ? (
        <CommandDialog<{ orderId: string }>
          label="app.payments.match"
          icon={<LinkIcon />}
          path={`payments/${record.id}/match`}
          toBody={(v) => ({ orderId: v.orderId })}
          access={{ resource: 'payments', action: 'match' }}
          success="app.payments.matched"
          description={translate('app.payments.match_help')}
          variant="contained"
        >
          <ReferenceInput source="orderId" reference="orders" filter={{ status: 'awaiting_payment' }} sort={{ field: 'placedAt', order: 'DESC' }}>
            <AutocompleteInput label="app.payments.order" optionText={orderLabel} validate={required()} fullWidth />
          </ReferenceInput>
        </CommandDialog>
      ) : null}
      <HistoryButton stream={`payment-${record.id}`} />
    </TopToolbar>
  );
}

function Unmatched() {
  const record = useRecordContext<Payment>();
  const translate = useTranslate();
  if (!record || record.matched || record.state !== 'unmatched') return null;
  return (
    <Alert severity="warning" sx={{ m: 2, mb: 0 }} data-testid="unmatched">
      {translate(`app.enums.unmatchedReason.${record.unmatchedReason ?? 'no_reference'}`, { _: record.unmatchedReason ?? '' })}
      {record.unmatchedDetail ? ` – ${record.unmatchedDetail}` : ''}
    </Alert>
  );
}

function Rf(_props: { label?: string }) {
  const record = useRecordContext<Payment>();
  return <span>{formatRf(record?.rfReference ?? record?.rfCandidate) || '—'}</span>;
}

export default function PaymentShow() {
  return (
    <Show actions={<Actions />}>
      <Unmatched />
      <Box>
        <SimpleShowLayout>
          <EnumField source="state" name="paymentState" />
          <EnumField source="method" name="paymentMethod" chip={false} />
          <MoneyField source="amountCents" strong />
          <DayField source="receivedOn" />
          <TextField source="payer" />
          <TextField source="bankReference" emptyText="—" />
          <TextField source="reason" emptyText="—" />
          <Rf label="resources.payments.fields.rfReference" />
          <ReferenceField source="orderId" reference="orders" link="show" emptyText="—" />
          <EnumField source="matchedHow" name="matchedHow" chip={false} />
          <MoneyField source="appliedCents" empty="—" />
          <MoneyField source="surplusCents" empty="—" />
          <DateTimeField source="recordedAt" />
        </SimpleShowLayout>
      </Box>
    </Show>
  );
}
