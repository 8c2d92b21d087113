import { Labeled, ReferenceField, Show, SimpleShowLayout, TextField, TopToolbar, useRecordContext } from 'react-admin';
import { HistoryButton } from '../../components/audit';
import { TimeTravelButton } from '../../components/timeTravel';
import { Buyer, DocumentBody, FatturaPaButton, PdfButton, type FiscalDocument } from '../../components/documents';
import { DayField, MoneyField } from '../../components/fields';
import { SdiReceiptUpload, SdiReceipts, SdiStateField } from '../../components/sdi';

function Actions() {
  const record = useRecordContext<FiscalDocument>();
  return (
    <TopToolbar>
      <PdfButton kind="invoices" id={record?.id} number={record?.displayNumber} />
      <FatturaPaButton kind="invoices" id={record?.id} number={record?.displayNumber} />
      <SdiReceiptUpload />
      <HistoryButton stream={record ? `invoice-${record.id}` : null} />
      <TimeTravelButton kind="invoice" id={record?.id} />
    </TopToolbar>
  );
}

export default function InvoiceShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="displayNumber" />
        <DayField source="issuedOn" />
        <Labeled label="resources.invoices.fields.buyer">
          <Buyer />
        </Labeled>
        <ReferenceField source="orderId" reference="orders" link="show" />
        <MoneyField source="totalCents" strong />
        <MoneyField source="creditedCents" />
        <Labeled label="resources.invoices.fields.sdiState">
          <SdiStateField />
        </Labeled>
      </SimpleShowLayout>
      <SdiReceipts />
      <DocumentBody />
    </Show>
  );
}
