import { DataTable, List, TextField } from 'react-admin';
import { ListActionsWithExport } from '../../components/exportCsv';
import { DocumentPdf, useDocumentFilters } from '../../components/documents';
import { DayField, EnumField, MoneyField, ShowLink } from '../../components/fields';
import { SdiErrorCodesField, SdiReceiptUpload, SdiStateField, useSdiStateFilter } from '../../components/sdi';

function Actions() {
  return (
    <ListActionsWithExport>
      <SdiReceiptUpload />
    </ListActionsWithExport>
  );
}

// No empty page: with none yet the toolbar stays (the SdI receipts' upload, the export, the
// filters), and the table says there is nothing.
export default function CreditNoteList() {
  return (
    <List sort={{ field: 'displayNumber', order: 'DESC' }} exporter={false} filters={[...useDocumentFilters('app.documents.search_credit_notes'), useSdiStateFilter()]} actions={<Actions />} empty={false}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="displayNumber">
          <ShowLink source="displayNumber" />
        </DataTable.Col>
        <DataTable.Col source="issuedOn">
          <DayField source="issuedOn" />
        </DataTable.Col>
        <DataTable.Col source="invoiceDisplayNumber" disableSort>
          <TextField source="invoiceDisplayNumber" />
        </DataTable.Col>
        <DataTable.Col source="buyerName">
          <TextField source="buyerName" />
        </DataTable.Col>
        <DataTable.Col source="totalCents" align="right">
          <MoneyField source="totalCents" />
        </DataTable.Col>
        <DataTable.Col source="refundTo" disableSort>
          <EnumField source="refundTo" name="refundTo" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="sdiState">
          <SdiStateField />
        </DataTable.Col>
        <DataTable.Col source="sdiErrorCodes" disableSort>
          <SdiErrorCodesField />
        </DataTable.Col>
        <DataTable.Col label="app.documents.pdf" disableSort>
          <DocumentPdf kind="credit-notes" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
