// An order: status, customer, payment (RF reference for a direct payment), lines and VAT summary,
// payments received, coupons, invoice and credit notes with their PDFs, e-mails, and its history.
// While it waits for payment or for its fulfilment (coupons and invoice come right after the
// payment, from the server's process managers), the page refreshes itself every two seconds.
import CancelIcon from '@mui/icons-material/Cancel';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import PictureAsPdfIcon from '@mui/icons-material/PictureAsPdf';
import PointOfSaleIcon from '@mui/icons-material/PointOfSale';
import ReplayIcon from '@mui/icons-material/Replay';
import UndoIcon from '@mui/icons-material/Undo';
import { useEffect, useState } from 'react';
import { Alert, Box, Button as MuiButton, Divider, Grid, IconButton, Step, StepLabel, Stepper, Tooltip, Typography } from '@mui/material';
import {
  DataTable,
  Labeled,
  RadioButtonGroupInput,
  ReferenceField,
  ReferenceManyField,
  required,
  Show,
  TextField,
  TextInput,
  TopToolbar,
  useDataProvider,
  useNotify,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { formatIban } from '../../../../domain/shared/iban';
import type { BackOfficeDataProvider } from '../../dataProvider';
import { AuditTrail, HistoryButton } from '../../components/audit';
import { TimeTravelButton } from '../../components/timeTravel';
import { CommandDialog } from '../../components/CommandDialog';
import { CouponCode } from '../../components/CouponCode';
import { DocumentPdf, formatRf, LinesTable, PdfButton, VatSummaryTable, type DocumentLine, type VatRow } from '../../components/documents';
import { DateTimeField, DayField, EnumField, MoneyField, ShowLink } from '../../components/fields';
import { MoneyInput } from '../../components/inputs';
import { deskPaymentMethodChoices } from '../../components/paymentMethods';
import { formatEuro, formatRomeDateTime } from '../../format';
import { centsToInput, toCents } from '../../money';

export interface Order {
  id: string;
  customerId: string;
  customerName: string | null;
  status: string;
  choice: 'guided' | 'manual';
  holderCodiceFiscale: string | null;
  deviceSerial: string | null;
  paymentMode: 'prepaid' | 'direct';
  paymentMethod: string;
  rfReference: string | null;
  paymentExpiresAt: string | null;
  codesEmail: string;
  lines: DocumentLine[];
  vatSummary: VatRow[];
  taxableCents: number;
  vatCents: number;
  totalCents: number;
  amountPaidCents: number;
  amountDueCents: number;
  surplusCents: number;
  refundedCents: number;
  placedAt: string;
  paidAt: string | null;
  fulfilledAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  expiredAt: string | null;
  invoiceId: string | null;
  invoiceDisplayNumber: string | null;
}

const REFUNDABLE = ['fulfilled', 'partially_refunded'];

function Actions() {
  const record = useRecordContext<Order>();
  const translate = useTranslate();
  if (!record) return <TopToolbar />;
  const awaiting = record.status === 'awaiting_payment';
  return (
    <TopToolbar>
      {awaiting ? (
        <CommandDialog<{ method: string; amountCents: string }, { orderStatus: string; amountDueCents: number }>
          label="app.orders.desk_payment"
          icon={<PointOfSaleIcon />}
          path={`orders/${record.id}/desk-payment`}
          defaultValues={{ method: 'credit_card', amountCents: centsToInput(record.amountDueCents) }}
          description={translate('app.orders.desk_payment_help')}
          toBody={(v) => ({ method: v.method, amountCents: toCents(v.amountCents) })}
          access={{ resource: 'orders', action: 'deskPayment' }}
          success="app.orders.payment_taken"
        >
          <RadioButtonGroupInput
            source="method"
            label="app.orders.desk_method"
            validate={required()}
            choices={deskPaymentMethodChoices}
          />
          <MoneyInput source="amountCents" label="app.orders.amount_taken" validate={required()} fullWidth />
        </CommandDialog>
      ) : null}
      {awaiting ? (
        <CommandDialog<{ reason: string }>
          label="app.orders.cancel"
          icon={<CancelIcon />}
          path={`orders/${record.id}/cancel`}
          toBody={(v) => ({ reason: (v.reason ?? '').trim() })}
          access={{ resource: 'orders', action: 'cancel' }}
          success="app.orders.cancelled"
          color="error"
          description={translate('app.orders.cancel_help')}
        >
          <TextInput source="reason" label="app.orders.cancel_reason" validate={required()} fullWidth multiline autoComplete="off" />
        </CommandDialog>
      ) : null}
      {REFUNDABLE.includes(record.status) ? (
        <CommandDialog<{ refundTo: string }>
          label="app.orders.resend"
          icon={<ReplayIcon />}
          path={`orders/${record.id}/resend-coupons`}
          toBody={() => ({})}
          access={{ resource: 'orders', action: 'resend' }}
          success="app.orders.resent"
          description={translate('app.orders.resend_help', { email: record.codesEmail })}
          confirmLabel="app.orders.resend_confirm"
        />
      ) : null}
      {REFUNDABLE.includes(record.status) ? (
        <CommandDialog<{ refundTo: string }>
          label="app.orders.refund"
          icon={<UndoIcon />}
          path={`orders/${record.id}/refund`}
          defaultValues={{ refundTo: 'prepaid' }}
          toBody={(v) => ({ refundTo: v.refundTo })}
          access={{ resource: 'orders', action: 'refund' }}
          success="app.orders.refunded"
          description={translate('app.orders.refund_help')}
          color="warning"
        >
          <RadioButtonGroupInput
            source="refundTo"
            label="app.orders.refund_to"
            validate={required()}
            choices={[
              { id: 'prepaid', name: 'app.enums.refundTo.prepaid' },
              { id: 'paid_out', name: 'app.enums.refundTo.paid_out' },
            ]}
          />
        </CommandDialog>
      ) : null}
      <HistoryButton stream={`order-${record.id}`} />
      <TimeTravelButton kind="order" id={record.id} />
    </TopToolbar>
  );
}

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  const translate = useTranslate();
  return (
    <Box component="section" sx={{ mt: 3 }} aria-label={translate(title)} data-testid={testId}>
      <Divider sx={{ mb: 1 }} />
      <Typography variant="h6" component="h2" gutterBottom>
        {translate(title)}
      </Typography>
      {children}
    </Box>
  );
}

