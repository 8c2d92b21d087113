import { BooleanField, ReferenceField, Show, SimpleShowLayout, TextField, TopToolbar, useRecordContext } from 'react-admin';
import { HistoryButton } from '../../components/audit';
import { DateTimeField, EnumField } from '../../components/fields';
import { RetryButton } from './RetryButton';

function Actions() {
  const record = useRecordContext<{ id: string }>();
  return (
    <TopToolbar>
      <RetryButton />
      <HistoryButton stream={record ? `email-${record.id}` : null} />
    </TopToolbar>
  );
}

export default function EmailShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <EnumField source="state" name="emailState" />
        <EnumField source="reason" name="emailReason" chip={false} />
        <TextField source="to" emptyText="—" />
        <ReferenceField source="orderId" reference="orders" link="show" />
        <ReferenceField source="customerId" reference="customers" link="show" />
        <TextField source="couponCount" />
        <TextField source="attempts" />
        <TextField source="lastError" emptyText="—" />
        <DateTimeField source="queuedAt" />
        <DateTimeField source="sentAt" empty="—" />
        <DateTimeField source="retryAt" empty="—" />
        <DateTimeField source="failedAt" empty="—" />
        <TextField source="messageId" emptyText="—" />
        <BooleanField source="possiblyDuplicate" />
      </SimpleShowLayout>
    </Show>
  );
}
