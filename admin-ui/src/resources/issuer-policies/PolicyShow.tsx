// One issuer policy as in force, and every setting of it (oldest first): who, when (Rome time), and
// the window, validity and fee it set.
import { Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { BooleanField, EditButton, Labeled, NumberField, Show, SimpleShowLayout, TextField, TopToolbar, useRecordContext, useTranslate } from 'react-admin';
import { useCan } from '../../components/access';
import { HistoryButton, useActorLabel } from '../../components/audit';
import { DateTimeField, DayField, MoneyField, RateField, useEnumLabel } from '../../components/fields';
import { formatEuro, formatRomeDateTime } from '../../format';
import type { PolicyRecord } from './PolicyForm';
import { SetByField } from './PolicyList';

function Actions() {
  const canEdit = useCan('issuer-policies', 'edit');
  return (
    <TopToolbar>
      {canEdit ? <EditButton /> : null}
      <HistoryButton stream="issuer-policies" />
    </TopToolbar>
  );
}

function DeviceKinds() {
  const record = useRecordContext<PolicyRecord>();
  const label = useEnumLabel();
  if (!record) return null;
  return <span>{record.payAfterDeviceKinds.map((k) => label('deviceKind', k)).join(', ') || '—'}</span>;
}

function Changes() {
  const record = useRecordContext<PolicyRecord>();
  const translate = useTranslate();
  const actor = useActorLabel();
  if (!record?.changes) return null;
  return (
    <Table size="small" aria-label={translate('app.policies.changes')}>
      <TableHead>
        <TableRow>
          <TableCell>{translate('resources.issuer-policies.fields.setAt')}</TableCell>
          <TableCell>{translate('resources.issuer-policies.fields.setBy')}</TableCell>
          <TableCell>{translate('app.policies.change')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {record.changes.map((c, i) => {
          const p = c.policy as { renewalOpensDaysBefore: number; graceHours: number; validityYears: number; payAfter: { offered: boolean }; payAfterFeeCents: number };
          return (
            <TableRow key={i}>
              <TableCell>{formatRomeDateTime(c.setAt)}</TableCell>
              <TableCell>{actor(c.setBy)}</TableCell>
              <TableCell>
                {translate('app.policies.summary', {
                  days: p.renewalOpensDaysBefore,
                  hours: p.graceHours,
                  years: p.validityYears,
                  fee: p.payAfter.offered ? formatEuro(p.payAfterFeeCents) : '—',
                })}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

export default function PolicyShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="issuerName" />
        <TextField source="id" label="resources.issuer-policies.fields.issuerId" />
        <NumberField source="renewalOpensDaysBefore" />
        <NumberField source="graceHours" />
        <NumberField source="validityYears" />
        <BooleanField source="payAfterOffered" />
        <Labeled label="resources.issuer-policies.fields.payAfterDeviceKinds">
          <DeviceKinds />
        </Labeled>
        <DayField source="payAfterIssuedFrom" empty="—" />
        <MoneyField source="payAfterFeeCents" />
        <RateField source="payAfterVatRateBp" />
        <Labeled label="resources.issuer-policies.fields.setBy">
          <SetByField />
        </Labeled>
        <DateTimeField source="setAt" />
        <Labeled label="app.policies.changes">
          <Changes />
        </Labeled>
      </SimpleShowLayout>
    </Show>
  );
}
