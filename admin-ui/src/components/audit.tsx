// The audit trail as the screens use it: who is who (user ids → names, from the StaffUserCreated
// events the trail itself holds: accountants and supervisors may read the trail but not the staff
// accounts), each event in words (eventSummary.ts) with its raw data behind a toggle, a record's
// own history as a table, and a button to the audit log filtered on a stream.
import HistoryIcon from '@mui/icons-material/History';
import { Box, Button as MuiButton, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useMemo, useState } from 'react';
import { Button, LinkBase, useGetList, useTranslate } from 'react-admin';
import { eventLabel, eventSummary, summaryTools } from '../eventSummary';
import { formatRomeDateTime } from '../format';
import { useCan } from './access';

export interface StaffName {
  username: string;
  displayName: string;
}

export interface AuditRow {
  id: number;
  stream: string;
  type: string;
  at: string;
  actorId: string;
  actorRole: string;
  data: unknown;
}

/** userId → name, for the roles that may read the audit trail (empty for the others). */
export function useStaffDirectory(): { names: Map<string, StaffName>; isPending: boolean } {
  const allowed = useCan('audit-events', 'list');
  const { data, isPending } = useGetList<AuditRow>(
    'audit-events',
    { filter: { type: 'StaffUserCreated' }, pagination: { page: 1, perPage: 1000 }, sort: { field: 'id', order: 'ASC' } },
    { enabled: allowed, staleTime: 60_000 },
  );
  const names = useMemo(() => {
    const map = new Map<string, StaffName>();
    for (const row of data ?? []) {
      const d = row.data as { userId?: string; username?: string; displayName?: string } | null;
      if (d?.userId && d.username) map.set(d.userId, { username: d.username, displayName: d.displayName ?? d.username });
    }
    return map;
  }, [data]);
  return { names, isPending: allowed && isPending };
}

/** "Mario Rossi (m.rossi)", "Sistema", or the id when unknown. */
export function useActorLabel() {
  const translate = useTranslate();
  const { names } = useStaffDirectory();
  return (actorId: string, role?: string) => {
    if (actorId === 'system' || role === 'system') return translate('app.audit.system');
    const name = names.get(actorId);
    return name ? `${name.displayName} (${name.username})` : actorId;
  };
}

/** An event in the chosen language: its label and the one-line summary of its data. */
export function useEventWords() {
  const translate = useTranslate();
  const actor = useActorLabel();
  const tools = summaryTools(translate, (userId) => actor(userId));
  return {
    label: (type: string) => eventLabel(type, translate),
    summary: (type: string, data: unknown) => eventSummary(type, data, translate, tools),
  };
}

/**
 * The event's data as stored (JSON), behind a "Mostra dati" toggle: for the rare question the
 * summary does not answer. A click here does not open the row.
 */
export function RawData({ data }: { data: unknown }) {
  const translate = useTranslate();
  const [open, setOpen] = useState(false);
  return (
    <Box>
      <MuiButton
        size="small"
        variant="text"
        sx={{ p: 0, minWidth: 0, textTransform: 'none' }}
        aria-expanded={open}
        onClick={(event) => {
          event.stopPropagation();
          setOpen(!open);
        }}
      >
        {translate(open ? 'app.events.words.hide_data' : 'app.events.words.show_data')}
      </MuiButton>
      {open ? (
        <Box component="pre" data-testid="raw-data" sx={{ m: 0, fontFamily: 'monospace', fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {JSON.stringify(data, null, 2)}
        </Box>
      ) : null}
    </Box>
  );
}

/** The events of some streams, oldest first, with who did each (accountants and supervisors). */
export function AuditTrail({ streams, title }: { streams: string[]; title?: string }) {
  const allowed = useCan('audit-events', 'list');
  const translate = useTranslate();
  const actor = useActorLabel();
  const words = useEventWords();
  const { data, isPending, error } = useGetList<AuditRow>(
    'audit-events',
    { filter: { stream: streams }, pagination: { page: 1, perPage: 500 }, sort: { field: 'id', order: 'ASC' } },
    { enabled: allowed && streams.length > 0 },
  );
  if (!allowed) return null;
  return (
    <section aria-label={translate(title ?? 'app.audit.record_history')}>
      <Typography variant="h6" component="h2" sx={{ mt: 2, mb: 1 }}>
        {translate(title ?? 'app.audit.record_history')}
      </Typography>
      {error ? <Typography color="error">{translate('ra.notification.http_error')}</Typography> : null}
      {isPending ? <Typography>{translate('ra.page.loading')}</Typography> : null}
      {data && data.length > 0 ? (
        <Table size="small" data-testid="audit-trail" sx={{ "& td": { verticalAlign: "top" } }}>
          <TableHead>
            <TableRow>
              <TableCell>{translate('resources.audit-events.fields.at')}</TableCell>
              <TableCell>{translate('resources.audit-events.fields.type')}</TableCell>
              <TableCell>{translate('resources.audit-events.fields.actorId')}</TableCell>
              <TableCell>{translate('resources.audit-events.fields.data')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {data.map((row) => (
              <TableRow key={row.id}>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatRomeDateTime(row.at)}</TableCell>
                <TableCell>{words.label(row.type)}</TableCell>
                <TableCell>
                  {actor(row.actorId, row.actorRole)}
                  {row.actorRole !== 'system' ? (
                    <Typography variant="caption" component="div" color="text.secondary">
                      {translate(`app.enums.actorRole.${row.actorRole}`, { _: row.actorRole })}
                    </Typography>
                  ) : null}
                </TableCell>
                <TableCell sx={{ overflowWrap: 'anywhere' }}>
                  {words.summary(row.type, row.data)}
                  <RawData data={row.data} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
    </section>
  );
}

/** To the audit log filtered on one stream (accountants and supervisors). */
export function HistoryButton({ stream }: { stream: string | null | undefined }) {
  const allowed = useCan('audit-events', 'list');
  if (!allowed || !stream) return null;
  const search = new URLSearchParams({ filter: JSON.stringify({ stream }), order: 'ASC', sort: 'id' });
  return (
    <Button component={LinkBase} to={{ pathname: '/audit-events', search: `?${search.toString()}` }} label="app.audit.history">
      <HistoryIcon />
    </Button>
  );
}