function PaymentBox() {
  const record = useRecordContext<Order>();
  const translate = useTranslate();
  if (!record) return null;
  if (record.paymentMode === 'direct' && record.status === 'awaiting_payment' && record.rfReference) {
    return (
      <Alert severity="info" data-testid="rf-box" sx={{ '& .MuiAlert-message': { width: '100%' } }}>
        <Typography component="p" variant="body2">
          {translate('app.orders.rf_help', { method: translate(`app.enums.paymentMethod.${record.paymentMethod}`) })}
        </Typography>
        <TransferDetails order={record} />
      </Alert>
    );
  }
  if (record.status === 'paid') {
    return (
      <Alert severity="info" data-testid="fulfilment-pending">
        {translate('app.orders.fulfilment_pending')}
      </Alert>
    );
  }
  if (record.status === 'fulfilled') {
    return (
      <Alert severity="success" data-testid="fulfilled-box">
        {translate('app.orders.fulfilled_help', { email: record.codesEmail })}
      </Alert>
    );
  }
  return null;
}

/** A prepaid order was paid by its debit on the customer's prepaid account, when it was placed. */
function PrepaidDebit({ order }: { order: Order }) {
  const translate = useTranslate();
  return (
    <Typography variant="body2" data-testid="prepaid-debit">
      {translate('app.orders.prepaid_debit', { amount: formatEuro(order.totalCents), at: formatRomeDateTime(order.placedAt) })}
    </Typography>
  );
}

/** What the server says the customer pays by transfer (GET /api/orders/:id/payment-notice). */
interface PaymentNotice {
  beneficiary: string;
  iban: string;
  bic: string | null;
  amountCents: number;
  rfReference: string;
  expiresAt: string;
}

/** One value the customer types into the bank's form, with a button that copies it. */
function CopyRow({ label, shown, copied, testId }: { label: string; shown: string; copied: string; testId: string }) {
  const translate = useTranslate();
  const notify = useNotify();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(copied);
      notify('app.orders.copied', { type: 'info', messageArgs: { what: label } });
    } catch {
      notify('app.orders.copy_failed', { type: 'warning', messageArgs: { what: label } });
    }
  };
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }} data-testid={`${testId}-row`}>
      <Typography component="span" variant="body2" sx={{ minWidth: 110 }}>
        {label}
      </Typography>
      <Typography component="span" variant="body1" sx={{ fontFamily: 'monospace', fontWeight: 600 }} data-testid={testId}>
        {shown}
      </Typography>
      <Tooltip title={translate('app.orders.copy', { what: label })}>
        <IconButton size="small" onClick={copy} aria-label={translate('app.orders.copy', { what: label })}>
          <ContentCopyIcon fontSize="inherit" />
        </IconButton>
      </Tooltip>
    </Box>
  );
}

