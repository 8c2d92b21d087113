// Registering a device sold by this reseller: serial, kind, issuer, issue day, the holder's codice
// fiscale and its certificates (signing and/or authentication) with their validity. The days
// picked are Rome days: valid from the start of the first, until the end of the last.
import { Box, Typography } from '@mui/material';
import { Create, DateInput, required, SelectInput, SimpleForm, TextInput, useTranslate } from 'react-admin';
import { codiceFiscaleFormat } from '../../components/inputs';
import { useNotifyRefusal } from '../../components/useCommand';
import { romeDay, romeDayEnd, romeDayStart } from '../../dates';

interface Cert {
  kind: 'signing' | 'authentication';
  serialNumber?: string;
  validFrom?: string;
  validUntil?: string;
}

interface Values {
  serial?: string;
  kind?: string;
  issuer?: string;
  issuedOn?: string;
  holderCodiceFiscale?: string;
  certificates?: Cert[];
}

const trim = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export function deviceBody(values: Values) {
  const certificates = (values.certificates ?? [])
    .filter((c) => trim(c.serialNumber) || c.validFrom || c.validUntil)
    .map((c) => ({
      kind: c.kind,
      serialNumber: trim(c.serialNumber),
      validFrom: c.validFrom ? romeDayStart(c.validFrom) : '',
      validUntil: c.validUntil ? romeDayEnd(c.validUntil) : '',
    }));
  return {
    serial: trim(values.serial),
    kind: values.kind,
    issuer: trim(values.issuer),
    issuedOn: values.issuedOn ?? '',
    holderCodiceFiscale: trim(values.holderCodiceFiscale),
    certificates,
  };
}

function CertificateInputs({ index, kind }: { index: number; kind: Cert['kind'] }) {
  const translate = useTranslate();
  return (
    <Box component="fieldset" sx={{ border: '1px solid #c4c4c4', borderRadius: 1, p: 2, mb: 2, width: '100%' }}>
      <Typography component="legend" variant="subtitle2" sx={{ px: 1 }}>
        {translate(`app.enums.certificateKind.${kind}`)}
      </Typography>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
        <TextInput source={`certificates.${index}.serialNumber`} label="app.devices.certificate_serial" autoComplete="off" />
        <DateInput source={`certificates.${index}.validFrom`} label="app.devices.valid_from" />
        <DateInput source={`certificates.${index}.validUntil`} label="app.devices.valid_until" />
      </Box>
    </Box>
  );
}

export default function DeviceCreate() {
  const onError = useNotifyRefusal();
  return (
    <Create redirect="show" transform={(data: Values) => deviceBody(data)} mutationOptions={{ onError }}>
      <SimpleForm
        defaultValues={{
          kind: 'smart_card',
          issuedOn: romeDay(),
          certificates: [{ kind: 'signing' }, { kind: 'authentication' }],
        }}
      >
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
          <TextInput source="serial" validate={required()} autoComplete="off" />
          <SelectInput
            source="kind"
            validate={required()}
            choices={[
              { id: 'smart_card', name: 'app.enums.deviceKind.smart_card' },
              { id: 'usb_token', name: 'app.enums.deviceKind.usb_token' },
            ]}
          />
          <TextInput source="issuer" validate={required()} autoComplete="off" />
          <DateInput source="issuedOn" validate={required()} />
        </Box>
        <TextInput source="holderCodiceFiscale" validate={[required(), codiceFiscaleFormat]} autoComplete="off" />
        <CertificateInputs index={0} kind="signing" />
        <CertificateInputs index={1} kind="authentication" />
      </SimpleForm>
    </Create>
  );
}
