// Registering a customer: a person (name, surname, codice fiscale) or a firm (name, partita IVA,
// its codice fiscale when different), the profile e-mail the coupon codes go to, the billing address.
import { Box, Typography } from '@mui/material';
import {
  BooleanInput,
  Create,
  FormDataConsumer,
  RadioButtonGroupInput,
  required,
  SimpleForm,
  TextInput,
  useTranslate,
} from 'react-admin';
import { codiceFiscaleFormat } from '../../components/inputs';
import { useNotifyRefusal } from '../../components/useCommand';

interface Values {
  kind: 'person' | 'firm';
  name?: string;
  surname?: string;
  codiceFiscale?: string;
  partitaIva?: string;
  email?: string;
  registrationOfficer?: boolean;
  billingAddress?: { street?: string; postalCode?: string; city?: string; province?: string; country?: string };
}

const trim = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export function customerBody(values: Values) {
  const a = values.billingAddress ?? {};
  const billingAddress = {
    street: trim(a.street),
    postalCode: trim(a.postalCode),
    city: trim(a.city),
    province: trim(a.province),
    ...(trim(a.country) ? { country: trim(a.country) } : {}),
  };
  const common = { email: trim(values.email), billingAddress, registrationOfficer: values.registrationOfficer === true };
  if (values.kind === 'firm') {
    return {
      kind: 'firm' as const,
      name: trim(values.name),
      partitaIva: trim(values.partitaIva),
      codiceFiscale: trim(values.codiceFiscale) || null,
      ...common,
    };
  }
  return { kind: 'person' as const, name: trim(values.name), surname: trim(values.surname), codiceFiscale: trim(values.codiceFiscale), ...common };
}

export default function CustomerCreate() {
  const translate = useTranslate();
  const onError = useNotifyRefusal();
  return (
    <Create redirect="show" transform={(data: Values) => customerBody(data)} mutationOptions={{ onError }}>
      <SimpleForm defaultValues={{ kind: 'person', registrationOfficer: false, billingAddress: { country: 'IT' } }}>
        <RadioButtonGroupInput
          source="kind"
          choices={[
            { id: 'person', name: 'app.enums.customerKind.person' },
            { id: 'firm', name: 'app.enums.customerKind.firm' },
          ]}
        />
        <FormDataConsumer<Values>>
          {({ formData }) =>
            formData.kind === 'firm' ? (
              <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
                <TextInput source="name" label="resources.customers.fields.firmName" validate={required()} autoComplete="off" />
                <TextInput source="partitaIva" validate={required()} autoComplete="off" />
                <TextInput source="codiceFiscale" helperText="app.customers.firm_cf_help" autoComplete="off" />
              </Box>
            ) : (
              <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
                <TextInput source="name" validate={required()} autoComplete="off" />
                <TextInput source="surname" validate={required()} autoComplete="off" />
                <TextInput source="codiceFiscale" validate={[required(), codiceFiscaleFormat]} autoComplete="off" />
              </Box>
            )
          }
        </FormDataConsumer>
        <TextInput source="email" type="email" validate={required()} helperText="app.customers.email_help" autoComplete="off" />
        <BooleanInput source="registrationOfficer" />
        <Typography variant="subtitle1" component="h2" sx={{ mt: 1 }}>
          {translate('resources.customers.fields.billingAddress')}
        </Typography>
        <TextInput source="billingAddress.street" label="resources.customers.fields.street" validate={required()} autoComplete="off" fullWidth />
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
          <TextInput source="billingAddress.postalCode" label="resources.customers.fields.postalCode" validate={required()} autoComplete="off" />
          <TextInput source="billingAddress.city" label="resources.customers.fields.city" validate={required()} autoComplete="off" />
          <TextInput source="billingAddress.province" label="resources.customers.fields.province" validate={required()} autoComplete="off" />
          <TextInput source="billingAddress.country" label="resources.customers.fields.country" autoComplete="off" />
        </Box>
      </SimpleForm>
    </Create>
  );
}
