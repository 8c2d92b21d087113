// Time travel on the console: a record's state as of an instant and what changed between two, from
// GET /api/history/:kind/:id (folded by the server from the event store). The user picks instants
// on the Rome wall clock (to the second); they go to the API in UTC. Amounts in euro with a comma,
// times in Rome, field and event names in the console's language.
import HistoryToggleOffIcon from '@mui/icons-material/HistoryToggleOff';
import { Alert, Box, Card, CardContent, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { Button, LinkBase, Title, useDataProvider, useParams, useTranslate } from 'react-admin';
import { pad2, romeInstant, romeWallClock } from '../../../domain/shared/romeCalendar';
import type { BackOfficeDataProvider } from '../dataProvider';
import { formatDay } from '../dates';
import { formatEuro, formatRate, formatRomeDateTime } from '../format';
import { useCan } from './access';
import { useEventWords } from './audit';

export type HistoryKind = 'order' | 'customer' | 'prepaid' | 'invoice';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface EventLine {
  type: string;
  at: string;
  short: string;
  /** Absent from a server older than this console. */
  data?: unknown;
}
interface StateAsOf {
  asOf: string;
  state: { [key: string]: Json };
  events: EventLine[];
}
interface Changes {
  from: string;
  to: string;
  changes: { path: string; before: Json; after: Json }[];
  events: EventLine[];
}

/** The resource whose readers may read a kind's past (the API's rule: who reads the record today). */
const resourceOf: Record<HistoryKind, string> = { order: 'orders', customer: 'customers', prepaid: 'customers', invoice: 'invoices' };
/** Where the record's own screen is, for the way back. */
const showPathOf: Record<HistoryKind, (id: string) => string> = {
  order: (id) => `/orders/${id}/show`,
  customer: (id) => `/customers/${id}/show`,
  prepaid: (id) => `/customers/${id}/show`,
  invoice: (id) => `/invoices/${id}/show`,
};

/** `YYYY-MM-DDTHH:mm:ss` on the Rome wall clock, as a datetime-local input holds it. */
export function romeInputOf(at: Date | string | number): string {
  const w = romeWallClock(at);
  return `${w.year}-${pad2(w.month)}-${pad2(w.day)}T${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}`;
}

/** The UTC instant of a Rome wall-clock reading (seconds optional); null when it is not one. */
export function utcOfRomeInput(value: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  // Clocks change on the hour: the seconds never cross a change, so they add as they are.
  return new Date(Date.parse(romeInstant(m[1]!, m[2]!)) + Number(m[3] ?? 0) * 1000).toISOString();
}

/**
 * The history page is the show screen of the console's `history` resource, whose ids are
 * `<kind>:<record id>`: /history/order:<id>/show.
 */
export const historyPathOf = (kind: HistoryKind, id: string) => `/history/${encodeURIComponent(`${kind}:${id}`)}/show`;

function parseHistoryId(value: string | undefined): { kind: HistoryKind; id: string } | null {
  const m = /^(order|customer|prepaid|invoice):(.+)$/.exec(value ?? '');
  return m ? { kind: m[1] as HistoryKind, id: m[2]! } : null;
}

/** The button on a record's screen to its history page. */
export function TimeTravelButton({ kind, id, label = 'app.timeTravel.button' }: { kind: HistoryKind; id: string | undefined; label?: string }) {
  const allowed = useCan(resourceOf[kind], 'show');
  if (!allowed || !id) return null;
  return (
    <Button component={LinkBase} to={historyPathOf(kind, id)} label={label}>
      <HistoryToggleOffIcon />
    </Button>
  );
}

function useLabels() {
  const translate = useTranslate();
  const field = (key: string) => translate(`app.timeTravel.fields.${key}`, { _: key });
  const path = (p: string) =>
    p
      .split('.')
      .map((seg) => {
        const m = /^(\w+)((?:\[\d+\])*)$/.exec(seg);
        if (!m) return seg;
        const indexes = [...m[2]!.matchAll(/\[(\d+)\]/g)].map((x) => ` n. ${Number(x[1]) + 1}`).join('');
        return `${field(m[1]!)}${indexes}`;
      })
      .join(' › ');
  const value = (key: string, v: Json): ReactNode => {
    if (v === null || v === '') return '—';
    if (typeof v === 'boolean') return translate(v ? 'app.timeTravel.yes' : 'app.timeTravel.no');
    if (typeof v === 'number') {
      if (/Cents$/.test(key)) return formatEuro(v);
      if (/RateBp$|^rateBp$/.test(key)) return formatRate(v);
      return String(v);
    }
    if (typeof v === 'string') {
      if (/At$/.test(key) && !Number.isNaN(Date.parse(v))) return formatRomeDateTime(v);
      if (/On$/.test(key) && /^\d{4}-\d{2}-\d{2}$/.test(v)) return formatDay(v);
      if (key === 'status') return translate(`app.enums.orderStatus.${v}`, { _: v });
      if (key === 'sdiState') return translate(`app.timeTravel.sdi.${v}`, { _: v });
      if (key === 'paymentMethod' || key === 'method') return translate(`app.enums.paymentMethod.${v}`, { _: v });
      if (key === 'choice') return translate(`app.enums.orderChoice.${v}`, { _: v });
      if (key === 'refundTo') return translate(`app.enums.refundTo.${v}`, { _: v });
      if (key === 'paymentMode') return translate(`app.enums.paymentMode.${v}`, { _: v });
      if (key === 'kind') return translate(`app.timeTravel.customerKind.${v}`, { _: v });
      return v;
    }
    if (Array.isArray(v)) {
      if (v.length === 0) return translate('app.timeTravel.none');
      return (
        <Box component="ol" sx={{ m: 0, pl: 2 }}>
          {v.map((item, i) => (
            <li key={i}>{value(key, item)}</li>
          ))}
        </Box>
      );
    }
    return Object.entries(v)
      .map(([k, x]) => `${field(k)}: ${String(typeof x === 'object' && x !== null ? JSON.stringify(x) : plain(value(k, x)))}`)
      .join(' · ');
  };
  return { translate, field, path, value };
}

const plain = (node: ReactNode): string => (typeof node === 'string' || typeof node === 'number' ? String(node) : '');

function EventsTable({ events, label }: { events: EventLine[]; label: string }) {
  const { translate } = useLabels();
  const words = useEventWords();
  if (events.length === 0) return <Typography variant="body2">{translate('app.timeTravel.no_events')}</Typography>;
  return (
    <Table size="small" aria-label={label}>
      <TableHead>
        <TableRow>
          <TableCell>{translate('app.timeTravel.when')}</TableCell>
          <TableCell>{translate('app.timeTravel.event')}</TableCell>
          <TableCell>{translate('app.timeTravel.detail')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {events.map((e, i) => (
          <TableRow key={i}>
            <TableCell>{formatRomeDateTime(e.at)}</TableCell>
            <TableCell>{translate(`app.events.labels.${e.type}`, { _: e.type })}</TableCell>
            <TableCell sx={{ overflowWrap: 'anywhere' }}>{words.summary(e.type, e.data) || e.short}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function InstantInput({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  return (
    <TextField
      type="datetime-local"
      label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      size="small"
      error={utcOfRomeInput(value) === null}
      slotProps={{ inputLabel: { shrink: true }, htmlInput: { step: 1, 'aria-label': label } }}
    />
  );
}

/** The history page of a record: /history/<kind>:<id>/show. */
export function TimeTravelPage() {
  const params = useParams<{ id: string }>();
  const parsed = parseHistoryId(params.id ? decodeURIComponent(params.id) : undefined);
  const kind = parsed?.kind;
  const id = parsed?.id;
  const dataProvider = useDataProvider<BackOfficeDataProvider>();
  const { translate, field, path, value } = useLabels();
  const [asOf, setAsOf] = useState(() => romeInputOf(Date.now()));
  const [from, setFrom] = useState(() => romeInputOf(Date.now() - 24 * 3_600_000));
  const [to, setTo] = useState(() => romeInputOf(Date.now()));
  const [shown, setShown] = useState<StateAsOf | null>(null);
  const [changes, setChanges] = useState<Changes | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [diffError, setDiffError] = useState<string | null>(null);
  if (!kind || !id) return <Alert severity="error">{translate('app.timeTravel.unknown')}</Alert>;
  const base = `history/${kind}/${encodeURIComponent(id)}`;

  const show = () => {
    const at = utcOfRomeInput(asOf);
    if (!at) return;
    setError(null);
    dataProvider
      .query<StateAsOf>(`${base}?asOf=${encodeURIComponent(at)}`)
      .then(({ data }) => setShown(data))
      .catch((e: unknown) => {
        setShown(null);
        setError(errorText(e));
      });
  };
  const compare = () => {
    const f = utcOfRomeInput(from);
    const t = utcOfRomeInput(to);
    if (!f || !t) return;
    setDiffError(null);
    dataProvider
      .query<Changes>(`${base}/diff?from=${encodeURIComponent(f)}&to=${encodeURIComponent(t)}`)
      .then(({ data }) => setChanges(data))
      .catch((e: unknown) => {
        setChanges(null);
        setDiffError(errorText(e));
      });
  };

  const title = `${translate('app.timeTravel.title')}: ${translate(`app.timeTravel.kinds.${kind}`)}`;
  return (
    <Box sx={{ mt: 2 }} data-testid="time-travel">
      <Title title={title} />
      <Stack direction="row" spacing={2} sx={{ mb: 2, alignItems: 'center' }}>
        <Typography variant="h5" component="h1">
          {title}
        </Typography>
        <Button component={LinkBase} to={showPathOf[kind](id)} label="app.timeTravel.back" />
      </Stack>

      <Card component="section" aria-label={translate('app.timeTravel.as_of_title')} sx={{ mb: 2 }}>
        <CardContent>
          <Typography variant="h6" component="h2" gutterBottom>
            {translate('app.timeTravel.as_of_title')}
          </Typography>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mb: 2, alignItems: { sm: 'center' } }}>
            <InstantInput label={translate('app.timeTravel.as_of')} value={asOf} onChange={setAsOf} />
            <Button onClick={show} label="app.timeTravel.show" variant="contained" sx={{ flexShrink: 0, whiteSpace: 'nowrap' }} />
          </Stack>
          {error && <Alert severity="warning">{error}</Alert>}
          {shown && (
            <Box data-testid="state-as-of">
              <Typography variant="body2" sx={{ mb: 1 }}>
                {translate('app.timeTravel.state_at', { at: formatRomeDateTime(shown.asOf) })}
              </Typography>
              <Table size="small" aria-label={translate('app.timeTravel.state')}>
                <TableBody>
                  {Object.entries(shown.state)
                    .filter(([k]) => k !== 'id')
                    .map(([k, v]) => (
                      <TableRow key={k} data-field={k}>
                        <TableCell component="th" scope="row" sx={{ width: '30%' }}>
                          {field(k)}
                        </TableCell>
                        <TableCell>{value(k, v)}</TableCell>
                      </TableRow>
                    ))}
                </TableBody>
              </Table>
              <Typography variant="subtitle1" component="h3" sx={{ mt: 2 }}>
                {translate('app.timeTravel.events_until')}
              </Typography>
              <EventsTable events={shown.events} label={translate('app.timeTravel.events_until')} />
            </Box>
          )}
        </CardContent>
      </Card>

      <Card component="section" aria-label={translate('app.timeTravel.diff_title')}>
        <CardContent>
          <Typography variant="h6" component="h2" gutterBottom>
            {translate('app.timeTravel.diff_title')}
          </Typography>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mb: 2, alignItems: { sm: 'center' } }}>
            <InstantInput label={translate('app.timeTravel.from')} value={from} onChange={setFrom} />
            <InstantInput label={translate('app.timeTravel.to')} value={to} onChange={setTo} />
            <Button onClick={compare} label="app.timeTravel.compare" variant="contained" sx={{ flexShrink: 0, whiteSpace: 'nowrap' }} />
          </Stack>
          {diffError && <Alert severity="warning">{diffError}</Alert>}
          {changes && (
            <Box data-testid="changes">
              {changes.changes.length === 0 ? (
                <Typography variant="body2">{translate('app.timeTravel.no_changes')}</Typography>
              ) : (
                <Table size="small" aria-label={translate('app.timeTravel.changes')}>
                  <TableHead>
                    <TableRow>
                      <TableCell>{translate('app.timeTravel.field')}</TableCell>
                      <TableCell>{translate('app.timeTravel.before')}</TableCell>
                      <TableCell>{translate('app.timeTravel.after')}</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {changes.changes.map((c) => {
                      const leaf = c.path.replace(/\[\d+\]/g, '').split('.').pop() ?? c.path;
                      return (
                        <TableRow key={c.path} data-path={c.path}>
                          <TableCell>{path(c.path)}</TableCell>
                          <TableCell>{value(leaf, c.before)}</TableCell>
                          <TableCell>{value(leaf, c.after)}</TableCell>
                        </TableRow>
                      );
                    })}
                  </TableBody>
                </Table>
              )}
              <Typography variant="subtitle1" component="h3" sx={{ mt: 2 }}>
                {translate('app.timeTravel.events_between')}
              </Typography>
              <EventsTable events={changes.events} label={translate('app.timeTravel.events_between')} />
            </Box>
          )}
        </CardContent>
      </Card>
    </Box>
  );
}
