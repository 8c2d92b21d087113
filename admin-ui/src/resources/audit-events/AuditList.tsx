import { ListActionsWithExport } from '../../components/exportCsv';
import { Box } from '@mui/material';
import { DataTable, DateInput, List, SelectInput, TextField, TextInput, useRecordContext, useTranslate } from 'react-admin';
import { eventTypes } from '../../../../domain/eventTypes';
import { roles } from '../../../../domain/staff/roles';
import { summariseData, useActorLabel, useStaffDirectory, type AuditRow } from '../../components/audit';
import { DateTimeField, EnumField, JsonField, ShowLink } from '../../components/fields';

function Actor(_props: { label?: string; source?: string }) {
  const record = useRecordContext<AuditRow>();
  const label = useActorLabel();
  return <span data-testid="audit-actor">{record ? label(record.actorId, record.actorRole) : ''}</span>;
}

function Summary(_props: { label?: string }) {
  const record = useRecordContext<AuditRow>();
  return <span style={{ fontSize: 12 }}>{summariseData(record?.data)}</span>;
}

function Expanded() {
  return (
    <Box sx={{ p: 1 }}>
      <JsonField source="data" />
    </Box>
  );
}

function useFilters() {
  const translate = useTranslate();
  const { names } = useStaffDirectory();
  const actors = [
    ...[...names.entries()]
      .map(([id, n]) => ({ id, name: `${n.displayName} (${n.username})` }))
      .sort((a, b) => a.name.localeCompare(b.name, 'it')),
    { id: 'system', name: translate('app.audit.system') },
  ];
  return [
    <DateInput key="from" source="at_gte" label="app.filters.from" alwaysOn />,
    <DateInput key="to" source="at_lte" label="app.filters.to" alwaysOn />,
    <SelectInput key="actor" source="actorId" choices={actors} alwaysOn />,
    <SelectInput key="type" source="type" choices={eventTypes.map((t) => ({ id: t, name: t }))} alwaysOn />,
    <TextInput key="stream" source="stream" alwaysOn />,
    <SelectInput key="role" source="actorRole" choices={[...roles, 'system'].map((r) => ({ id: r, name: `app.enums.actorRole.${r}` }))} />,
  ];
}

export default function AuditList() {
  return (
    <List sort={{ field: 'id', order: 'DESC' }} exporter={false} filters={useFilters()} actions={<ListActionsWithExport />} perPage={50}>
      <DataTable bulkActionButtons={false} rowClick="show" expand={<Expanded />}>
        <DataTable.Col source="id" label="resources.audit-events.fields.position">
          <ShowLink source="id" />
        </DataTable.Col>
        <DataTable.Col source="at">
          <DateTimeField source="at" />
        </DataTable.Col>
        <DataTable.Col source="actorId" disableSort>
          <Actor />
        </DataTable.Col>
        <DataTable.Col source="actorRole" disableSort>
          <EnumField source="actorRole" name="actorRole" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="stream" disableSort>
          <TextField source="stream" />
        </DataTable.Col>
        <DataTable.Col source="type" disableSort>
          <TextField source="type" />
        </DataTable.Col>
        <DataTable.Col source="data" disableSort>
          <Summary />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
