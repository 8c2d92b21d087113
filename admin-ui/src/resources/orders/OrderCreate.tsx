// Placing an order at the desk, in two ways:
//  - the guided wizard (first guide): the holder's codice fiscale → the holder's devices that can be
//    renewed now → the coupons proposed for both certificates → how the buyer pays → the summary
//    with the e-mail the codes will go to (fixed here if wrong) → confirm;
//  - manual lines: the buyer → products and quantities from the catalogue → payment → summary.
// The quote (lines, VAT, totals) is the server's (POST /api/orders/quote); placing is one command
// (POST /api/orders) with an Idempotency-Key kept until the server answers, so a double click or a
// retry after a lost answer places one order.
import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import SearchIcon from '@mui/icons-material/Search';
import SwapHorizIcon from '@mui/icons-material/SwapHoriz';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Checkbox,
  FormControl,
  FormControlLabel,
  FormLabel,
  IconButton,
  MenuItem,
  Radio,
  RadioGroup,
  Stack,
  Step,
  StepLabel,
  Stepper,
  Tab,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tabs,
  TextField,
  Typography,
} from '@mui/material';
import { useEffect, useId, useMemo, useState } from 'react';
import {
  Button as RaButton,
  LinkBase,
  Title,
  useDataProvider,
  useGetList,
  useGetOne,
  useNotify,
  useRecordFromLocation,
  useRedirect,
  useTranslate,
} from 'react-admin';
import { paymentMethods, type PaymentMethod } from '../../../../domain/shared/paymentMethods';
import { useCommand, failureOf, type CommandFailure } from '../../components/useCommand';
import { LinesTable, VatSummaryTable, type DocumentLine, type VatRow } from '../../components/documents';
import type { BackOfficeDataProvider } from '../../dataProvider';
import { formatEuro, formatRomeDate, formatRomeDateTime } from '../../format';
import type { WindowState } from '../../../../domain/certificates/renewalWindow';
import { couponsCovering, type UnusedCouponOfDevice } from '../../../../domain/orders/unusedCoupons';
import { CustomerPicker, type BuyerOption } from './CustomerPicker';
import { ToneChip } from '../../components/fields';

interface RenewableDevice {
  serial: string;
  kind: 'smart_card' | 'usb_token';
  issuer: string;
  issuedOn: string;
  policyId: string;
  status: WindowState;
  certificates: { kind: 'signing' | 'authentication'; serialNumber: string; validUntil: string; opensAt: string; closesAt: string; status: WindowState }[];
  toRenew: ('signing' | 'authentication')[];
  /** Coupons bought for it earlier and not used: selling more needs the desk's confirmation. */
  unusedCoupons: UnusedCouponOfDevice[];
}

interface Lookup {
  holderCodiceFiscale: string;
  devices: RenewableDevice[];
  needingReplacement: RenewableDevice[];
}

interface Quote {
  lines: DocumentLine[];
  vatSummary: VatRow[];
  totals: { taxableCents: number; vatCents: number; totalCents: number };
  codesEmail: string;
  prepaidBalanceCents: number;
}

interface Placed {
  id: string;
  rfReference: string | null;
  rfReferenceFormatted: string | null;
  prepaidBalanceCents: number | null;
}

interface ManualLine {
  productCode: string;
  quantity: string;
}

type Mode = 'guided' | 'manual';
type Payment = { mode: 'prepaid' } | { mode: 'direct'; method: PaymentMethod };

const GUIDED_STEPS = ['holder', 'device', 'coupons', 'payment', 'summary'] as const;
const MANUAL_STEPS = ['buyer', 'products', 'payment', 'summary'] as const;

