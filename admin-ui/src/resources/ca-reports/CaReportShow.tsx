import { Labeled, Show, SimpleShowLayout, TextField, TopToolbar, useRecordContext } from 'react-admin';
import { HistoryButton } from '../../components/audit';
import { DateTimeField, EnumField } from '../../components/fields';
import { OutcomeTable, type CaReportLineView } from './OutcomeTable';

function Actions() {
  const record = useRecordContext<{ id: string }>();
  return (
    <TopToolbar>
      <HistoryButton stream={record ? `ca-report-${record.id}` : null} />
    </TopToolbar>
  );
}

function Lines(_props: { label?: string }) {
  const record = useRecordContext<{ lines?: CaReportLineView[] }>();
  return <OutcomeTable lines={record?.lines ?? []} />;
}

export default function CaReportShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="id" />
        <EnumField source="via" name="caReportVia" chip={false} />
        <TextField source="receivedBy" />
        <DateTimeField source="receivedAt" />
        <TextField source="appliedCount" />
        <TextField source="refusedCount" />
        <Labeled label="resources.ca-reports.fields.lines" fullWidth>
          <Lines />
        </Labeled>
      </SimpleShowLayout>
    </Show>
  );
}
