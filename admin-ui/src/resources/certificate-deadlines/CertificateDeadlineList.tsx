import { BooleanInput, DataTable, List, NumberField, NumberInput, ReferenceField, SearchInput, TextField, useTranslate } from 'react-admin';
import { DateTimeField, EnumField } from '../../components/fields';

function useFilters() {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('app.reminders.search')} aria-label={translate('app.reminders.search')} />,
    <BooleanInput key="opensThisMonth" source="opensThisMonth" />,
    <NumberInput key="closingWithinDays" source="closingWithinDays" min={0} />,
  ];
}

export default function CertificateDeadlineList() {
  return (
    <List sort={{ field: 'closesAt', order: 'ASC' }} exporter={false} filters={useFilters()}>
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="deviceSerial" disableSort>
          <ReferenceField source="deviceSerial" reference="devices" link="show" />
        </DataTable.Col>
        <DataTable.Col source="kind" disableSort>
          <EnumField source="kind" name="certificateKind" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="serialNumber" disableSort>
          <TextField source="serialNumber" />
        </DataTable.Col>
        <DataTable.Col source="issuer" disableSort>
          <TextField source="issuer" />
        </DataTable.Col>
        <DataTable.Col source="opensAt">
          <DateTimeField source="opensAt" />
        </DataTable.Col>
        <DataTable.Col source="closesAt">
          <DateTimeField source="closesAt" />
        </DataTable.Col>
        <DataTable.Col source="status" disableSort>
          <EnumField source="status" name="certificateStatus" />
        </DataTable.Col>
        <DataTable.Col source="deviceStatus" disableSort>
          <EnumField source="deviceStatus" name="deviceStatus" />
        </DataTable.Col>
        <DataTable.Col source="lastReminderOffset" disableSort>
          <NumberField source="lastReminderOffset" emptyText="—" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
