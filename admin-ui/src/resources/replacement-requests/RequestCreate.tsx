// Opening a replacement request: the device (filled in when opened from the device's page), the
// reason and what the holder said. Who buys the new device is the customer registered with the
// holder's codice fiscale; the server says so when there is none.
import { Alert } from '@mui/material';
import { Create, required, SelectInput, SimpleForm, TextInput, useTranslate } from 'react-admin';
import { useNotifyRefusal } from '../../components/useCommand';
import { REPLACEMENT_REASONS } from './RequestList';

interface Values {
  deviceSerial?: string;
  reason?: string;
  note?: string;
}

const trim = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export const requestBody = (values: Values) => ({
  deviceSerial: trim(values.deviceSerial),
  reason: values.reason,
  ...(trim(values.note) ? { note: trim(values.note) } : {}),
});

export default function RequestCreate() {
  const onError = useNotifyRefusal();
  const translate = useTranslate();
  return (
    <Create redirect="show" transform={(data: Values) => requestBody(data)} mutationOptions={{ onError }}>
      <SimpleForm defaultValues={{ reason: 'deadline_passed' }}>
        <Alert severity="info" sx={{ mb: 2 }}>
          {translate('app.replacements.open_help')}
        </Alert>
        <TextInput source="deviceSerial" validate={required()} autoComplete="off" />
        <SelectInput source="reason" validate={required()} choices={REPLACEMENT_REASONS.map((r) => ({ id: r, name: `app.enums.replacementReason.${r}` }))} />
        <TextInput source="note" fullWidth multiline autoComplete="off" />
      </SimpleForm>
    </Create>
  );
}
