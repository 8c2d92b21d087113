// A customer: profile, prepaid balance and its movements, devices (by the codice fiscale), orders;
// change the e-mail and the SdI address (code or PEC), top up the prepaid account, request a manual adjustment, register a device,
// start an order.
import AddShoppingCartIcon from '@mui/icons-material/AddShoppingCart';
import AddCardIcon from '@mui/icons-material/AddCard';
import AlternateEmailIcon from '@mui/icons-material/AlternateEmail';
import SavingsIcon from '@mui/icons-material/Savings';
import UsbIcon from '@mui/icons-material/Usb';
import { useEffect, useState } from 'react';
import { Alert, Box, Card, CardContent, Divider, Typography } from '@mui/material';
import {
  BooleanField,
  Button,
  DataTable,
  LinkBase,
  Pagination,
  ReferenceManyField,
  required,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
  TextInput,
  TopToolbar,
  useRecordContext,
  useTranslate,
  DateInput,
  Labeled,
} from 'react-admin';
import ForwardToInboxIcon from '@mui/icons-material/ForwardToInbox';
import { FormDataConsumer, useDataProvider } from 'react-admin';
import { splitTopUp } from '../../../../domain/prepaid/topUpFee';
import type { BackOfficeDataProvider } from '../../dataProvider';
import { useCan } from '../../components/access';
import { ExportCsvButton } from '../../components/exportCsv';
import { HistoryButton, useActorLabel } from '../../components/audit';
import { TimeTravelButton } from '../../components/timeTravel';
import { CommandDialog } from '../../components/CommandDialog';
import { ExpiryField } from '../../components/ExpiryField';
import { DateTimeField, DayField, EnumField, MoneyField, ShowLink } from '../../components/fields';
import { MoneyInput } from '../../components/inputs';
import { topUpMethodChoices } from '../../components/paymentMethods';
import { romeDay } from '../../dates';
import { formatEuro } from '../../format';
import { toCents } from '../../money';

interface Customer {
  id: string;
  kind: 'person' | 'firm';
  sdiCode: string | null;
  pecAddress: string | null;
  fullName: string;
  codiceFiscale: string | null;
  partitaIva: string | null;
  email: string;
  prepaidBalanceCents: number | null;
  billingAddress: { street: string; postalCode: string; city: string; province: string; country: string } | null;
}

function NewOrderButton() {
  const record = useRecordContext<Customer>();
  const allowed = useCan('orders', 'create');
  if (!record || !allowed) return null;
  const search = `?source=${encodeURIComponent(JSON.stringify({ customerId: record.id, holderCodiceFiscale: record.codiceFiscale ?? '' }))}`;
  return (
    <Button component={LinkBase} to={{ pathname: '/orders/create', search }} label="app.customers.new_order" variant="contained">
      <AddShoppingCartIcon />
    </Button>
  );
}

function NewDeviceButton() {
  const record = useRecordContext<Customer>();
  const allowed = useCan('devices', 'create');
  if (!record?.codiceFiscale || !allowed) return null;
  const search = `?source=${encodeURIComponent(JSON.stringify({ holderCodiceFiscale: record.codiceFiscale }))}`;
  return (
    <Button component={LinkBase} to={{ pathname: '/devices/create', search }} label="app.customers.new_device">
      <UsbIcon />
    </Button>
  );
}

function ChangeEmailButton() {
  const record = useRecordContext<Customer>();
  if (!record) return null;
  return (
    <CommandDialog<{ email: string }>
      label="app.customers.change_email"
      icon={<AlternateEmailIcon />}
      path={`customers/${record.id}/email`}
      defaultValues={{ email: record.email }}
      toBody={(v) => ({ email: (v.email ?? '').trim() })}
      access={{ resource: 'customers', action: 'changeEmail' }}
      success="app.customers.email_changed"
    >
      <TextInput source="email" type="email" validate={required()} fullWidth autoComplete="off" />
    </CommandDialog>
  );
}

