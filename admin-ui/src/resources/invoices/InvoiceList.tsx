import { DataTable, List, TextField } from 'react-admin';
import { ListActionsWithExport } from '../../components/exportCsv';
import { DocumentPdf, useDocumentFilters } from '../../components/documents';
import { DayField, MoneyField, ShowLink } from '../../components/fields';
import { MonthZipButton, SdiErrorCodesField, SdiReceiptUpload, SdiStateField, useSdiStateFilter } from '../../components/sdi';

function Actions() {
  return (
    <ListActionsWithExport>
      <SdiReceiptUpload />
      <MonthZipButton />
    </ListActionsWithExport>
  );
}

// No empty page: with none yet the toolbar stays (the SdI receipts' upload, the export, the
// filters), and the table says there is nothing.
export default function InvoiceList() {
  return (
    <List sort={{ field: 'displayNumber', order: 'DESC' }} exporter={false} filters={[...useDocumentFilters('app.documents.search_invoices'), useSdiStateFilter()]} actions={<Actions />} empty={false}>
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
        <DataTable.Col source="sdiState">
          <SdiStateField />
        </DataTable.Col>
        <DataTable.Col source="sdiErrorCodes" disableSort>
          <SdiErrorCodesField />
        </DataTable.Col>
        <DataTable.Col label="app.documents.pdf" disableSort>
          <DocumentPdf kind="invoices" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
