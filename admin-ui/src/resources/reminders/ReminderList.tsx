import { DataTable, List, NumberField, ReferenceField, SearchInput, SelectInput, TextField, useTranslate } from 'react-admin';
import { DateTimeField, EnumField } from '../../components/fields';

const OFFSETS = [60, 30, 7, 1];

function useFilters() {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('app.reminders.search')} aria-label={translate('app.reminders.search')} />,
    <SelectInput key="offsetDays" source="offsetDays" alwaysOn choices={OFFSETS.map((o) => ({ id: o, name: translate('app.reminders.days_before', { smart_count: o }) }))} />,
  ];
}

export default function ReminderList() {
  return (
    <List sort={{ field: 'sentAt', order: 'DESC' }} exporter={false} filters={useFilters()}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="sentAt">
          <DateTimeField source="sentAt" />
        </DataTable.Col>
        <DataTable.Col source="deviceSerial" disableSort>
          <ReferenceField source="deviceSerial" reference="devices" link="show" />
        </DataTable.Col>
        <DataTable.Col source="certificateKind" disableSort>
          <EnumField source="certificateKind" name="certificateKind" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="certificateSerialNumber" disableSort>
          <TextField source="certificateSerialNumber" />
        </DataTable.Col>
        <DataTable.Col source="offsetDays" disableSort>
          <NumberField source="offsetDays" />
        </DataTable.Col>
        <DataTable.Col source="deadline">
          <DateTimeField source="deadline" />
        </DataTable.Col>
        <DataTable.Col source="holderCustomerId" disableSort>
          <ReferenceField source="holderCustomerId" reference="customers" link="show" emptyText="—" />
        </DataTable.Col>
        <DataTable.Col source="buyerCustomerId" disableSort>
          <ReferenceField source="buyerCustomerId" reference="customers" link="show" emptyText="—" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
