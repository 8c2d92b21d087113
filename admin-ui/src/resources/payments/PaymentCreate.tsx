// Recording money received: method, amount, value date, payer, the bank's own reference, and the
// reason as the payer wrote it. An RF reference in the reason (however written: lower case, spaces)
// matches the order; the bank reference keeps the same payment from being recorded twice.
import { useRef } from 'react';
import { Box } from '@mui/material';
import { Create, DateInput, maxLength, required, SelectInput, SimpleForm, TextInput, useDataProvider, useNotify, useRedirect, useTranslate } from 'react-admin';
import { formatRf } from '../../../../domain/shared/rfReference';
import { formatEuro } from '../../format';
import { MoneyInput } from '../../components/inputs';
import { paymentMethodChoices } from '../../components/paymentMethods';
import { useNotifyRefusal } from '../../components/useCommand';
import { romeDay } from '../../dates';
import { toCents } from '../../money';

interface Values {
  method?: string;
  amountCents?: string;
  receivedOn?: string;
  payer?: string;
  bankReference?: string;
  reason?: string;
}

export function paymentBody(values: Values) {
  return {
    method: values.method,
    amountCents: toCents(values.amountCents),
    receivedOn: values.receivedOn ?? '',
    payer: (values.payer ?? '').trim(),
    bankReference: (values.bankReference ?? '').trim(),
    reason: (values.reason ?? '').trim(),
  };
}

interface Recorded {
  id: string;
  orderId: string | null;
  rfReference: string | null;
}

interface OrderAfter {
  status: string;
  rfReference: string | null;
  amountPaidCents: number;
  amountDueCents: number;
}

/**
 * Says which order the payment paid and how: the payment is applied to its order by the server's
 * process manager right after it is recorded, so the order is read again until it shows the money
 * (a few seconds at most); "settled", or "partly paid, … still due".
 */
function useConfirmPayment() {
  const dataProvider = useDataProvider();
  const notify = useNotify();
  const translate = useTranslate();
  const redirect = useRedirect();
  return async (recorded: Recorded, amountCents: number | undefined) => {
    redirect('show', 'payments', recorded.id);
    if (!recorded.orderId) {
      notify(translate('app.payment_recorded.unmatched'), { type: 'warning' });
      return;
    }
    let before: OrderAfter | null = null;
    let after: OrderAfter | null = null;
    for (let i = 0; i < 20; i++) {
      const { data } = await dataProvider.getOne<OrderAfter & { id: string }>('orders', { id: recorded.orderId });
      before ??= data;
      after = data;
      if (data.status !== 'awaiting_payment' || (amountCents !== undefined && data.amountPaidCents >= amountCents)) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const order = after?.rfReference ? formatRf(after.rfReference) : recorded.orderId.slice(0, 8).toUpperCase();
    if (after && after.status !== 'awaiting_payment' && after.amountDueCents === 0) {
      notify(translate('app.payment_recorded.settled', { order }), { type: 'success' });
    } else if (after && after.status === 'awaiting_payment' && after.amountPaidCents > 0) {
      notify(translate('app.payment_recorded.partial', { order, due: formatEuro(after.amountDueCents) }), { type: 'info' });
    } else {
      notify(translate('app.payment_recorded.matched', { order }), { type: 'success' });
    }
  };
}

export default function PaymentCreate() {
  const onError = useNotifyRefusal();
  const confirm = useConfirmPayment();
  // The amount sent, for telling when the order shows it applied.
  const sent = useRef<number | undefined>(undefined);
  return (
    <Create
      transform={(data: Values) => {
        const body = paymentBody(data);
        sent.current = body.amountCents;
        return body;
      }}
      mutationOptions={{ onError, onSuccess: (data: Recorded) => void confirm(data, sent.current) }}
      title="app.payments.record"
    >
      <SimpleForm defaultValues={{ method: 'bank_transfer', receivedOn: romeDay() }}>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
          <SelectInput source="method" validate={required()} choices={paymentMethodChoices} />
          <MoneyInput source="amountCents" label="resources.payments.fields.amountCents" validate={required()} />
          <DateInput source="receivedOn" validate={required()} />
        </Box>
        <TextInput source="payer" validate={required()} fullWidth autoComplete="off" />
        <TextInput
          source="bankReference"
          validate={[required(), maxLength(100)]}
          fullWidth
          helperText="app.payments.bank_reference_help"
          autoComplete="off"
        />
        <TextInput source="reason" fullWidth multiline helperText="app.payments.reason_help" autoComplete="off" />
      </SimpleForm>
    </Create>
  );
}