/** Where the SdI delivers the customer's e-invoices: the recipient code or the PEC (either may be emptied). */
function SdiAddressButton() {
  const record = useRecordContext<Customer>();
  const translate = useTranslate();
  if (!record) return null;
  const orNull = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
  return (
    <CommandDialog<{ sdiCode: string; pecAddress: string }>
      label="app.customers.sdi_address"
      icon={<ForwardToInboxIcon />}
      description={translate('app.customers.sdi_address_help')}
      path={`customers/${record.id}/sdi-address`}
      defaultValues={{ sdiCode: record.sdiCode ?? '', pecAddress: record.pecAddress ?? '' }}
      toBody={(v) => ({ sdiCode: orNull(v.sdiCode), pecAddress: orNull(v.pecAddress) })}
      access={{ resource: 'customers', action: 'sdiAddress' }}
      success="app.customers.sdi_address_changed"
    >
      <TextInput source="sdiCode" label="resources.customers.fields.sdiCode" fullWidth autoComplete="off" />
      <TextInput source="pecAddress" label="resources.customers.fields.pecAddress" type="email" fullWidth autoComplete="off" />
    </CommandDialog>
  );
}

interface TopUpAnswer {
  creditedCents: number;
  feeCents: number;
  balanceCents: number;
}

/** A rate in basis points as the desk says it, with two decimals: 180 → "1,80%". */
const percent = (bp: number) => `${(bp / 100).toFixed(2).replace('.', ',')}%`;

/**
 * As the amount received is typed: what goes to the fee and what is credited, split by the domain's
 * own rule (domain/prepaid/topUpFee.ts) with the rate and minimum in force on the server.
 */
function TopUpFeePreview({ customerId }: { customerId: string }) {
  const translate = useTranslate();
  const dataProvider = useDataProvider<BackOfficeDataProvider>();
  const [rule, setRule] = useState<{ feeRateBp: number; minimumTopUpCents: number } | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    dataProvider
      .query<{ feeRateBp: number; minimumTopUpCents: number }>(`customers/${encodeURIComponent(customerId)}/prepaid/top-up-quote?creditedCents=100`, { signal: controller.signal })
      .then(({ data }) => setRule({ feeRateBp: data.feeRateBp, minimumTopUpCents: data.minimumTopUpCents }))
      .catch(() => setRule(null));
    return () => controller.abort();
  }, [dataProvider, customerId]);
  if (!rule) return null;
  return (
    <FormDataConsumer<{ amountReceivedCents?: string }>>
      {({ formData }) => {
        const received = toCents(formData.amountReceivedCents);
        const split = received !== undefined && received > 0 ? splitTopUp(received, rule.feeRateBp) : null;
        const tooLittle = split !== null && split.creditedCents < rule.minimumTopUpCents;
        return (
          <Alert severity={tooLittle ? 'warning' : 'info'} data-testid="top-up-preview" sx={{ mb: 1 }}>
            {split ? (
              <Typography component="p" variant="body2" data-testid="top-up-split">
                {translate('app.customers.top_up_split', { received: formatEuro(split.toPayCents), fee: formatEuro(split.feeCents), credited: formatEuro(split.creditedCents) })}
              </Typography>
            ) : null}
            <Typography component="p" variant="body2" data-testid="top-up-rule">
              {translate('app.customers.top_up_rule', { rate: percent(rule.feeRateBp), minimum: formatEuro(rule.minimumTopUpCents) })}
            </Typography>
            {tooLittle ? (
              <Typography component="p" variant="body2">
                {translate('app.customers.top_up_too_little', { minimum: formatEuro(rule.minimumTopUpCents) })}
              </Typography>
            ) : null}
          </Alert>
        );
      }}
    </FormDataConsumer>
  );
}

