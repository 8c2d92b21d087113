// Fields of the back office's records: money in cents as `1.234,56 €`, instants as Rome dates and
// times, calendar days as dd/mm/yyyy, VAT rates, and enumerations as translated chips.
import { Chip, Typography } from '@mui/material';
import { Link, useCreatePath, useFieldValue, useRecordContext, useResourceContext, useTranslate } from 'react-admin';
import { formatDay } from '../dates';
import { formatEuro, formatRate, formatRomeDate, formatRomeDateTime } from '../format';

export interface SourceFieldProps {
  source: string;
  label?: string | false;
  sortable?: boolean;
  /** Shown when the value is missing. */
  empty?: string;
}

const Text = ({ children, strong, ...rest }: { children: React.ReactNode; strong?: boolean; 'data-testid'?: string }) => (
  <Typography component="span" variant="body2" sx={{ whiteSpace: 'nowrap', ...(strong ? { fontWeight: 600 } : {}) }} {...rest}>
    {children}
  </Typography>
);

/** Integer cents as Italian euros. */
export function MoneyField({ source, empty = '', strong }: SourceFieldProps & { strong?: boolean }) {
  const value = useFieldValue({ source });
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return <Text>{empty}</Text>;
  return (
    <Text strong={strong} data-testid={`money-${source}`}>
      {formatEuro(value)}
    </Text>
  );
}

/** An instant shown as date and time in Rome (or the date alone). */
export function DateTimeField({ source, empty = '', dateOnly }: SourceFieldProps & { dateOnly?: boolean }) {
  const value = useFieldValue({ source });
  if (typeof value !== 'string' || !value) return <Text>{empty}</Text>;
  return <Text>{dateOnly ? formatRomeDate(value) : formatRomeDateTime(value)}</Text>;
}

/** A calendar day (`YYYY-MM-DD`) as dd/mm/yyyy. */
export function DayField({ source, empty = '' }: SourceFieldProps) {
  const value = useFieldValue({ source });
  return <Text>{typeof value === 'string' && value ? formatDay(value) : empty}</Text>;
}

/** A VAT rate in basis points: 2200 → 22%. */
export function RateField({ source }: SourceFieldProps) {
  const value = useFieldValue({ source });
  return <Text>{typeof value === 'number' ? formatRate(value) : ''}</Text>;
}

type Tone = 'warning' | 'info' | 'success' | 'error' | 'default' | 'secondary';

/** Light background, dark text: at least 7:1 contrast (WCAG AA asks 4.5:1). */
export const TONE_COLOURS: Record<Tone, { bg: string; fg: string }> = {
  warning: { bg: '#fff3e0', fg: '#7a3d00' },
  info: { bg: '#e3f2fd', fg: '#0b3f73' },
  success: { bg: '#e8f5e9', fg: '#1b5e20' },
  error: { bg: '#ffebee', fg: '#a31515' },
  default: { bg: '#eeeeee', fg: '#333333' },
  secondary: { bg: '#ede7f6', fg: '#3b1f8f' },
};

const TONES: Record<string, Record<string, Tone>> = {
  orderStatus: {
    awaiting_payment: 'warning',
    paid: 'info',
    fulfilled: 'success',
    cancelled: 'default',
    expired: 'default',
    partially_refunded: 'secondary',
    refunded: 'secondary',
  },
  couponState: { issued: 'success', redeemed: 'info', cancelled: 'default', expired: 'default' },
  emailState: { queued: 'info', sent: 'success', retrying: 'warning', failed: 'error' },
  paymentState: { recorded: 'info', matched: 'success', unmatched: 'warning' },
  adjustmentStatus: { pending: 'warning', approved: 'success', rejected: 'default' },
  windowState: { not_yet: 'default', open: 'warning', in_grace: 'error', closed: 'error' },
  replacementStatus: { pending: 'warning', approved: 'info', rejected: 'default', completed: 'success' },
  oldDeviceStatus: { active: 'success', lost: 'warning', suspended: 'warning', terminated: 'error' },
  deviceStatus: { active: 'success', lost: 'error', suspended: 'warning', terminated: 'default' },
  certificateStatus: { active: 'success', revoked: 'error' },
  renewalState: { in_progress: 'info', failed: 'error', completed: 'success', abandoned: 'default' },
};

/** The translated label of an enumeration's value: `app.enums.<name>.<value>`. */
export function useEnumLabel() {
  const translate = useTranslate();
  return (name: string, value: unknown) =>
    value === null || value === undefined || value === '' ? '' : translate(`app.enums.${name}.${String(value)}`, { _: String(value) });
}

/** A value of an enumeration as a chip (`chip`) or as text, translated. */
export function EnumField({ source, name, chip = true }: SourceFieldProps & { name: string; chip?: boolean }) {
  const value = useFieldValue({ source });
  const label = useEnumLabel()(name, value);
  if (!label) return null;
  if (!chip) return <Text>{label}</Text>;
  return <ToneChip tone={TONES[name]?.[String(value)] ?? 'default'} label={label} testId={`${name}-${String(value)}`} />;
}

export function ToneChip({ tone, label, testId }: { tone: Tone; label: string; testId?: string }) {
  const { bg, fg } = TONE_COLOURS[tone];
  return <Chip size="small" label={label} data-testid={testId} sx={{ bgcolor: bg, color: fg, fontWeight: 600 }} />;
}

/** A JSON value, pretty-printed (audit data). */
export function JsonField({ source }: SourceFieldProps) {
  const value = useFieldValue({ source });
  return (
    <Typography component="pre" variant="body2" sx={{ m: 0, fontFamily: 'monospace', fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
      {JSON.stringify(value, null, 2)}
    </Typography>
  );
}

/** Renders its children only when the record has a value at `source`. */
export function IfValue({ source, children }: { source: string; children: React.ReactNode }) {
  const record = useRecordContext();
  const value = record?.[source];
  return value === null || value === undefined || value === '' ? null : <>{children}</>;
}

/**
 * The record's show page as a link (the first column of a list): rows open on a click, and with
 * this link also from the keyboard (Tab, Enter), which react-admin's clickable rows do not offer.
 */
export function ShowLink({ source, children }: { source?: string; label?: string; children?: React.ReactNode }) {
  const record = useRecordContext();
  const resource = useResourceContext();
  const createPath = useCreatePath();
  if (!record || !resource) return null;
  const text = children ?? (source ? String(record[source] ?? '') : String(record.id));
  return (
    <Link to={createPath({ resource, id: record.id, type: 'show' })} onClick={(e: React.MouseEvent) => e.stopPropagation()}>
      {text}
    </Link>
  );
}