export default function OrderCreate() {
  const translate = useTranslate();
  const dataProvider = useDataProvider<BackOfficeDataProvider>();
  const notify = useNotify();
  const redirect = useRedirect();
  const { run, running } = useCommand();
  const fromLocation = (useRecordFromLocation() ?? {}) as { customerId?: string; holderCodiceFiscale?: string; deviceSerial?: string };

  const [mode, setMode] = useState<Mode>('guided');
  const [step, setStep] = useState(0);
  const [buyer, setBuyer] = useState<BuyerOption | null>(null);
  const [cf, setCf] = useState(fromLocation.holderCodiceFiscale ?? '');
  const [lookup, setLookup] = useState<Lookup | null>(null);
  const [looking, setLooking] = useState(false);
  const [device, setDevice] = useState<string>(fromLocation.deviceSerial ?? '');
  // The desk saw the device's unused coupons and sells more all the same (asked again for another device).
  const [confirmedUnused, setConfirmedUnused] = useState(false);
  const [lines, setLines] = useState<ManualLine[]>([{ productCode: '', quantity: '1' }]);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [quoting, setQuoting] = useState(false);
  const [payment, setPayment] = useState<Payment>({ mode: 'prepaid' });
  const [failure, setFailure] = useState<CommandFailure | null>(null);
  const [newEmail, setNewEmail] = useState('');
  const ids = { cf: useId(), pay: useId(), method: useId(), device: useId() };

  // The buyer given by the page that sent us here (a customer's "new order").
  const { data: initialBuyer } = useGetOne<BuyerOption>('customers', { id: fromLocation.customerId ?? '' }, { enabled: Boolean(fromLocation.customerId) });
  useEffect(() => {
    if (initialBuyer && !buyer) setBuyer(initialBuyer);
  }, [initialBuyer, buyer]);

  const { data: products } = useGetList<{ id: string; description: string; priceCents: number; vatRateBp: number; priceWithVatCents: number }>(
    'products',
    { filter: { withdrawn: false }, pagination: { page: 1, perPage: 500 }, sort: { field: 'id', order: 'ASC' } },
    { enabled: mode === 'manual' },
  );

  const selected = lookup?.devices.find((d) => d.serial === device);
  const unused = selected ? couponsCovering(selected.certificates.map((c) => c.kind), selected.unusedCoupons ?? []) : [];
  const needsConfirmation = mode === 'guided' && unused.length > 0;
  const chooseDevice = (serial: string) => {
    setDevice(serial);
    setConfirmedUnused(false);
  };

  const steps = mode === 'guided' ? GUIDED_STEPS : MANUAL_STEPS;
  const stepName = steps[step] ?? steps[0];

  const choiceBody = useMemo(() => {
    if (mode === 'guided') {
      return { guided: { holderCodiceFiscale: cf.trim(), deviceSerial: device, ...(needsConfirmation && confirmedUnused ? { confirmUnusedCoupons: true } : {}) } };
    }
    return {
      manual: {
        lines: lines.filter((l) => l.productCode).map((l) => ({ productCode: l.productCode, quantity: Number.parseInt(l.quantity, 10) || 0 })),
      },
    };
  }, [mode, cf, device, lines, needsConfirmation, confirmedUnused]);

  const reset = (next: Mode) => {
    setMode(next);
    setStep(0);
    setQuote(null);
    setFailure(null);
  };

  /** Step "holder": the holder's renewable devices, and the holder as buyer when registered. */
  const findDevices = async () => {
    setFailure(null);
    setLooking(true);
    try {
      const code = cf.trim().toUpperCase();
      const { data } = await dataProvider.query<Lookup>(`holders/${encodeURIComponent(code)}/renewable-devices`);
      setLookup(data);
      setCf(data.holderCodiceFiscale);
      if (!data.devices.some((d) => d.serial === device)) chooseDevice(data.devices.length === 1 ? data.devices[0]!.serial : '');
      if (!buyer) {
        const found = await dataProvider.getList<BuyerOption>('customers', {
          filter: { codiceFiscale: data.holderCodiceFiscale },
          pagination: { page: 1, perPage: 1 },
          sort: { field: 'fullName', order: 'ASC' },
        });
        if (found.data[0]) setBuyer(found.data[0]);
      }
    } catch (error) {
      const f = failureOf(error, translate);
      setFailure(f.errors ? f : { ...f, errors: { holderCodiceFiscale: f.message } });
      setLookup(null);
    } finally {
      setLooking(false);
    }
  };

  const fetchQuote = async (): Promise<Quote | null> => {
    if (!buyer) return null;
    setQuoting(true);
    setFailure(null);
    try {
      const { data } = await dataProvider.command<Quote>('orders/quote', { customerId: buyer.id, ...choiceBody });
      setQuote(data);
      setNewEmail(data.codesEmail);
      return data;
    } catch (error) {
      const f = failureOf(error, translate);
      setFailure(f);
      notify(f.message, { type: 'error' });
      return null;
    } finally {
      setQuoting(false);
    }
  };

  const canGoOn = (): boolean => {
    switch (stepName) {
      case 'holder':
        return Boolean(lookup && buyer && lookup.devices.length > 0);
      case 'buyer':
        return Boolean(buyer);
      case 'device':
        return Boolean(selected) && (!needsConfirmation || confirmedUnused);
      case 'products':
        return lines.some((l) => l.productCode && Number.parseInt(l.quantity, 10) > 0);
      case 'coupons':
        return Boolean(quote);
      case 'payment':
        return payment.mode === 'direct' || (quote !== null && quote.prepaidBalanceCents >= quote.totals.totalCents);
      default:
        return true;
    }
  };

  const next = async () => {
    const target = steps[step + 1];
    // Entering the coupons step (guided) or the payment step (manual): ask the server for the quote.
    if (target === 'coupons' || (mode === 'manual' && target === 'payment')) {
      const q = await fetchQuote();
      if (!q) return;
      if (q.prepaidBalanceCents < q.totals.totalCents && payment.mode === 'prepaid') setPayment({ mode: 'direct', method: 'bank_transfer' });
    }
    if (target === 'summary') {
      const q = await fetchQuote();
      if (!q) return;
    }
    setStep((s) => Math.min(s + 1, steps.length - 1));
  };

  const back = () => {
    setFailure(null);
    setStep((s) => Math.max(0, s - 1));
  };

  const changeEmail = async () => {
    if (!buyer) return;
    const result = await run<{ email: string }>(`customers/${buyer.id}/email`, { email: newEmail.trim() }, { success: 'app.customers.email_changed', refresh: false });
    if (result.ok) {
      setBuyer({ ...buyer, email: result.data.email });
      await fetchQuote();
    } else {
      setFailure(result.failure);
    }
  };

  const place = async () => {
    if (!buyer) return;
    setFailure(null);
    const result = await run<Placed>('orders', { customerId: buyer.id, ...choiceBody, payment }, { refresh: false });
    if (!result.ok) {
      setFailure(result.failure);
      return;
    }
    const placed = result.data;
    notify(placed.rfReference ? 'app.wizard.placed_direct' : 'app.wizard.placed_prepaid', {
      type: 'success',
      messageArgs: { rf: placed.rfReferenceFormatted ?? '' },
      autoHideDuration: 8000,
    });
    redirect('show', 'orders', placed.id);
  };

  const balance = quote?.prepaidBalanceCents ?? buyer?.prepaidBalanceCents ?? 0;
  const enough = quote ? balance >= quote.totals.totalCents : true;

  return (
    <Box sx={{ mt: 2 }}>
      <Title title="app.wizard.title" />
      <Card>
        <CardContent>
          <Typography variant="h5" component="h1" gutterBottom>
            {translate('app.wizard.title')}
          </Typography>
          <Tabs value={mode} onChange={(_e, v: Mode) => reset(v)} aria-label={translate('app.wizard.how')} sx={{ mb: 2 }}>
            <Tab value="guided" label={translate('app.wizard.guided')} />
            <Tab value="manual" label={translate('app.wizard.manual')} />
          </Tabs>
          <Stepper activeStep={step} sx={{ mb: 3 }} aria-label={translate('app.wizard.steps')}>
            {steps.map((s) => (
              <Step key={s}>
                <StepLabel>{translate(`app.wizard.step.${s}`)}</StepLabel>
              </Step>
            ))}
          </Stepper>

          <Box component="section" aria-label={translate(`app.wizard.step.${stepName}`)} sx={{ minHeight: 200 }}>
            <Typography variant="h6" component="h2" gutterBottom>
              {translate(`app.wizard.step.${stepName}`)}
            </Typography>

            {stepName === 'holder' ? (
              <Stack spacing={2}>
                <Box
                  component="form"
                  onSubmit={(e: React.FormEvent) => {
                    e.preventDefault();
                    void findDevices();
                  }}
                  sx={{ display: 'flex', gap: 2, alignItems: 'flex-start', flexWrap: 'wrap' }}
                >
                  <TextField
                    id={ids.cf}
                    label={translate('app.wizard.holder_cf')}
                    value={cf}
                    onChange={(e) => setCf(e.target.value)}
                    error={Boolean(failure?.errors?.holderCodiceFiscale)}
                    helperText={failure?.errors?.holderCodiceFiscale ?? translate('app.wizard.holder_cf_help')}
                    autoComplete="off"
                    slotProps={{ htmlInput: { maxLength: 20, style: { textTransform: 'uppercase' } } }}
                    sx={{ minWidth: 280 }}
                  />
                  <Button type="submit" variant="contained" startIcon={<SearchIcon />} disabled={looking || cf.trim() === ''} sx={{ mt: 1 }}>
                    {translate('app.wizard.find_devices')}
                  </Button>
                </Box>
                {lookup ? (
                  <Alert severity={lookup.devices.length ? 'success' : 'warning'} data-testid="lookup-result">
                    {lookup.devices.length
                      ? translate('app.wizard.devices_found', { smart_count: lookup.devices.length })
                      : translate('app.wizard.no_devices')}
                    {lookup.needingReplacement.length ? ` ${translate('app.wizard.needing_replacement', { serials: lookup.needingReplacement.map((d) => d.serial).join(', ') })}` : ''}
                  </Alert>
                ) : null}
                {lookup?.needingReplacement.length ? <ReplacementInstead devices={lookup.needingReplacement} /> : null}
                <CustomerPicker value={buyer} onChange={setBuyer} />
              </Stack>
            ) : null}

            {stepName === 'buyer' ? <CustomerPicker value={buyer} onChange={setBuyer} /> : null}

            {stepName === 'device' && lookup ? (
              <FormControl>
                <FormLabel id={ids.device}>{translate('app.wizard.pick_device')}</FormLabel>
                <RadioGroup aria-labelledby={ids.device} value={device} onChange={(e) => chooseDevice(e.target.value)}>
                  {lookup.devices.map((d) => (
                    <FormControlLabel
                      key={d.serial}
                      value={d.serial}
                      control={<Radio />}
                      label={
                        <span>
                          <strong>{d.serial}</strong> · {translate(`app.enums.deviceKind.${d.kind}`)} · {d.issuer} ·{' '}
                          {d.certificates
                            .map((c) => `${translate(`app.enums.certificateKind.${c.kind}`)}: ${translate('app.wizard.expires_on', { date: formatRomeDate(c.validUntil) })} (${translate(`app.enums.windowState.${c.status}`, { _: c.status })}${c.status === 'in_grace' ? `; ${translate('app.devices.renewal_closes')} ${formatRomeDateTime(c.closesAt)}` : ''})`)
                            .join(' · ')}
                          {d.unusedCoupons?.length ? (
                            <span style={{ marginLeft: 8 }}>
                              <ToneChip tone="warning" label={translate('app.wizard.unused_coupons_badge', { smart_count: d.unusedCoupons.length })} />
                            </span>
                          ) : null}
                        </span>
                      }
                    />
                  ))}
                </RadioGroup>
                {needsConfirmation && selected ? (
                  <UnusedCouponsWarning serial={selected.serial} coupons={unused} confirmed={confirmedUnused} onConfirm={setConfirmedUnused} />
                ) : null}
                {lookup.needingReplacement.length ? (
                  <>
                    <Alert severity="warning" sx={{ mt: 2 }}>
                      {translate('app.wizard.needing_replacement', { serials: lookup.needingReplacement.map((d) => d.serial).join(', ') })}
                    </Alert>
                    <ReplacementInstead devices={lookup.needingReplacement} />
                  </>
                ) : null}
              </FormControl>
            ) : null}

            {stepName === 'products' ? (
              <Stack spacing={2}>
                {lines.map((line, i) => (
                  <Box key={i} sx={{ display: 'flex', gap: 2, alignItems: 'center', flexWrap: 'wrap' }}>
                    <TextField
                      select
                      label={translate('app.wizard.product', { n: i + 1 })}
                      value={line.productCode}
                      onChange={(e) => setLines(lines.map((l, j) => (j === i ? { ...l, productCode: e.target.value } : l)))}
                      error={Boolean(failure?.errors?.[`manual.lines.${i}.productCode`] ?? failure?.errors?.[`lines.${i}.productCode`])}
                      helperText={failure?.errors?.[`manual.lines.${i}.productCode`] ?? failure?.errors?.[`lines.${i}.productCode`] ?? ' '}
                      sx={{ minWidth: 420 }}
                    >
                      {(products ?? []).map((p) => (
                        <MenuItem key={p.id} value={p.id}>
                          {p.id} – {p.description} – {formatEuro(p.priceCents)} + IVA
                        </MenuItem>
                      ))}
                    </TextField>
                    <TextField
                      type="number"
                      label={translate('app.documents.quantity')}
                      value={line.quantity}
                      onChange={(e) => setLines(lines.map((l, j) => (j === i ? { ...l, quantity: e.target.value } : l)))}
                      slotProps={{ htmlInput: { min: 1, max: 1000, step: 1 } }}
                      helperText={failure?.errors?.[`manual.lines.${i}.quantity`] ?? ' '}
                      error={Boolean(failure?.errors?.[`manual.lines.${i}.quantity`])}
                      sx={{ width: 120 }}
                    />
                    <IconButton
                      aria-label={translate('app.wizard.remove_line', { n: i + 1 })}
                      onClick={() => setLines(lines.length > 1 ? lines.filter((_l, j) => j !== i) : [{ productCode: '', quantity: '1' }])}
                    >
                      <DeleteIcon />
                    </IconButton>
                  </Box>
                ))}
                <Box>
                  <Button startIcon={<AddIcon />} onClick={() => setLines([...lines, { productCode: '', quantity: '1' }])}>
                    {translate('app.wizard.add_line')}
                  </Button>
                </Box>
              </Stack>
            ) : null}

            {stepName === 'coupons' && quote ? (
              <Stack spacing={2}>
                <Typography>{translate('app.wizard.coupons_help')}</Typography>
                <LinesTable lines={quote.lines} />
              </Stack>
            ) : null}

            {stepName === 'payment' && quote ? (
              <Stack spacing={2}>
                <FormControl>
                  <FormLabel id={ids.pay}>{translate('app.wizard.how_to_pay')}</FormLabel>
                  <RadioGroup
                    aria-labelledby={ids.pay}
                    value={payment.mode}
                    onChange={(e) => setPayment(e.target.value === 'prepaid' ? { mode: 'prepaid' } : { mode: 'direct', method: 'bank_transfer' })}
                  >
                    <FormControlLabel
                      value="prepaid"
                      disabled={!enough}
                      control={<Radio />}
                      label={translate('app.wizard.pay_prepaid', { balance: formatEuro(balance) })}
                    />
                    <FormControlLabel value="direct" control={<Radio />} label={translate('app.wizard.pay_direct')} />
                  </RadioGroup>
                </FormControl>
                {!enough ? (
                  <Alert severity="warning">{translate('app.wizard.not_enough', { balance: formatEuro(balance), total: formatEuro(quote.totals.totalCents) })}</Alert>
                ) : null}
                {payment.mode === 'direct' ? (
                  <TextField
                    id={ids.method}
                    select
                    label={translate('app.wizard.method')}
                    value={payment.method}
                    onChange={(e) => setPayment({ mode: 'direct', method: e.target.value as PaymentMethod })}
                    sx={{ maxWidth: 320 }}
                    helperText={translate('app.wizard.direct_help')}
                  >
                    {paymentMethods.map((m) => (
                      <MenuItem key={m} value={m}>
                        {translate(`app.enums.paymentMethod.${m}`)}
                      </MenuItem>
                    ))}
                  </TextField>
                ) : null}
                <Typography>
                  {translate('app.documents.total')}: <strong>{formatEuro(quote.totals.totalCents)}</strong>
                </Typography>
              </Stack>
            ) : null}

            {stepName === 'summary' && quote && buyer ? (
              <Stack spacing={2} data-testid="order-summary">
                <Typography>
                  {translate('app.wizard.buyer')}: <strong>{buyer.fullName}</strong>
                  {mode === 'guided' ? ` · ${translate('app.wizard.device_line', { serial: device, cf })}` : ''}
                </Typography>
                {needsConfirmation && confirmedUnused ? (
                  <Alert severity="warning" data-testid="unused-confirmed">
                    {translate('app.wizard.unused_coupons_confirmed', { smart_count: unused.length })}
                  </Alert>
                ) : null}
                <LinesTable lines={quote.lines} />
                <VatSummaryTable rows={quote.vatSummary} totals={quote.totals} />
                <Typography>
                  {translate('app.wizard.payment')}:{' '}
                  <strong>
                    {payment.mode === 'prepaid'
                      ? translate('app.wizard.pay_prepaid', { balance: formatEuro(balance) })
                      : translate(`app.enums.paymentMethod.${payment.method}`)}
                  </strong>
                </Typography>
                <Alert severity="info" data-testid="codes-email">
                  {translate('app.wizard.codes_to', { email: quote.codesEmail })}
                </Alert>
                <Box sx={{ display: 'flex', gap: 2, alignItems: 'flex-start', flexWrap: 'wrap' }}>
                  <TextField
                    type="email"
                    label={translate('app.wizard.fix_email')}
                    value={newEmail}
                    onChange={(e) => setNewEmail(e.target.value)}
                    error={Boolean(failure?.errors?.email)}
                    helperText={failure?.errors?.email ?? translate('app.wizard.fix_email_help')}
                    autoComplete="off"
                    sx={{ minWidth: 320 }}
                  />
                  <Button onClick={() => void changeEmail()} disabled={running || newEmail.trim() === '' || newEmail.trim().toLowerCase() === quote.codesEmail} sx={{ mt: 1 }}>
                    {translate('app.customers.change_email')}
                  </Button>
                </Box>
                <Typography variant="body2" color="text.secondary">
                  {translate(payment.mode === 'prepaid' ? 'app.wizard.confirm_help_prepaid' : 'app.wizard.confirm_help_direct')}
                </Typography>
              </Stack>
            ) : null}

            {failure && !failure.errors ? (
              <Alert severity="error" sx={{ mt: 2 }} role="alert">
                {failure.message}
              </Alert>
            ) : null}
            {failure?.errors && stepName !== 'holder' && stepName !== 'products' ? (
              <Alert severity="error" sx={{ mt: 2 }} role="alert">
                {failure.message}
              </Alert>
            ) : null}
          </Box>

          <Box sx={{ display: 'flex', gap: 2, mt: 3 }}>
            <Button onClick={back} disabled={step === 0 || running}>
              {translate('app.wizard.back')}
            </Button>
            {stepName !== 'summary' ? (
              <Button variant="contained" onClick={() => void next()} disabled={!canGoOn() || quoting || looking}>
                {translate('app.wizard.next')}
              </Button>
            ) : (
              <Button variant="contained" color="primary" onClick={() => void place()} disabled={running || !buyer || !quote}>
                {translate('app.wizard.confirm')}
              </Button>
            )}
          </Box>
        </CardContent>
      </Card>
    </Box>
  );
}

