import { ListActionsWithExport } from '../../components/exportCsv';
import { DataTable, DateInput, List, NullableBooleanInput, ReferenceField, SearchInput, SelectInput, TextField, useTranslate } from 'react-admin';
import { EnumField, MoneyField, ShowLink } from '../../components/fields';
import { formatDay } from '../../dates';
import { useRecordContext } from 'react-admin';
import { paymentMethodChoices } from '../../components/paymentMethods';

function ReceivedLink(_props: { label?: string }) {
  const record = useRecordContext<{ receivedOn?: string }>();
  return <ShowLink>{formatDay(record?.receivedOn)}</ShowLink>;
}

export const PAYMENT_STATES = ['recorded', 'matched', 'unmatched'] as const;

function useFilters() {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('app.payments.search')} aria-label={translate('app.payments.search')} />,
    <SelectInput key="state" source="state" alwaysOn choices={PAYMENT_STATES.map((s) => ({ id: s, name: `app.enums.paymentState.${s}` }))} />,
    <SelectInput key="method" source="method" choices={paymentMethodChoices} />,
    <DateInput key="from" source="receivedOn_gte" label="app.filters.from" />,
    <DateInput key="to" source="receivedOn_lte" label="app.filters.to" />,
    <NullableBooleanInput key="matched" source="matched" />,
  ];
}

export default function PaymentList() {
  return (
    <List sort={{ field: 'receivedOn', order: 'DESC' }} exporter={false} filters={useFilters()} actions={<ListActionsWithExport />}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="receivedOn">
          <ReceivedLink />
        </DataTable.Col>
        <DataTable.Col source="method" disableSort>
          <EnumField source="method" name="paymentMethod" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="payer">
          <TextField source="payer" />
        </DataTable.Col>
        <DataTable.Col source="bankReference" disableSort>
          <TextField source="bankReference" emptyText="—" />
        </DataTable.Col>
        <DataTable.Col source="reason" disableSort>
          <TextField source="reason" />
        </DataTable.Col>
        <DataTable.Col source="amountCents" align="right">
          <MoneyField source="amountCents" />
        </DataTable.Col>
        <DataTable.Col source="state" disableSort>
          <EnumField source="state" name="paymentState" />
        </DataTable.Col>
        <DataTable.Col source="orderId" disableSort>
          <ReferenceField source="orderId" reference="orders" link="show" emptyText="—" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
