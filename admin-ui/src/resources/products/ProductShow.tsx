import BlockIcon from '@mui/icons-material/Block';
import EuroIcon from '@mui/icons-material/Euro';
import { BooleanField, required, Show, SimpleShowLayout, TextField, TextInput, TopToolbar, useRecordContext } from 'react-admin';
import { HistoryButton } from '../../components/audit';
import { CommandDialog } from '../../components/CommandDialog';
import { DateTimeField, EnumField, MoneyField, RateField } from '../../components/fields';
import { MoneyInput } from '../../components/inputs';
import { centsToInput, toCents } from '../../money';

interface Product {
  id: string;
  priceCents: number;
  withdrawn: boolean;
}

function Actions() {
  const record = useRecordContext<Product>();
  if (!record) return <TopToolbar />;
  return (
    <TopToolbar>
      {!record.withdrawn ? (
        <>
          <CommandDialog<{ priceCents: string }>
            label="app.products.change_price"
            icon={<EuroIcon />}
            path={`products/${encodeURIComponent(record.id)}/price`}
            defaultValues={{ priceCents: centsToInput(record.priceCents) }}
            toBody={(v) => ({ priceCents: toCents(v.priceCents) })}
            access={{ resource: 'products', action: 'changePrice' }}
            success="app.products.price_changed"
          >
            <MoneyInput source="priceCents" label="app.products.new_price" validate={required()} fullWidth />
          </CommandDialog>
          <CommandDialog<{ reason: string }>
            label="app.products.withdraw"
            icon={<BlockIcon />}
            path={`products/${encodeURIComponent(record.id)}/withdraw`}
            toBody={(v) => ({ reason: (v.reason ?? '').trim() || null })}
            access={{ resource: 'products', action: 'withdraw' }}
            success="app.products.withdrawn"
            color="error"
          >
            <TextInput source="reason" label="resources.products.fields.withdrawReason" fullWidth multiline autoComplete="off" />
          </CommandDialog>
        </>
      ) : null}
      <HistoryButton stream={`product-${record.id}`} />
    </TopToolbar>
  );
}

export default function ProductShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="id" label="resources.products.fields.code" />
        <TextField source="description" />
        <EnumField source="kind" name="productKind" chip={false} />
        <EnumField source="renews" name="renews" chip={false} />
        <TextField source="professionalRole" emptyText="—" />
        <TextField source="timestampPackSize" emptyText="—" />
        <MoneyField source="priceCents" />
        <RateField source="vatRateBp" />
        <MoneyField source="priceWithVatCents" />
        <BooleanField source="withdrawn" />
        <TextField source="withdrawReason" emptyText="—" />
        <DateTimeField source="addedAt" />
        <DateTimeField source="priceChangedAt" empty="—" />
      </SimpleShowLayout>
    </Show>
  );
}