/**
 * The device already has unused coupons for the certificates this sale would renew: they are shown
 * (the code masked, what it renews, its expiry, the order it came from) and the sale goes on only
 * once the desk ticks that it checked with the customer.
 */
function UnusedCouponsWarning(props: { serial: string; coupons: UnusedCouponOfDevice[]; confirmed: boolean; onConfirm: (confirmed: boolean) => void }) {
  const translate = useTranslate();
  const titleId = useId();
  return (
    <Alert severity="warning" sx={{ mt: 2 }} data-testid="unused-coupons" aria-labelledby={titleId}>
      <Typography id={titleId} component="h3" variant="subtitle1" sx={{ fontWeight: 600 }}>
        {translate('app.wizard.unused_coupons_title', { serial: props.serial })}
      </Typography>
      <Typography variant="body2" sx={{ mb: 1 }}>
        {translate('app.wizard.unused_coupons_help')}
      </Typography>
      <Table size="small" aria-label={translate('app.wizard.unused_coupons_table', { serial: props.serial })}>
        <TableHead>
          <TableRow>
            <TableCell>{translate('app.wizard.unused_coupon_code')}</TableCell>
            <TableCell>{translate('app.wizard.unused_coupon_kind')}</TableCell>
            <TableCell>{translate('app.wizard.unused_coupon_expiry')}</TableCell>
            <TableCell>{translate('app.wizard.unused_coupon_order')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.coupons.map((c) => (
            <TableRow key={c.couponId}>
              <TableCell sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }} data-testid="coupon-code">
                {c.codeHint}
              </TableCell>
              <TableCell>{translate(`app.enums.renews.${c.renews}`)}</TableCell>
              <TableCell>{formatRomeDate(c.validUntil)}</TableCell>
              <TableCell>
                <LinkBase to={`/orders/${encodeURIComponent(c.orderId)}/show`} target="_blank" rel="noopener">
                  {c.orderId.slice(0, 8)}
                </LinkBase>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <FormControlLabel
        sx={{ mt: 1 }}
        control={<Checkbox checked={props.confirmed} onChange={(e) => props.onConfirm(e.target.checked)} />}
        label={translate('app.wizard.unused_coupons_confirm')}
      />
    </Alert>
  );
}

/** Devices past their deadline: no coupons, but a replacement request with the device filled in. */
function ReplacementInstead(props: { devices: RenewableDevice[] }) {
  const translate = useTranslate();
  return (
    <Stack spacing={1} sx={{ mt: 1 }} data-testid="replacement-instead">
      <Typography variant="body2">{translate('app.wizard.replacement_instead')}</Typography>
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        {props.devices.map((d) => (
          <RaButton
            key={d.serial}
            component={LinkBase}
            to={{ pathname: '/replacement-requests/create', search: `?source=${encodeURIComponent(JSON.stringify({ deviceSerial: d.serial }))}` }}
            label={translate('app.wizard.request_replacement', { serial: d.serial })}
            variant="outlined"
          >
            <SwapHorizIcon />
          </RaButton>
        ))}
      </Box>
    </Stack>
  );
}
