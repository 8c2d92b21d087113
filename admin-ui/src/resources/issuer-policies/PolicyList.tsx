// The issuer policies: the default one (every issuer without its own) and each issuer's, with the
// window they draw, the pay-after fee in euros, and who set them when (Rome time).
import { BooleanField, CreateButton, DataTable, List, NumberField, TextField, TopToolbar, useRecordContext } from 'react-admin';
import { useActorLabel } from '../../components/audit';
import { DateTimeField, MoneyField } from '../../components/fields';

export function SetByField(_props: { source?: string; label?: string }) {
  const record = useRecordContext<{ setBy?: string }>();
  const actor = useActorLabel();
  return <span>{record?.setBy ? actor(record.setBy) : '—'}</span>;
}

function Actions() {
  return (
    <TopToolbar>
      <CreateButton />
    </TopToolbar>
  );
}

export default function PolicyList() {
  return (
    <List sort={{ field: 'id', order: 'ASC' }} exporter={false} actions={<Actions />}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="issuerName">
          <TextField source="issuerName" />
        </DataTable.Col>
        <DataTable.Col source="renewalOpensDaysBefore" disableSort align="right">
          <NumberField source="renewalOpensDaysBefore" />
        </DataTable.Col>
        <DataTable.Col source="graceHours" disableSort align="right">
          <NumberField source="graceHours" />
        </DataTable.Col>
        <DataTable.Col source="validityYears" disableSort align="right">
          <NumberField source="validityYears" />
        </DataTable.Col>
        <DataTable.Col source="payAfterOffered" disableSort>
          <BooleanField source="payAfterOffered" />
        </DataTable.Col>
        <DataTable.Col source="payAfterFeeCents" disableSort align="right">
          <MoneyField source="payAfterFeeCents" />
        </DataTable.Col>
        <DataTable.Col source="setBy" disableSort>
          <SetByField />
        </DataTable.Col>
        <DataTable.Col source="setAt" disableSort>
          <DateTimeField source="setAt" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
