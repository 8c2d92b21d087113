// The adjustments, pending first: the supervisors' queue (the status filter starts on 'pending').
import { DataTable, List, ReferenceField, SelectInput, TextField, useRecordContext } from 'react-admin';
import { useActorLabel } from '../../components/audit';
import { DateTimeField, EnumField, MoneyField } from '../../components/fields';

export const ADJUSTMENT_STATES = ['pending', 'approved', 'rejected'] as const;

const filters = [
  <SelectInput key="status" source="status" alwaysOn choices={ADJUSTMENT_STATES.map((s) => ({ id: s, name: `app.enums.adjustmentStatus.${s}` }))} />,
];

export function ActorField({ source }: { source: 'requestedBy' | 'decidedBy'; label?: string }) {
  const record = useRecordContext<{ requestedBy?: string; decidedBy?: string | null }>();
  const actor = useActorLabel();
  const id = record?.[source];
  return <span>{id ? actor(id) : '—'}</span>;
}

export default function AdjustmentList() {
  return (
    <List sort={{ field: 'requestedAt', order: 'DESC' }} filterDefaultValues={{ status: 'pending' }} filters={filters} exporter={false}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="requestedAt">
          <DateTimeField source="requestedAt" />
        </DataTable.Col>
        <DataTable.Col source="customerId" disableSort>
          <ReferenceField source="customerId" reference="customers" link="show" />
        </DataTable.Col>
        <DataTable.Col source="amountCents" align="right">
          <MoneyField source="amountCents" />
        </DataTable.Col>
        <DataTable.Col source="reason" disableSort>
          <TextField source="reason" />
        </DataTable.Col>
        <DataTable.Col source="requestedBy" disableSort>
          <ActorField source="requestedBy" />
        </DataTable.Col>
        <DataTable.Col source="status" disableSort>
          <EnumField source="status" name="adjustmentStatus" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
