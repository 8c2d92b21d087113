import { Labeled, Show, SimpleShowLayout, TextField, useRecordContext } from 'react-admin';
import { RawData, useActorLabel, useEventWords, type AuditRow } from '../../components/audit';
import { DateTimeField, EnumField } from '../../components/fields';

function Actor() {
  const record = useRecordContext<AuditRow>();
  const label = useActorLabel();
  return <span>{record ? label(record.actorId, record.actorRole) : ''}</span>;
}

function EventLabel() {
  const record = useRecordContext<AuditRow>();
  const words = useEventWords();
  return <span>{record ? words.label(record.type) : ''}</span>;
}

function Data() {
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

// The event in words first; the store's own coordinates (stream, revision, ids) after, for whoever
// has to trace it further.
export default function AuditShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="id" label="resources.audit-events.fields.position" />
        <DateTimeField source="at" />
        <Labeled label="resources.audit-events.fields.type">
          <EventLabel />
        </Labeled>
        <Labeled label="resources.audit-events.fields.actorId">
          <Actor />
        </Labeled>
        <EnumField source="actorRole" name="actorRole" chip={false} />
        <Labeled label="resources.audit-events.fields.data">
          <Data />
        </Labeled>
        <DateTimeField source="recordedAt" />
        <TextField source="stream" />
        <TextField source="revision" />
        <TextField source="type" label="resources.audit-events.fields.typeName" />
        <TextField source="eventId" />
        <TextField source="correlationId" />
        <TextField source="causationId" emptyText="—" />
        <TextField source="idempotencyKey" emptyText="—" />
      </SimpleShowLayout>
    </Show>
  );
}
