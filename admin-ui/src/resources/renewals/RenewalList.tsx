import { DataTable, List, ReferenceField, SearchInput, SelectInput, TextField, useRecordContext, useTranslate } from 'react-admin';
import { EnumField, ShowLink } from '../../components/fields';
import { formatRomeDateTime } from '../../format';

export const RENEWAL_STATES = ['in_progress', 'failed', 'completed', 'abandoned'] as const;
export const RENEWAL_PAYMENT_MODES = ['coupons', 'pay_after', 'desk_sale'] as const;

function StartedLink(_props: { label?: string }) {
  const record = useRecordContext<{ startedAt?: string }>();
  return <ShowLink>{record?.startedAt ? formatRomeDateTime(record.startedAt) : ''}</ShowLink>;
}

function useFilters() {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('app.renewals.search')} aria-label={translate('app.renewals.search')} />,
    <SelectInput key="state" source="state" alwaysOn choices={RENEWAL_STATES.map((s) => ({ id: s, name: `app.enums.renewalState.${s}` }))} />,
    <SelectInput key="paymentMode" source="paymentMode" choices={RENEWAL_PAYMENT_MODES.map((s) => ({ id: s, name: `app.enums.renewalPaymentMode.${s}` }))} />,
  ];
}

export default function RenewalList() {
  return (
    <List sort={{ field: 'startedAt', order: 'DESC' }} exporter={false} filters={useFilters()}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="startedAt">
          <StartedLink />
        </DataTable.Col>
        <DataTable.Col source="deviceSerial" disableSort>
          <ReferenceField source="deviceSerial" reference="devices" link="show" />
        </DataTable.Col>
        <DataTable.Col source="holderCodiceFiscale" disableSort>
          <TextField source="holderCodiceFiscale" />
        </DataTable.Col>
        <DataTable.Col source="paymentMode" disableSort>
          <EnumField source="paymentMode" name="renewalPaymentMode" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="lastStep" disableSort>
          <EnumField source="lastStep" name="renewalStep" chip={false} />
        </DataTable.Col>
        <DataTable.Col source="state" disableSort>
          <EnumField source="state" name="renewalState" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
