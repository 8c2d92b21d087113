import { Box, Divider, Typography } from '@mui/material';
import { Labeled, ReferenceField, Show, SimpleShowLayout, TextField, TopToolbar, useRecordContext, useTranslate } from 'react-admin';
import { HistoryButton } from '../../components/audit';
import { LinesTable, PdfButton, VatSummaryTable, type DocumentLine, type VatRow } from '../../components/documents';
import { DayField, MoneyField } from '../../components/fields';

export interface FiscalDocument {
  id: string;
  displayNumber: string;
  buyer: { name?: string; codiceFiscale?: string | null; partitaIva?: string | null; address?: { street: string; postalCode: string; city: string; province: string | null; country: string } } | null;
  lines: DocumentLine[];
  vatSummary: VatRow[];
  taxableCents: number;
  vatCents: number;
  totalCents: number;
}

export function Buyer() {
  const record = useRecordContext<FiscalDocument>();
  const b = record?.buyer;
  if (!b) return null;
  const a = b.address;
  return (
    <Typography variant="body2" component="div">
      <strong>{b.name}</strong>
      <br />
      {[b.codiceFiscale, b.partitaIva].filter(Boolean).join(' · ')}
      {a ? (
        <>
          <br />
          {a.street}, {a.postalCode} {a.city} {a.province ? `(${a.province})` : ''} {a.country}
        </>
      ) : null}
    </Typography>
  );
}

export function DocumentBody() {
  const record = useRecordContext<FiscalDocument>();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <Box sx={{ px: 2, pb: 2 }}>
      <Divider sx={{ mb: 1 }} />
      <Typography variant="h6" component="h2">
        {translate('app.documents.lines')}
      </Typography>
      <LinesTable lines={record.lines} />
      <Typography variant="h6" component="h2" sx={{ mt: 2 }}>
        {translate('app.documents.vat_summary')}
      </Typography>
      <VatSummaryTable rows={record.vatSummary} totals={{ taxableCents: record.taxableCents, vatCents: record.vatCents, totalCents: record.totalCents }} />
    </Box>
  );
}

function Actions() {
  const record = useRecordContext<FiscalDocument>();
  return (
    <TopToolbar>
      <PdfButton kind="invoices" id={record?.id} number={record?.displayNumber} />
      <HistoryButton stream={record ? `invoice-${record.id}` : null} />
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
      </SimpleShowLayout>
      <DocumentBody />
    </Show>
  );
}
