import { ArrayField, Datagrid, NumberField, ReferenceField, Show, SimpleShowLayout, TextField, TopToolbar, useRecordContext } from 'react-admin';
import { HistoryButton } from '../../components/audit';
import { DateTimeField, EnumField } from '../../components/fields';

function Actions() {
  const record = useRecordContext<{ id: string }>();
  return (
    <TopToolbar>
      <HistoryButton stream={record ? record.id : null} />
    </TopToolbar>
  );
}

export default function ReminderShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <ReferenceField source="deviceSerial" reference="devices" link="show" />
        <EnumField source="certificateKind" name="certificateKind" chip={false} />
        <TextField source="certificateSerialNumber" />
        <NumberField source="offsetDays" />
        <DateTimeField source="deadline" />
        <DateTimeField source="sentAt" />
        <ArrayField source="recipients">
          <Datagrid bulkActionButtons={false} rowClick={false}>
            <EnumField source="role" name="reminderRecipient" chip={false} />
            <ReferenceField source="customerId" reference="customers" link="show" />
            <ReferenceField source="emailId" reference="emails" link="show" />
          </Datagrid>
        </ArrayField>
      </SimpleShowLayout>
    </Show>
  );
}
