import ReplayIcon from '@mui/icons-material/Replay';
import { Labeled, ReferenceField, Show, SimpleShowLayout, TextField, TopToolbar, useRecordContext, useTranslate } from 'react-admin';
import { HistoryButton } from '../../components/audit';
import { CommandDialog } from '../../components/CommandDialog';
import { CouponCode } from '../../components/CouponCode';
import { DateTimeField, EnumField } from '../../components/fields';

function Actions() {
  const record = useRecordContext<{ id: string; orderId: string; state: string }>();
  const translate = useTranslate();
  if (!record) return <TopToolbar />;
  return (
    <TopToolbar>
      {record.state === 'issued' ? (
        <CommandDialog
          label="app.orders.resend"
          icon={<ReplayIcon />}
          path={`orders/${record.orderId}/resend-coupons`}
          toBody={() => ({})}
          access={{ resource: 'coupons', action: 'resend' }}
          success="app.orders.resent"
          description={translate('app.coupons.resend_help')}
          confirmLabel="app.orders.resend_confirm"
        />
      ) : null}
      <HistoryButton stream={`coupon-${record.id}`} />
    </TopToolbar>
  );
}

export default function CouponShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <Labeled label="resources.coupons.fields.code">
          <CouponCode />
        </Labeled>
        <EnumField source="state" name="couponState" />
        <TextField source="productCode" />
        <EnumField source="renews" name="renews" chip={false} />
        <ReferenceField source="orderId" reference="orders" link="show" />
        <ReferenceField source="customerId" reference="customers" link="show" />
        <DateTimeField source="issuedAt" />
        <DateTimeField source="validUntil" />
        <DateTimeField source="redeemedAt" empty="—" />
        <TextField source="deviceSerial" emptyText="—" />
        <EnumField source="certificateKind" name="certificateKind" chip={false} />
        <DateTimeField source="cancelledAt" empty="—" />
        <TextField source="cancelReason" emptyText="—" />
      </SimpleShowLayout>
    </Show>
  );
}
