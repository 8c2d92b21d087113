import { ListActionsWithExport } from '../../components/exportCsv';
import { AutocompleteInput, DataTable, DateInput, List, ReferenceInput, SearchInput, SelectInput, TextField, useTranslate } from 'react-admin';
import { EnumField, MoneyField, ShowLink } from '../../components/fields';
import { formatRomeDateTime } from '../../format';
import { formatRf } from '../../components/documents';
import { orderPaymentMethodChoices } from '../../components/paymentMethods';
import { useRecordContext } from 'react-admin';

export const ORDER_STATUSES = ['awaiting_payment', 'paid', 'fulfilled', 'cancelled', 'expired', 'partially_refunded', 'refunded'] as const;

function PlacedLink(_props: { label?: string }) {
  const record = useRecordContext<{ placedAt?: string }>();
  return <ShowLink>{record?.placedAt ? formatRomeDateTime(record.placedAt) : ''}</ShowLink>;
}

function RfField(_props: { source?: string; label?: string }) {
  const record = useRecordContext<{ rfReference?: string | null }>();
  return <span style={{ whiteSpace: 'nowrap' }}>{formatRf(record?.rfReference)}</span>;
}

function useFilters() {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('app.orders.search')} aria-label={translate('app.orders.search')} />,
    <SelectInput key="status" source="status" alwaysOn choices={ORDER_STATUSES.map((s) => ({ id: s, name: `app.enums.orderStatus.${s}` }))} />,
    <SelectInput
      key="mode"
      source="paymentMode"
      alwaysOn
      choices={[
        { id: 'prepaid', name: 'app.enums.paymentMode.prepaid' },
        { id: 'direct', name: 'app.enums.paymentMode.direct' },
      ]}
    />,
    <DateInput key="from" source="placedAt_gte" label="app.filters.from" alwaysOn />,
    <DateInput key="to" source="placedAt_lte" label="app.filters.to" alwaysOn />,
    <ReferenceInput key="customer" source="customerId" reference="customers">
      <AutocompleteInput label="resources.orders.fields.customerId" filterToQuery={(q: string) => ({ q })} />
    </ReferenceInput>,
    <DateInput key="paidFrom" source="paidAt_gte" label="app.filters.paid_from" />,
    <DateInput key="paidTo" source="paidAt_lte" label="app.filters.paid_to" />,
    <SelectInput key="method" source="paymentMethod" choices={orderPaymentMethodChoices} />,
  ];
}

export default function OrderList() {
  return (
    <List sort={{ field: 'placedAt', order: 'DESC' }} exporter={false} filters={useFilters()} actions={<ListActionsWithExport />}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="placedAt">
          <PlacedLink />
        </DataTable.Col>
        <DataTable.Col source="customerName">
          <TextField source="customerName" />
        </DataTable.Col>
        <DataTable.Col source="status" disableSort>
          <EnumField source="status" name="orderStatus" />
        </DataTable.Col>
        <DataTable.Col source="paymentMethod" disableSort>
          <EnumField source="paymentMethod" name="paymentMethod" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="rfReference" disableSort>
          <RfField />
        </DataTable.Col>
        <DataTable.Col source="totalCents" align="right">
          <MoneyField source="totalCents" />
        </DataTable.Col>
        <DataTable.Col source="amountDueCents" align="right">
          <MoneyField source="amountDueCents" />
        </DataTable.Col>
        <DataTable.Col source="invoiceDisplayNumber">
          <TextField source="invoiceDisplayNumber" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
