// Days to the earliest certificate expiry, highlighted: past the renewal deadline (more than 24 h
// after expiry: a replacement card is needed), expired but still renewable, within 30 days.
import { useRecordContext, useTranslate } from 'react-admin';
import { ToneChip } from './fields';

export const NEAR_DAYS = 30;

export function ExpiryField(_props: { source?: string; label?: string }) {
  const record = useRecordContext<{ daysToExpiry?: number | null; pastDeadline?: boolean | null; expiresAt?: string | null }>();
  const translate = useTranslate();
  if (!record || record.daysToExpiry === null || record.daysToExpiry === undefined) return null;
  const days = record.daysToExpiry;
  if (record.pastDeadline) return <ToneChip tone="error" label={translate('app.devices.past_deadline', { days: -days })} testId="expiry-past-deadline" />;
  if (days < 0) return <ToneChip tone="error" label={translate('app.devices.in_grace')} testId="expiry-in-grace" />;
  if (days <= NEAR_DAYS) return <ToneChip tone="warning" label={translate('app.devices.days_left', { smart_count: days })} testId="expiry-near" />;
  return <ToneChip tone="default" label={translate('app.devices.days_left', { smart_count: days })} testId="expiry-ok" />;
}