/**
 * Beneficiary, IBAN, amount still due and RF reference, each with a copy button, the expiry, and
 * the payment notice as a PDF with its EPC QR code (the one e-mailed to the customer at placement).
 */
function TransferDetails({ order }: { order: Order }) {
  const translate = useTranslate();
  const dataProvider = useDataProvider<BackOfficeDataProvider>();
  const [notice, setNotice] = useState<PaymentNotice | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    dataProvider
      .query<PaymentNotice>(`orders/${encodeURIComponent(order.id)}/payment-notice`, { signal: controller.signal })
      .then(({ data }) => setNotice(data))
      .catch(() => setNotice(null));
    return () => controller.abort();
  }, [dataProvider, order.id, order.amountDueCents]);
  const rf = order.rfReference ?? '';
  const amountCents = notice?.amountCents ?? order.amountDueCents;
  return (
    <Box sx={{ mt: 1, display: 'grid', gap: 0.5 }}>
      {notice ? <CopyRow label={translate('app.orders.beneficiary')} shown={notice.beneficiary} copied={notice.beneficiary} testId="notice-beneficiary" /> : null}
      {notice ? <CopyRow label="IBAN" shown={formatIban(notice.iban)} copied={notice.iban} testId="notice-iban" /> : null}
      {notice?.bic ? <CopyRow label="BIC" shown={notice.bic} copied={notice.bic} testId="notice-bic" /> : null}
      {/* The amount as a bank's form takes it: digits and a comma, no euro sign. */}
      <CopyRow label={translate('app.orders.amount_due')} shown={formatEuro(amountCents)} copied={formatEuro(amountCents).replace(/[ €.]/g, '')} testId="notice-amount" />
      <CopyRow label={translate('app.orders.reason_rf')} shown={formatRf(rf)} copied={rf} testId="rf-reference" />
      <Typography component="p" variant="body2">
        {order.paymentExpiresAt ? translate('app.orders.expires_at', { at: formatRomeDateTime(order.paymentExpiresAt) }) : ''}
      </Typography>
      <Box>
        <MuiButton
          component="a"
          href={`/api/orders/${encodeURIComponent(order.id)}/payment-notice.pdf`}
          download
          size="small"
          variant="outlined"
          startIcon={<PictureAsPdfIcon />}
          data-testid="payment-notice-pdf"
        >
          {translate('app.orders.payment_notice_pdf')}
        </MuiButton>
      </Box>
    </Box>
  );
}

/** The order's life from the record's own times (every role); the audit trail adds who did what. */
function Timeline() {
  const record = useRecordContext<Order>();
  const translate = useTranslate();
  if (!record) return null;
  const steps: { key: string; at: string | null }[] = [
    { key: 'placed', at: record.placedAt },
    ...(record.cancelledAt ? [{ key: 'cancelled', at: record.cancelledAt }] : []),
    ...(record.expiredAt ? [{ key: 'expired', at: record.expiredAt }] : []),
    ...(!record.cancelledAt && !record.expiredAt
      ? [
          { key: 'paid', at: record.paidAt },
          { key: 'fulfilled', at: record.fulfilledAt },
        ]
      : []),
  ];
  const active = steps.filter((s) => s.at).length;
  return (
    <Stepper activeStep={active} alternativeLabel aria-label={translate('app.orders.timeline')} data-testid="order-timeline">
      {steps.map((s) => (
        <Step key={s.key} completed={Boolean(s.at)}>
          <StepLabel optional={<Typography variant="caption">{s.at ? formatRomeDateTime(s.at) : '—'}</Typography>}>
            {translate(`app.orders.step.${s.key}`)}
          </StepLabel>
        </Step>
      ))}
    </Stepper>
  );
}

