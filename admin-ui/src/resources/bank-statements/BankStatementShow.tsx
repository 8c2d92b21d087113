import { Labeled, Show, SimpleShowLayout, TextField, TopToolbar, useRecordContext } from 'react-admin';
import { HistoryButton } from '../../components/audit';
import { StatementLinesTable, type StatementLineView } from '../../components/BankStatementUpload';
import { DateTimeField } from '../../components/fields';

function Actions() {
  const record = useRecordContext<{ id: string }>();
  return (
    <TopToolbar>
      <HistoryButton stream={record ? `bank-statement-import-${record.id}` : null} />
    </TopToolbar>
  );
}

function Lines(_props: { label?: string }) {
  const record = useRecordContext<{ lines?: StatementLineView[] }>();
  return <StatementLinesTable lines={record?.lines ?? []} />;
}

export default function BankStatementShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="fileName" />
        <TextField source="kind" />
        <TextField source="messageId" emptyText="—" />
        <TextField source="importedBy" />
        <DateTimeField source="importedAt" />
        <TextField source="matchedCount" />
        <TextField source="partialCount" />
        <TextField source="overpaidCount" />
        <TextField source="unmatchedCount" />
        <TextField source="duplicateCount" />
        <TextField source="debitCount" />
        <Labeled label="resources.bank-statements.fields.lines" fullWidth>
          <Lines />
        </Labeled>
      </SimpleShowLayout>
    </Show>
  );
}
