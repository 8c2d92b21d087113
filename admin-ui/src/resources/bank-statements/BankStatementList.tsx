import { DataTable, List, SearchInput, SelectInput, TextField, TopToolbar, useTranslate } from 'react-admin';
import { BankStatementUpload } from '../../components/BankStatementUpload';
import { DateTimeField, ShowLink } from '../../components/fields';

function Actions() {
  return (
    <TopToolbar>
      <BankStatementUpload />
    </TopToolbar>
  );
}

function useFilters() {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('app.bankStatements.search')} aria-label={translate('app.bankStatements.search')} />,
    <SelectInput key="kind" source="kind" alwaysOn choices={['camt.053', 'camt.054'].map((k) => ({ id: k, name: `app.enums.statementKind.${k.replace('.', '_')}` }))} />,
  ];
}

function ImportedLink(_props: { label?: string }) {
  return (
    <ShowLink>
      <DateTimeField source="importedAt" />
    </ShowLink>
  );
}

export default function BankStatementList() {
  return (
    <List sort={{ field: 'importedAt', order: 'DESC' }} exporter={false} filters={useFilters()} actions={<Actions />} empty={false}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="importedAt">
          <ImportedLink />
        </DataTable.Col>
        <DataTable.Col source="fileName" disableSort>
          <TextField source="fileName" />
        </DataTable.Col>
        <DataTable.Col source="importedBy" disableSort>
          <TextField source="importedBy" />
        </DataTable.Col>
        <DataTable.Col source="lineCount" disableSort>
          <TextField source="lineCount" />
        </DataTable.Col>
        <DataTable.Col source="matchedCount" disableSort>
          <TextField source="matchedCount" />
        </DataTable.Col>
        <DataTable.Col source="unmatchedCount" disableSort>
          <TextField source="unmatchedCount" />
        </DataTable.Col>
        <DataTable.Col source="duplicateCount" disableSort>
          <TextField source="duplicateCount" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