function Details() {
  const record = useRecordContext<Order>();
  if (!record) return null;
  return (
    <Grid container spacing={2}>
      <Grid size={{ xs: 12, md: 4 }}>
        <Labeled label="resources.orders.fields.customerId">
          <ReferenceField source="customerId" reference="customers" link="show" />
        </Labeled>
      </Grid>
      <Grid size={{ xs: 6, md: 2 }}>
        <Labeled label="resources.orders.fields.status">
          <EnumField source="status" name="orderStatus" />
        </Labeled>
      </Grid>
      <Grid size={{ xs: 6, md: 2 }}>
        <Labeled label="resources.orders.fields.choice">
          <EnumField source="choice" name="orderChoice" chip={false} />
        </Labeled>
      </Grid>
      <Grid size={{ xs: 6, md: 2 }}>
        <Labeled label="resources.orders.fields.paymentMethod">
          <EnumField source="paymentMethod" name="paymentMethod" chip={false} />
        </Labeled>
      </Grid>
      <Grid size={{ xs: 6, md: 2 }}>
        <Labeled label="resources.orders.fields.placedAt">
          <DateTimeField source="placedAt" />
        </Labeled>
      </Grid>
      {record.deviceSerial ? (
        <Grid size={{ xs: 6, md: 4 }}>
          <Labeled label="resources.orders.fields.deviceSerial">
            <ReferenceField source="deviceSerial" reference="devices" link="show" />
          </Labeled>
        </Grid>
      ) : null}
      {record.holderCodiceFiscale ? (
        <Grid size={{ xs: 6, md: 4 }}>
          <Labeled label="resources.orders.fields.holderCodiceFiscale">
            <TextField source="holderCodiceFiscale" />
          </Labeled>
        </Grid>
      ) : null}
      <Grid size={{ xs: 12, md: 4 }}>
        <Labeled label="resources.orders.fields.codesEmail">
          <TextField source="codesEmail" />
        </Labeled>
      </Grid>
      <Grid size={{ xs: 6, md: 3 }}>
        <Labeled label="resources.orders.fields.totalCents">
          <MoneyField source="totalCents" strong />
        </Labeled>
      </Grid>
      <Grid size={{ xs: 6, md: 3 }}>
        <Labeled label="resources.orders.fields.amountPaidCents">
          <MoneyField source="amountPaidCents" />
        </Labeled>
      </Grid>
      <Grid size={{ xs: 6, md: 3 }}>
        <Labeled label="resources.orders.fields.amountDueCents">
          <MoneyField source="amountDueCents" />
        </Labeled>
      </Grid>
      {record.refundedCents ? (
        <Grid size={{ xs: 6, md: 3 }}>
          <Labeled label="resources.orders.fields.refundedCents">
            <MoneyField source="refundedCents" />
          </Labeled>
        </Grid>
      ) : null}
      {record.cancelReason ? (
        <Grid size={{ xs: 12 }}>
          <Labeled label="resources.orders.fields.cancelReason">
            <TextField source="cancelReason" />
          </Labeled>
        </Grid>
      ) : null}
    </Grid>
  );
}

function Documents() {
  const record = useRecordContext<Order>();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <>
      {record.invoiceId ? (
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }} data-testid="invoice-box">
          <Typography>
            {translate('app.orders.invoice')} <strong data-testid="invoice-number">{record.invoiceDisplayNumber}</strong>
          </Typography>
          <PdfButton kind="invoices" id={record.invoiceId} number={record.invoiceDisplayNumber} />
        </Box>
      ) : (
        <Typography variant="body2" color="text.secondary">
          {translate('app.orders.no_invoice')}
        </Typography>
      )}
      <ReferenceManyField reference="credit-notes" target="orderId" sort={{ field: 'displayNumber', order: 'ASC' }} perPage={50}>
        <DataTable bulkActionButtons={false} rowClick="show" empty={false}>
          <DataTable.Col source="displayNumber" label="resources.credit-notes.fields.displayNumber" disableSort>
            <TextField source="displayNumber" />
          </DataTable.Col>
          <DataTable.Col source="issuedOn" label="resources.credit-notes.fields.issuedOn" disableSort>
            <DayField source="issuedOn" />
          </DataTable.Col>
          <DataTable.Col source="totalCents" label="resources.credit-notes.fields.totalCents" align="right" disableSort>
            <MoneyField source="totalCents" />
          </DataTable.Col>
          <DataTable.Col label="app.documents.pdf" disableSort>
            <DocumentPdf kind="credit-notes" />
          </DataTable.Col>
        </DataTable>
      </ReferenceManyField>
    </>
  );
}

