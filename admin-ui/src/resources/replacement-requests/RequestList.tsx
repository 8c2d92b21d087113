// The replacement requests, pending first and oldest first: the supervisors' queue, with each
// request's age (the status filter starts on 'pending').
import { DataTable, List, SelectInput, TextField, useRecordContext, useTranslate } from 'react-admin';
import { useActorLabel } from '../../components/audit';
import { DateTimeField, EnumField } from '../../components/fields';

/** As domain/replacements/events.ts and decider.ts name them (the console does not ship the event schemas). */
export const REPLACEMENT_REASONS = ['deadline_passed', 'lost', 'stolen', 'broken'] as const;
export const REPLACEMENT_STATES = ['pending', 'approved', 'rejected', 'completed'] as const;

const filters = [
  <SelectInput key="status" source="status" alwaysOn choices={REPLACEMENT_STATES.map((s) => ({ id: s, name: `app.enums.replacementStatus.${s}` }))} />,
  <SelectInput key="reason" source="reason" choices={REPLACEMENT_REASONS.map((s) => ({ id: s, name: `app.enums.replacementReason.${s}` }))} />,
];

export function ActorField({ source }: { source: 'requestedBy' | 'decidedBy' | 'issuedBy'; label?: string }) {
  const record = useRecordContext<{ requestedBy?: string; decidedBy?: string | null; issuedBy?: string | null }>();
  const actor = useActorLabel();
  const id = record?.[source];
  return <span>{id ? actor(id) : '—'}</span>;
}

/** How long the request has waited: "3 h", "2 g 5 h". */
export function AgeField(_props: { label?: string }) {
  const record = useRecordContext<{ ageHours?: number | null }>();
  const translate = useTranslate();
  if (record?.ageHours === undefined || record.ageHours === null) return null;
  const days = Math.floor(record.ageHours / 24);
  const hours = record.ageHours % 24;
  return (
    <span data-testid="replacement-age">
      {days > 0 ? translate('app.replacements.age_days', { days, hours }) : translate('app.replacements.age_hours', { hours })}
    </span>
  );
}

export default function RequestList() {
  return (
    <List sort={{ field: 'requestedAt', order: 'ASC' }} filterDefaultValues={{ status: 'pending' }} filters={filters} exporter={false}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="requestedAt">
          <DateTimeField source="requestedAt" />
        </DataTable.Col>
        <DataTable.Col source="ageHours">
          <AgeField />
        </DataTable.Col>
        <DataTable.Col source="deviceSerial" disableSort>
          <TextField source="deviceSerial" />
        </DataTable.Col>
        <DataTable.Col source="holderCodiceFiscale" disableSort>
          <TextField source="holderCodiceFiscale" />
        </DataTable.Col>
        <DataTable.Col source="reason" disableSort>
          <EnumField source="reason" name="replacementReason" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="requestedBy" disableSort>
          <ActorField source="requestedBy" />
        </DataTable.Col>
        <DataTable.Col source="status" disableSort>
          <EnumField source="status" name="replacementStatus" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
