import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import CancelIcon from '@mui/icons-material/Cancel';
import { Box, List as MuiList, ListItem, ListItemText, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { Labeled, ReferenceField, Show, SimpleShowLayout, TextField, TextInput, TopToolbar, required, useRecordContext, useTranslate } from 'react-admin';
import { HistoryButton, useActorLabel } from '../../components/audit';
import { CommandDialog } from '../../components/CommandDialog';
import { DateTimeField, EnumField, MoneyField, useEnumLabel } from '../../components/fields';
import { formatRomeDateTime } from '../../format';

interface TimelineEntry {
  at: string;
  what: string;
  by: string | null;
  byName?: string | null;
  certificateKind?: string | null;
  step?: string | null;
  detail?: string | null;
}

interface RenewalRecord {
  id: string;
  state: string;
  timeline?: TimelineEntry[];
  newCertificates?: { kind: string; serialNumber: string; validFrom: string; validUntil: string }[] | null;
}

function ResumeButton() {
  const record = useRecordContext<RenewalRecord>();
  const translate = useTranslate();
  if (!record || record.state !== 'failed') return null;
  return (
    <CommandDialog
      label="app.renewals.resume"
      icon={<PlayArrowIcon />}
      path={`renewals/${record.id}/resume`}
      toBody={() => ({})}
      access={{ resource: 'renewals', action: 'resume' }}
      success="app.renewals.resumed"
      description={translate('app.renewals.resume_help')}
    />
  );
}

function AbandonButton() {
  const record = useRecordContext<RenewalRecord>();
  const translate = useTranslate();
  if (!record || (record.state !== 'in_progress' && record.state !== 'failed')) return null;
  return (
    <CommandDialog<{ reason: string }>
      label="app.renewals.abandon"
      icon={<CancelIcon />}
      color="error"
      path={`renewals/${record.id}/abandon`}
      access={{ resource: 'renewals', action: 'abandon' }}
      success="app.renewals.abandoned"
      description={translate('app.renewals.abandon_help')}
    >
      <TextInput source="reason" label="app.renewals.abandon_reason" validate={required()} fullWidth multiline />
    </CommandDialog>
  );
}

function Actions() {
  const record = useRecordContext<RenewalRecord>();
  return (
    <TopToolbar>
      <ResumeButton />
      <AbandonButton />
      <HistoryButton stream={record ? `renewal-${record.id}` : null} />
    </TopToolbar>
  );
}

/** The renewal's steps as they happened, instants in Europe/Rome. */
function Timeline() {
  const record = useRecordContext<RenewalRecord>();
  const translate = useTranslate();
  const enumLabel = useEnumLabel();
  const actorLabel = useActorLabel();
  if (!record?.timeline) return null;
  return (
    <Box>
      <Typography variant="subtitle2">{translate('app.renewals.timeline')}</Typography>
      <MuiList dense aria-label={translate('app.renewals.timeline')} data-testid="renewal-timeline">
        {record.timeline.map((entry, i) => {
          const what =
            entry.what === 'step'
              ? `${enumLabel('certificateKind', entry.certificateKind ?? '')}: ${enumLabel('renewalStep', entry.step ?? '')}`
              : translate(`app.renewals.event.${entry.what}`);
          const detail = [entry.what === 'failed' && entry.step ? enumLabel('renewalStep', entry.step) : null, entry.what === 'fee_ordered' || entry.what === 'fee_paid' ? null : entry.detail, entry.byName ?? (entry.by ? actorLabel(entry.by) : null)].filter(Boolean).join(' · ');
          return (
            <ListItem key={i} disableGutters>
              <ListItemText primary={`${formatRomeDateTime(entry.at)} — ${what}`} secondary={detail || null} />
            </ListItem>
          );
        })}
      </MuiList>
    </Box>
  );
}

function NewCertificates() {
  const record = useRecordContext<RenewalRecord>();
  const enumLabel = useEnumLabel();
  if (!record?.newCertificates?.length) return null;
  return (
    <MuiList dense>
      {record.newCertificates.map((c) => (
        <ListItem key={c.kind} disableGutters>
          <ListItemText primary={`${enumLabel('certificateKind', c.kind)}: ${c.serialNumber}`} secondary={`${formatRomeDateTime(c.validFrom)} → ${formatRomeDateTime(c.validUntil)}`} />
        </ListItem>
      ))}
    </MuiList>
  );
}

/** A labelled field shown only when the record has a value at `when` (no empty labels). */
function When({ when, children }: { when: string; children: ReactNode }) {
  const record = useRecordContext();
  const value = record?.[when];
  if (value === null || value === undefined || value === '') return null;
  return <>{children}</>;
}

export default function RenewalShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <EnumField source="state" name="renewalState" />
        <ReferenceField source="deviceSerial" reference="devices" link="show" />
        <TextField source="holderCodiceFiscale" />
        <EnumField source="paymentMode" name="renewalPaymentMode" chip={false} />
        <DateTimeField source="startedAt" />
        <Details />
        <Timeline />
      </SimpleShowLayout>
    </Show>
  );
}

/** What only some renewals have: the customer, the fee, the reasons, the completion, the fee order. */
function Details(_props: { label?: string }) {
  return (
    <Stack spacing={1}>
      <When when="customerId">
        <Labeled source="customerId">
          <ReferenceField source="customerId" reference="customers" link="show" />
        </Labeled>
      </When>
      <When when="feeCents">
        <Labeled source="feeCents">
          <MoneyField source="feeCents" />
        </Labeled>
      </When>
      <When when="partialReason">
        <Labeled source="partialReason">
          <TextField source="partialReason" />
        </Labeled>
      </When>
      <When when="failureReason">
        <Labeled source="failureReason">
          <TextField source="failureReason" />
        </Labeled>
      </When>
      <When when="completedAt">
        <Labeled source="completedAt">
          <DateTimeField source="completedAt" />
        </Labeled>
      </When>
      <When when="newCertificates">
        <Labeled source="newCertificates">
          <NewCertificates />
        </Labeled>
      </When>
      <When when="abandonReason">
        <Labeled source="abandonReason">
          <TextField source="abandonReason" />
        </Labeled>
      </When>
      <When when="feeOrderId">
        <Labeled source="feeOrderId">
          <ReferenceField source="feeOrderId" reference="orders" link="show" />
        </Labeled>
        <Labeled source="feePaidAt">
          <DateTimeField source="feePaidAt" empty="—" />
        </Labeled>
      </When>
    </Stack>
  );
}
