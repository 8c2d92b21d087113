// Recording money received: method, amount, value date, payer, the bank's own reference, and the
// reason as the payer wrote it. An RF reference in the reason (however written: lower case, spaces)
// matches the order; the bank reference keeps the same payment from being recorded twice.
import { Box } from '@mui/material';
import { Create, DateInput, maxLength, required, SelectInput, SimpleForm, TextInput } from 'react-admin';
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

export default function PaymentCreate() {
  const onError = useNotifyRefusal();
  return (
    <Create redirect="show" transform={(data: Values) => paymentBody(data)} mutationOptions={{ onError }} title="app.payments.record">
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
