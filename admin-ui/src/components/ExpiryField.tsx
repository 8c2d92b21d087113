// A device's renewal window now, under its issuer's policy (windowState, computed by the read API
// from the window the read model stores): closed (past the deadline: a replacement card), in grace
// (expired, still renewable until the window closes, shown in Rome time), open (with the days to
// the expiry), or not yet open (with the days to the expiry).
import { useRecordContext, useTranslate } from 'react-admin';
import type { WindowState } from '../../../domain/certificates/renewalWindow';
import { formatRomeDate, formatRomeDateTime } from '../format';
import { ToneChip } from './fields';

export function ExpiryField(_props: { source?: string; label?: string }) {
  const record = useRecordContext<{ daysToExpiry?: number | null; windowState?: WindowState | null; windowOpensAt?: string | null; windowClosesAt?: string | null }>();
  const translate = useTranslate();
  if (!record || record.daysToExpiry === null || record.daysToExpiry === undefined) return null;
  const days = record.daysToExpiry;
  switch (record.windowState) {
    case 'closed':
      return <ToneChip tone="error" label={translate('app.devices.past_deadline')} testId="expiry-past-deadline" />;
    case 'in_grace':
      return (
        <ToneChip tone="error" label={translate('app.devices.in_grace', { at: record.windowClosesAt ? formatRomeDateTime(record.windowClosesAt) : '' })} testId="expiry-in-grace" />
      );
    case 'open':
      return <ToneChip tone="warning" label={translate('app.devices.window_open', { smart_count: days })} testId="expiry-near" />;
    default:
      return (
        <ToneChip
          tone="default"
          label={translate('app.devices.window_not_yet', { smart_count: days, at: record.windowOpensAt ? formatRomeDate(record.windowOpensAt) : '' })}
          testId="expiry-ok"
        />
      );
  }
}
