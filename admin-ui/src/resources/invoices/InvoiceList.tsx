import { DataTable, DateInput, List, NumberInput, SearchInput, TextField, useRecordContext, useTranslate } from 'react-admin';
import { PdfButton } from '../../components/documents';
import { DayField, MoneyField, ShowLink } from '../../components/fields';

export function useDocumentFilters(search: string) {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate(search)} aria-label={translate(search)} />,
    <NumberInput key="year" source="year" alwaysOn min={2000} max={2100} step={1} />,
    <NumberInput key="number" source="number" alwaysOn min={1} step={1} />,
    <DateInput key="from" source="issuedOn_gte" label="app.filters.from" />,
    <DateInput key="to" source="issuedOn_lte" label="app.filters.to" />,
  ];
}

export function DocumentPdf({ kind }: { kind: 'invoices' | 'credit-notes'; label?: string }) {
  const record = useRecordContext<{ id: string; displayNumber: string }>();
  return <PdfButton kind={kind} id={record?.id} number={record?.displayNumber} />;
}

export default function InvoiceList() {
  return (
    <List sort={{ field: 'displayNumber', order: 'DESC' }} exporter={false} filters={useDocumentFilters('app.documents.search_invoices')}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="displayNumber">
          <ShowLink source="displayNumber" />
        </DataTable.Col>
        <DataTable.Col source="issuedOn">
          <DayField source="issuedOn" />
        </DataTable.Col>
        <DataTable.Col source="buyerName">
          <TextField source="buyerName" />
        </DataTable.Col>
        <DataTable.Col source="taxableCents" align="right" disableSort>
          <MoneyField source="taxableCents" />
        </DataTable.Col>
        <DataTable.Col source="vatCents" align="right" disableSort>
          <MoneyField source="vatCents" />
        </DataTable.Col>
        <DataTable.Col source="totalCents" align="right">
          <MoneyField source="totalCents" />
        </DataTable.Col>
        <DataTable.Col source="creditedCents" align="right" disableSort>
          <MoneyField source="creditedCents" />
        </DataTable.Col>
        <DataTable.Col label="app.documents.pdf" disableSort>
          <DocumentPdf kind="invoices" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
