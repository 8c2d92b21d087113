import { DataTable, List, ReferenceField, SearchInput, SelectInput, TextField, TextInput, useTranslate } from 'react-admin';
import { CouponCode } from '../../components/CouponCode';
import { DateTimeField, EnumField, ShowLink } from '../../components/fields';

export const COUPON_STATES = ['issued', 'redeemed', 'cancelled', 'expired'] as const;

function useFilters() {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('app.coupons.search')} aria-label={translate('app.coupons.search')} />,
    <SelectInput key="state" source="state" alwaysOn choices={COUPON_STATES.map((s) => ({ id: s, name: `app.enums.couponState.${s}` }))} />,
    <TextInput key="product" source="productCode" />,
    <TextInput key="device" source="deviceSerial" />,
  ];
}

export default function CouponList() {
  return (
    <List sort={{ field: 'issuedAt', order: 'DESC' }} exporter={false} filters={useFilters()}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="code" disableSort>
          <ShowLink>
            <CouponCode />
          </ShowLink>
        </DataTable.Col>
        <DataTable.Col source="productCode" disableSort>
          <TextField source="productCode" />
        </DataTable.Col>
        <DataTable.Col source="renews" disableSort>
          <EnumField source="renews" name="renews" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="state" disableSort>
          <EnumField source="state" name="couponState" />
        </DataTable.Col>
        <DataTable.Col source="orderId" disableSort>
          <ReferenceField source="orderId" reference="orders" link="show" />
        </DataTable.Col>
        <DataTable.Col source="issuedAt">
          <DateTimeField source="issuedAt" />
        </DataTable.Col>
        <DataTable.Col source="validUntil">
          <DateTimeField source="validUntil" dateOnly />
        </DataTable.Col>
        <DataTable.Col source="redeemedAt">
          <DateTimeField source="redeemedAt" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
