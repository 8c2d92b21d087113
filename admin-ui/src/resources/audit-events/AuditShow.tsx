import { Labeled, Show, SimpleShowLayout, TextField, useRecordContext } from 'react-admin';
import { useActorLabel, type AuditRow } from '../../components/audit';
import { DateTimeField, EnumField, JsonField } from '../../components/fields';

function Actor() {
  const record = useRecordContext<AuditRow>();
  const label = useActorLabel();
  return <span>{record ? label(record.actorId, record.actorRole) : ''}</span>;
}

export default function AuditShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="id" label="resources.audit-events.fields.position" />
        <DateTimeField source="at" />
        <DateTimeField source="recordedAt" />
        <Labeled label="resources.audit-events.fields.actorId">
          <Actor />
        </Labeled>
        <EnumField source="actorRole" name="actorRole" chip={false} />
        <TextField source="stream" />
        <TextField source="revision" />
        <TextField source="type" />
        <TextField source="eventId" />
        <TextField source="correlationId" />
        <TextField source="causationId" emptyText="—" />
        <TextField source="idempotencyKey" emptyText="—" />
        <JsonField source="data" />
      </SimpleShowLayout>
    </Show>
  );
}
