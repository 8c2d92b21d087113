import { Box } from '@mui/material';
import { Create, FormDataConsumer, NumberInput, required, SelectInput, SimpleForm, TextInput } from 'react-admin';
import { MoneyInput } from '../../components/inputs';
import { useNotifyRefusal } from '../../components/useCommand';
import { parseEuro, toCents } from '../../money';
import { PRODUCT_KINDS, PRODUCT_RENEWALS } from './ProductList';

interface Values {
  code?: string;
  description?: string;
  kind?: 'coupon' | 'timestamps' | 'device';
  renews?: string;
  professionalRole?: string;
  timestampPackSize?: number | null;
  priceCents?: string;
  vatRateBp?: string;
}

/** A VAT rate typed as a percentage (`22`, `10,5`) in basis points (2200, 1050). */
const rateBp = (text: unknown) => {
  const parsed = parseEuro(typeof text === 'string' ? text : String(text ?? ''));
  return parsed.ok ? parsed.cents : undefined;
};

const rateFormat = (value: unknown) => {
  if (value === undefined || value === null || value === '') return undefined;
  const bp = rateBp(value);
  return bp === undefined || bp > 10_000 ? 'app.validation.rate' : undefined;
};

export function productBody(values: Values) {
  const role = (values.professionalRole ?? '').trim();
  return {
    code: (values.code ?? '').trim().toUpperCase(),
    description: (values.description ?? '').trim(),
    kind: values.kind,
    renews: values.kind === 'coupon' ? values.renews : 'none',
    professionalRole: role || null,
    timestampPackSize: values.kind === 'timestamps' && values.timestampPackSize ? Number(values.timestampPackSize) : null,
    priceCents: toCents(values.priceCents),
    vatRateBp: rateBp(values.vatRateBp) ?? 2200,
  };
}

export default function ProductCreate() {
  const onError = useNotifyRefusal();
  return (
    <Create redirect="show" transform={(data: Values) => productBody(data)} mutationOptions={{ onError }}>
      <SimpleForm defaultValues={{ kind: 'coupon', renews: 'both', vatRateBp: '22' }}>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
          <TextInput source="code" validate={required()} helperText="app.products.code_help" autoComplete="off" />
          <SelectInput source="kind" validate={required()} choices={PRODUCT_KINDS.map((k) => ({ id: k, name: `app.enums.productKind.${k}` }))} />
        </Box>
        <TextInput source="description" validate={required()} fullWidth autoComplete="off" />
        <FormDataConsumer<Values>>
          {({ formData }) =>
            formData.kind === 'timestamps' ? (
              <NumberInput source="timestampPackSize" validate={required()} min={1} step={1} />
            ) : formData.kind === 'device' ? null : (
              <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
                <SelectInput
                  source="renews"
                  validate={required()}
                  choices={PRODUCT_RENEWALS.filter((r) => r !== 'none').map((k) => ({ id: k, name: `app.enums.renews.${k}` }))}
                />
                <TextInput source="professionalRole" autoComplete="off" />
              </Box>
            )
          }
        </FormDataConsumer>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
          <MoneyInput source="priceCents" validate={required()} />
          <TextInput source="vatRateBp" label="app.products.vat_percent" validate={[required(), rateFormat]} autoComplete="off" />
        </Box>
      </SimpleForm>
    </Create>
  );
}