export function TopUpButton() {
  const record = useRecordContext<Customer>();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <CommandDialog<{ amountReceivedCents: string; method: string; reference: string; receivedOn: string }, TopUpAnswer>
      label="app.customers.top_up"
      icon={<SavingsIcon />}
      path={`customers/${record.id}/prepaid/top-ups`}
      defaultValues={{ method: 'cash', receivedOn: romeDay() }}
      description={translate('app.customers.top_up_help')}
      toBody={(v) => ({ amountReceivedCents: toCents(v.amountReceivedCents), method: v.method, reference: (v.reference ?? '').trim(), receivedOn: v.receivedOn })}
      access={{ resource: 'customers', action: 'topUp' }}
      success={(d) =>
        translate('app.customers.topped_up', { credited: formatEuro(d.creditedCents), fee: formatEuro(d.feeCents), balance: formatEuro(d.balanceCents) })
      }
    >
      <MoneyInput source="amountReceivedCents" label="app.customers.amount_received" validate={required()} fullWidth />
      <TopUpFeePreview customerId={String(record.id)} />
      <SelectInput source="method" label="resources.prepaid-movements.fields.method" choices={topUpMethodChoices} validate={required()} fullWidth />
      <TextInput source="reference" label="resources.prepaid-movements.fields.reference" validate={required()} helperText="app.customers.reference_help" fullWidth autoComplete="off" />
      <DateInput source="receivedOn" label="resources.prepaid-movements.fields.receivedOn" validate={required()} fullWidth />
    </CommandDialog>
  );
}

/**
 * A manual adjustment: asked here by an accountant or a supervisor, credited only when another
 * supervisor approves it (prepaid-adjustments). The old direct credit let one person create money.
 */
function RequestAdjustmentButton() {
  const record = useRecordContext<Customer>();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <CommandDialog<{ amountCents: string; reason: string }, { id: string }>
      label="app.customers.request_adjustment"
      icon={<AddCardIcon />}
      path={`customers/${record.id}/prepaid/adjustments`}
      description={translate('app.customers.request_adjustment_help')}
      toBody={(v) => ({ amountCents: toCents(v.amountCents), reason: (v.reason ?? '').trim() })}
      access={{ resource: 'customers', action: 'requestAdjustment' }}
      success="app.customers.adjustment_requested"
    >
      <MoneyInput source="amountCents" label="resources.prepaid-movements.fields.amountCents" validate={required()} fullWidth />
      <TextInput source="reason" label="app.customers.adjustment_reason" validate={required()} fullWidth multiline autoComplete="off" />
    </CommandDialog>
  );
}

/** What a movement says beyond its amount: a credit's note, an adjustment's reason and its two people. */
function MovementDetails(_props: { label?: string }) {
  const record = useRecordContext<{ kind: string; note: string | null; requestedBy: string | null; approvedBy: string | null }>();
  const translate = useTranslate();
  const actor = useActorLabel();
  if (!record) return null;
  if (record.kind !== 'adjustment') return <span>{record.note ?? ''}</span>;
  return (
    <span>
      {record.note}
      <Typography variant="caption" component="span" sx={{ display: 'block' }} color="text.secondary">
        {translate('app.customers.adjustment_by', { requester: actor(record.requestedBy ?? ''), approver: actor(record.approvedBy ?? '') })}
      </Typography>
    </span>
  );
}

function Actions() {
  const record = useRecordContext<Customer>();
  return (
    <TopToolbar>
      <NewOrderButton />
      <NewDeviceButton />
      <ChangeEmailButton />
      <SdiAddressButton />
      <TopUpButton />
      <RequestAdjustmentButton />
      <HistoryButton stream={record ? `customer-${record.id}` : null} />
      <TimeTravelButton kind="customer" id={record?.id} />
      <TimeTravelButton kind="prepaid" id={record?.id} label="app.timeTravel.prepaid_button" />
    </TopToolbar>
  );
}

function Balance() {
  const record = useRecordContext<Customer>();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <Card variant="outlined" sx={{ minWidth: 220 }}>
      <CardContent>
        <Typography variant="overline" component="p">
          {translate('resources.customers.fields.prepaidBalanceCents')}
        </Typography>
        <Typography variant="h5" component="p" data-testid="prepaid-balance">
          {formatEuro(record.prepaidBalanceCents ?? 0)}
        </Typography>
      </CardContent>
    </Card>
  );
}