function OrderPage() {
  const record = useRecordContext<Order>();
  const streams = record ? [`order-${record.id}`, ...(record.invoiceId ? [`invoice-${record.invoiceId}`] : [])] : [];
  return (
    <Box sx={{ p: 2 }}>
      <Timeline />
      <Box sx={{ my: 2 }}>
        <PaymentBox />
      </Box>
      <Details />
      <Section title="app.orders.lines">
        <LinesTable lines={record?.lines} />
      </Section>
      <Section title="app.documents.vat_summary">
        <VatSummaryTable rows={record?.vatSummary} totals={record ? { taxableCents: record.taxableCents, vatCents: record.vatCents, totalCents: record.totalCents } : undefined} />
      </Section>
      {/* Keyed by the status: a change (paid, fulfilled) fetches the related lists again. */}
      <Box key={`${record?.status}-${record?.amountPaidCents}-${record?.refundedCents}`}>
      <Section title="app.orders.payments" testId="order-payments">
        {record?.paymentMode === 'prepaid' ? <PrepaidDebit order={record} /> : null}
        {record?.paymentMode === 'prepaid' ? null : <ReferenceManyField reference="payments" target="orderId" sort={{ field: 'receivedOn', order: 'ASC' }} perPage={50}>
          <DataTable bulkActionButtons={false} rowClick="show" empty={<None />}>
            <DataTable.Col source="receivedOn" label="resources.payments.fields.receivedOn" disableSort>
              <ShowLink>
                <DayField source="receivedOn" />
              </ShowLink>
            </DataTable.Col>
            <DataTable.Col source="method" label="resources.payments.fields.method" disableSort>
              <EnumField source="method" name="paymentMethod" chip={false} />
            </DataTable.Col>
            <DataTable.Col source="payer" label="resources.payments.fields.payer" disableSort>
              <TextField source="payer" />
            </DataTable.Col>
            <DataTable.Col source="amountCents" label="resources.payments.fields.amountCents" align="right" disableSort>
              <MoneyField source="amountCents" />
            </DataTable.Col>
          </DataTable>
        </ReferenceManyField>}
      </Section>
      <Section title="app.orders.coupons" testId="order-coupons">
        <ReferenceManyField reference="coupons" target="orderId" sort={{ field: 'issuedAt', order: 'ASC' }} perPage={100}>
          <DataTable bulkActionButtons={false} rowClick="show" empty={<None />}>
            <DataTable.Col source="code" label="resources.coupons.fields.code" disableSort>
              <ShowLink>
                <CouponCode />
              </ShowLink>
            </DataTable.Col>
            <DataTable.Col source="productCode" label="resources.coupons.fields.productCode" disableSort>
              <TextField source="productCode" />
            </DataTable.Col>
            <DataTable.Col source="renews" label="resources.coupons.fields.renews" disableSort>
              <EnumField source="renews" name="renews" chip={false} />
            </DataTable.Col>
            <DataTable.Col source="state" label="resources.coupons.fields.state" disableSort>
              <EnumField source="state" name="couponState" />
            </DataTable.Col>
            <DataTable.Col source="validUntil" label="resources.coupons.fields.validUntil" disableSort>
              <DateTimeField source="validUntil" dateOnly />
            </DataTable.Col>
          </DataTable>
        </ReferenceManyField>
      </Section>
      <Section title="app.orders.documents" testId="order-documents">
        <Documents />
      </Section>
      <Section title="app.orders.emails">
        <ReferenceManyField
          reference="emails"
          target="orderId"
          sort={{ field: 'queuedAt', order: 'ASC' }}
          perPage={50}
          queryOptions={{ refetchInterval: (query) => ((query.state.data?.data ?? []) as { state?: string }[]).some((e) => e.state === 'queued' || e.state === 'retrying') ? 2000 : false }}
        >
          <DataTable bulkActionButtons={false} rowClick="show" empty={<None />}>
            <DataTable.Col source="queuedAt" label="resources.emails.fields.queuedAt" disableSort>
              <DateTimeField source="queuedAt" />
            </DataTable.Col>
            <DataTable.Col source="reason" label="resources.emails.fields.reason" disableSort>
              <EnumField source="reason" name="emailReason" chip={false} />
            </DataTable.Col>
            <DataTable.Col source="to" label="resources.emails.fields.to" disableSort>
              <TextField source="to" />
            </DataTable.Col>
            <DataTable.Col source="state" label="resources.emails.fields.state" disableSort>
              <EnumField source="state" name="emailState" />
            </DataTable.Col>
          </DataTable>
        </ReferenceManyField>
      </Section>
      <AuditTrail streams={streams} title="app.orders.history" />
      </Box>
    </Box>
  );
}

function None() {
  const translate = useTranslate();
  return (
    <Typography variant="body2" color="text.secondary" sx={{ py: 1 }}>
      {translate('app.none')}
    </Typography>
  );
}

const WAITING = ['awaiting_payment', 'paid'];

export default function OrderShow() {
  return (
    <Show
      actions={<Actions />}
      queryOptions={{
        refetchInterval: (query: { state: { data?: unknown } }) => (WAITING.includes((query.state.data as Order | undefined)?.status ?? '') ? 2000 : false),
      }}
    >
      <OrderPage />
    </Show>
  );
}
