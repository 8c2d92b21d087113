import { Labeled, ReferenceField, Show, SimpleShowLayout, TextField, TopToolbar, useRecordContext } from 'react-admin';
import { HistoryButton } from '../../components/audit';
import { Buyer, DocumentBody, FatturaPaButton, PdfButton, type FiscalDocument } from '../../components/documents';
import { DayField, EnumField, MoneyField } from '../../components/fields';
import { SdiReceiptUpload, SdiReceipts, SdiStateField } from '../../components/sdi';

function Actions() {
  const record = useRecordContext<FiscalDocument>();
  return (
    <TopToolbar>
      <PdfButton kind="credit-notes" id={record?.id} number={record?.displayNumber} />
      <FatturaPaButton kind="credit-notes" id={record?.id} number={record?.displayNumber} />
      <SdiReceiptUpload />
      <HistoryButton stream={record ? `credit-note-${record.id}` : null} />
    </TopToolbar>
  );
}

export default function CreditNoteShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="displayNumber" />
        <DayField source="issuedOn" />
        <ReferenceField source="invoiceId" reference="invoices" link="show" />
        <Labeled label="resources.credit-notes.fields.buyer">
          <Buyer />
        </Labeled>
        <ReferenceField source="orderId" reference="orders" link="show" />
        <TextField source="couponCount" />
        <EnumField source="refundTo" name="refundTo" chip={false} />
        <MoneyField source="totalCents" strong />
        <Labeled label="resources.credit-notes.fields.sdiState">
          <SdiStateField />
        </Labeled>
      </SimpleShowLayout>
      <SdiReceipts />
      <DocumentBody />
    </Show>
  );
}
