// The inputs of an issuer policy (create and edit): the renewal window (days before the expiry, hours
// of grace after it), the new validity, pay-after (for which device kinds, from which issue day) and
// its fee in euros excluding VAT. The form holds the read model's flat fields; `toBody` makes the
// whole policy the server takes (PUT /api/issuer-policies/:id).
import { Typography } from '@mui/material';
import { BooleanInput, CheckboxGroupInput, DateInput, NumberInput, TextInput, maxValue, minValue, number, required, useTranslate } from 'react-admin';
import { GUIDE_POLICY } from '../../../../domain/certificates/policyRules';
import { MoneyInput } from '../../components/inputs';
import { centsToInput, toCents } from '../../money';

export interface PolicyRecord {
  id: string;
  issuerName: string;
  renewalOpensDaysBefore: number;
  graceHours: number;
  validityYears: number;
  payAfterOffered: boolean;
  payAfterDeviceKinds: string[];
  payAfterIssuedFrom: string | null;
  payAfterFeeCents: number | string;
  payAfterVatRateBp: number;
  setBy?: string;
  setAt?: string;
  changes?: Array<{ setBy: string; setAt: string; policy: Record<string, unknown> }>;
}

/** The guides' policy as the form's values (a new issuer starts from it). */
export const guideValues = (): Omit<PolicyRecord, 'id'> => ({
  issuerName: '',
  renewalOpensDaysBefore: GUIDE_POLICY.renewalOpensDaysBefore,
  graceHours: GUIDE_POLICY.graceHours,
  validityYears: GUIDE_POLICY.validityYears,
  payAfterOffered: GUIDE_POLICY.payAfter.offered,
  payAfterDeviceKinds: [...GUIDE_POLICY.payAfter.deviceKinds],
  payAfterIssuedFrom: GUIDE_POLICY.payAfter.issuedFrom,
  payAfterFeeCents: centsToInput(GUIDE_POLICY.payAfterFeeCents),
  payAfterVatRateBp: GUIDE_POLICY.payAfterVatRateBp,
});

/** The whole policy as the server takes it. */
export function toBody(values: Omit<PolicyRecord, 'id'>) {
  return {
    issuerName: String(values.issuerName ?? '').trim(),
    renewalOpensDaysBefore: Number(values.renewalOpensDaysBefore),
    graceHours: Number(values.graceHours),
    validityYears: Number(values.validityYears),
    payAfter: {
      offered: Boolean(values.payAfterOffered),
      deviceKinds: values.payAfterDeviceKinds ?? [],
      issuedFrom: values.payAfterIssuedFrom ? String(values.payAfterIssuedFrom).slice(0, 10) : null,
    },
    payAfterFeeCents: toCents(values.payAfterFeeCents) ?? NaN,
    payAfterVatRateBp: Number(values.payAfterVatRateBp),
  };
}

const whole = (min: number, max: number) => [required(), number(), minValue(min), maxValue(max)];

export function PolicyInputs({ nameReadOnly }: { nameReadOnly?: boolean }) {
  const translate = useTranslate();
  return (
    <>
      <TextInput source="issuerName" validate={required()} readOnly={nameReadOnly} helperText="app.policies.issuer_help" fullWidth autoComplete="off" />
      <Typography variant="subtitle2">{translate('app.policies.window')}</Typography>
      <NumberInput source="renewalOpensDaysBefore" validate={whole(1, 365)} step={1} helperText="app.policies.opens_help" />
      <NumberInput source="graceHours" validate={whole(0, 720)} step={1} helperText="app.policies.grace_help" />
      <NumberInput source="validityYears" validate={whole(1, 10)} step={1} helperText="app.policies.validity_help" />
      <Typography variant="subtitle2">{translate('app.policies.pay_after')}</Typography>
      <BooleanInput source="payAfterOffered" />
      <CheckboxGroupInput
        source="payAfterDeviceKinds"
        choices={[
          { id: 'smart_card', name: 'app.enums.deviceKind.smart_card' },
          { id: 'usb_token', name: 'app.enums.deviceKind.usb_token' },
        ]}
      />
      <DateInput source="payAfterIssuedFrom" helperText="app.policies.issued_from_help" />
      <MoneyInput source="payAfterFeeCents" allowZero validate={required()} format={(v: unknown) => (typeof v === 'number' ? centsToInput(v) : (v as string) ?? '')} />
      <NumberInput source="payAfterVatRateBp" validate={whole(0, 10_000)} step={1} helperText="app.policies.vat_help" />
    </>
  );
}
