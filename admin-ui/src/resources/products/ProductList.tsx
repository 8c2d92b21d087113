import { BooleanField, DataTable, List, NullableBooleanInput, SearchInput, SelectInput, TextField, useTranslate } from 'react-admin';
import { EnumField, MoneyField, RateField, ShowLink } from '../../components/fields';

export const PRODUCT_KINDS = ['coupon', 'timestamps', 'device'] as const;
export const PRODUCT_RENEWALS = ['signing', 'authentication', 'both', 'none'] as const;

function useFilters() {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('app.products.search')} aria-label={translate('app.products.search')} />,
    <SelectInput key="kind" source="kind" choices={PRODUCT_KINDS.map((k) => ({ id: k, name: `app.enums.productKind.${k}` }))} />,
    <SelectInput key="renews" source="renews" choices={PRODUCT_RENEWALS.map((k) => ({ id: k, name: `app.enums.renews.${k}` }))} />,
    <NullableBooleanInput key="withdrawn" source="withdrawn" alwaysOn />,
  ];
}

export default function ProductList() {
  return (
    <List sort={{ field: 'id', order: 'ASC' }} exporter={false} filters={useFilters()} filterDefaultValues={{ withdrawn: false }}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="id" label="resources.products.fields.code">
          <ShowLink source="id" />
        </DataTable.Col>
        <DataTable.Col source="description">
          <TextField source="description" />
        </DataTable.Col>
        <DataTable.Col source="renews" disableSort>
          <EnumField source="renews" name="renews" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="professionalRole" disableSort>
          <TextField source="professionalRole" />
        </DataTable.Col>
        <DataTable.Col source="priceCents" align="right">
          <MoneyField source="priceCents" />
        </DataTable.Col>
        <DataTable.Col source="vatRateBp" align="right" disableSort>
          <RateField source="vatRateBp" />
        </DataTable.Col>
        <DataTable.Col source="priceWithVatCents" align="right" disableSort>
          <MoneyField source="priceWithVatCents" />
        </DataTable.Col>
        <DataTable.Col source="withdrawn" disableSort>
          <BooleanField source="withdrawn" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