function Address() {
  const record = useRecordContext<Customer>();
  const a = record?.billingAddress;
  if (!a) return null;
  return (
    <Typography variant="body2">
      {a.street}, {a.postalCode} {a.city} ({a.province}) {a.country}
    </Typography>
  );
}

/** The customer's prepaid movements as CSV, newest first, as the table lists them. */
function ExportMovements() {
  const record = useRecordContext<{ id?: string }>();
  if (!record?.id) return null;
  return <ExportCsvButton resource="prepaid-movements" filter={{ customerId: record.id }} sort={{ field: 'at', order: 'DESC' }} />;
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  const translate = useTranslate();
  return (
    <Box component="section" sx={{ mt: 3 }} aria-label={translate(title)}>
      <Divider sx={{ mb: 1 }} />
      <Typography variant="h6" component="h2" gutterBottom>
        {translate(title)}
      </Typography>
      {children}
    </Box>
  );
}

export default function CustomerShow() {
  return (
    <Show actions={<Actions />}>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, p: 2, alignItems: 'flex-start' }}>
        <SimpleShowLayout sx={{ flex: 1, p: 0 }}>
          <TextField source="fullName" />
          <EnumField source="kind" name="customerKind" chip={false} />
          <TextField source="codiceFiscale" emptyText="—" />
          <TextField source="partitaIva" emptyText="—" />
          <TextField source="email" />
          <TextField source="sdiCode" emptyText="—" />
          <TextField source="pecAddress" emptyText="—" />
          <BooleanField source="registrationOfficer" />
          <Labeled label="resources.customers.fields.billingAddress">
            <Address />
          </Labeled>
          <DateTimeField source="registeredAt" />
        </SimpleShowLayout>
        <Balance />
      </Box>
      <Box sx={{ px: 2, pb: 2 }}>
        <Section title="app.customers.movements">
          <ExportMovements />
          <ReferenceManyField reference="prepaid-movements" target="customerId" sort={{ field: 'at', order: 'DESC' }} perPage={10} pagination={<Pagination />}>
            <DataTable bulkActionButtons={false} rowClick={false} empty={<Empty />}>
              <DataTable.Col source="at" label="resources.prepaid-movements.fields.at" disableSort>
                <DateTimeField source="at" />
              </DataTable.Col>
              <DataTable.Col source="kind" label="resources.prepaid-movements.fields.kind" disableSort>
                <EnumField source="kind" name="movementKind" chip={false} />
              </DataTable.Col>
              <DataTable.Col source="amountCents" label="resources.prepaid-movements.fields.amountCents" align="right" disableSort>
                <MoneyField source="amountCents" />
              </DataTable.Col>
              <DataTable.Col source="feeCents" label="resources.prepaid-movements.fields.feeCents" align="right" disableSort>
                <MoneyField source="feeCents" />
              </DataTable.Col>
              <DataTable.Col source="method" label="resources.prepaid-movements.fields.method" disableSort>
                <EnumField source="method" name="topUpMethod" chip={false} />
              </DataTable.Col>
              <DataTable.Col source="reference" label="resources.prepaid-movements.fields.reference" disableSort>
                <TextField source="reference" />
              </DataTable.Col>
              <DataTable.Col source="receivedOn" label="resources.prepaid-movements.fields.receivedOn" disableSort>
                <DayField source="receivedOn" />
              </DataTable.Col>
              <DataTable.Col source="note" label="resources.prepaid-movements.fields.note" disableSort>
                <MovementDetails />
              </DataTable.Col>
              <DataTable.Col source="balanceAfterCents" label="resources.prepaid-movements.fields.balanceAfterCents" align="right" disableSort>
                <MoneyField source="balanceAfterCents" />
              </DataTable.Col>
            </DataTable>
          </ReferenceManyField>
        </Section>
        <Section title="app.customers.devices">
          <ReferenceManyField reference="devices" target="holderCodiceFiscale" source="codiceFiscale" sort={{ field: 'expiresAt', order: 'ASC' }} perPage={10}>
            <DataTable bulkActionButtons={false} rowClick="show" empty={<Empty />}>
              <DataTable.Col source="id" label="resources.devices.fields.serial" disableSort>
                <ShowLink source="id" />
              </DataTable.Col>
              <DataTable.Col source="kind" label="resources.devices.fields.kind" disableSort>
                <EnumField source="kind" name="deviceKind" chip={false} />
              </DataTable.Col>
              <DataTable.Col source="expiresAt" label="resources.devices.fields.expiresAt" disableSort>
                <DateTimeField source="expiresAt" dateOnly />
              </DataTable.Col>
              <DataTable.Col source="daysToExpiry" label="resources.devices.fields.daysToExpiry" disableSort>
                <ExpiryField />
              </DataTable.Col>
            </DataTable>
          </ReferenceManyField>
        </Section>
        <Section title="app.customers.owed">
          <ReferenceManyField
            reference="orders"
            target="customerId"
            filter={{ status: 'awaiting_payment' }}
            sort={{ field: 'placedAt', order: 'ASC' }}
            perPage={10}
            pagination={<Pagination />}
          >
            <DataTable bulkActionButtons={false} rowClick="show" empty={<Empty />}>
              <DataTable.Col source="placedAt" label="resources.orders.fields.placedAt" disableSort>
                <ShowLink>
                  <DateTimeField source="placedAt" />
                </ShowLink>
              </DataTable.Col>
              <DataTable.Col label="app.customers.owed_for" disableSort>
                <FirstLineField />
              </DataTable.Col>
              <DataTable.Col source="rfReference" label="resources.orders.fields.rfReference" disableSort>
                <TextField source="rfReference" />
              </DataTable.Col>
              <DataTable.Col source="amountDueCents" label="resources.orders.fields.amountDueCents" align="right" disableSort>
                <MoneyField source="amountDueCents" strong />
              </DataTable.Col>
            </DataTable>
          </ReferenceManyField>
        </Section>
        <Section title="app.customers.orders">
          <ReferenceManyField reference="orders" target="customerId" sort={{ field: 'placedAt', order: 'DESC' }} perPage={10} pagination={<Pagination />}>
            <DataTable bulkActionButtons={false} rowClick="show" empty={<Empty />}>
              <DataTable.Col source="placedAt" label="resources.orders.fields.placedAt" disableSort>
                <ShowLink>
                  <DateTimeField source="placedAt" />
                </ShowLink>
              </DataTable.Col>
              <DataTable.Col source="status" label="resources.orders.fields.status" disableSort>
                <EnumField source="status" name="orderStatus" />
              </DataTable.Col>
              <DataTable.Col source="paymentMethod" label="resources.orders.fields.paymentMethod" disableSort>
                <EnumField source="paymentMethod" name="paymentMethod" chip={false} />
              </DataTable.Col>
              <DataTable.Col source="totalCents" label="resources.orders.fields.totalCents" align="right" disableSort>
                <MoneyField source="totalCents" />
              </DataTable.Col>
              <DataTable.Col source="invoiceDisplayNumber" label="resources.orders.fields.invoiceDisplayNumber" disableSort>
                <TextField source="invoiceDisplayNumber" />
              </DataTable.Col>
            </DataTable>
          </ReferenceManyField>
        </Section>
      </Box>
    </Show>
  );
}

/** What an order is for: its first line (a pay-after renewal's fee names the device). */
function FirstLineField(_props: { label?: string }) {
  const record = useRecordContext<{ lines?: { description: string }[] }>();
  const lines = record?.lines ?? [];
  if (lines.length === 0) return null;
  return <Typography variant="body2">{lines.length > 1 ? `${lines[0]!.description} (+${lines.length - 1})` : lines[0]!.description}</Typography>;
}

function Empty() {
  const translate = useTranslate();
  return (
    <Typography variant="body2" color="text.secondary" sx={{ py: 1 }}>
      {translate('app.none')}
    </Typography>
  );
}
