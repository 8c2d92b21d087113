import { ListActionsWithExport } from '../../components/exportCsv';
import { Typography } from '@mui/material';
import { DataTable, DateInput, List, SelectInput, TextInput, useRecordContext, useTranslate } from 'react-admin';
import { eventTypes } from '../../../../domain/eventTypes';
import { roles } from '../../../../domain/staff/roles';
import { RawData, useActorLabel, useEventWords, useStaffDirectory, type AuditRow } from '../../components/audit';
import { DateTimeField, ShowLink } from '../../components/fields';

/** Who did it, by name, and in which role. */
function Actor(_props: { label?: string; source?: string }) {
  const record = useRecordContext<AuditRow>();
  const label = useActorLabel();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <>
      <span data-testid="audit-actor">{label(record.actorId, record.actorRole)}</span>
      {record.actorRole !== 'system' ? (
        <Typography variant="caption" component="div" color="text.secondary">
          {translate(`app.enums.actorRole.${record.actorRole}`, { _: record.actorRole })}
        </Typography>
      ) : null}
    </>
  );
}

function EventLabel(_props: { label?: string }) {
  const record = useRecordContext<AuditRow>();
  const words = useEventWords();
  return <>{record ? words.label(record.type) : ''}</>;
}

/** The event in words, the raw data behind its toggle. */
function Summary(_props: { label?: string }) {
  const record = useRecordContext<AuditRow>();
  const words = useEventWords();
  if (!record) return null;
  return (
    <>
      <span data-testid="audit-summary">{words.summary(record.type, record.data)}</span>
      <RawData data={record.data} />
    </>
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
  const types = eventTypes
    .map((t) => ({ id: t, name: translate(`app.events.labels.${t}`, { _: t }) }))
    .sort((a, b) => a.name.localeCompare(b.name, 'it'));
  return [
    <DateInput key="from" source="at_gte" label="app.filters.from" alwaysOn />,
    <DateInput key="to" source="at_lte" label="app.filters.to" alwaysOn />,
    <SelectInput key="actor" source="actorId" choices={actors} alwaysOn />,
    <SelectInput key="type" source="type" choices={types} translateChoice={false} alwaysOn />,
    <TextInput key="stream" source="stream" />,
    <SelectInput key="role" source="actorRole" choices={[...roles, 'system'].map((r) => ({ id: r, name: `app.enums.actorRole.${r}` }))} />,
  ];
}

// storeKey={false}: a visit starts from the whole log, not from the filter of the previous visit
// (a link such as the record's "Storico" still brings its filter in the address).
export default function AuditList() {
  return (
    <List storeKey={false} sort={{ field: 'id', order: 'DESC' }} exporter={false} filters={useFilters()} actions={<ListActionsWithExport />} perPage={50}>
      <DataTable bulkActionButtons={false} rowClick="show" sx={{ '& td': { verticalAlign: 'top' } }}>
        <DataTable.Col source="id" label="resources.audit-events.fields.position">
          <ShowLink source="id" />
        </DataTable.Col>
        <DataTable.Col source="at" sx={{ whiteSpace: 'nowrap' }}>
          <DateTimeField source="at" />
        </DataTable.Col>
        <DataTable.Col source="actorId" disableSort>
          <Actor />
        </DataTable.Col>
        <DataTable.Col source="type" disableSort>
          <EventLabel />
        </DataTable.Col>
        <DataTable.Col source="data" disableSort sx={{ overflowWrap: 'anywhere', width: '45%' }}>
          <Summary />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
