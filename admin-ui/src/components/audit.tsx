// The audit trail as the screens use it: who is who (user ids → names, from the StaffUserCreated
// events the trail itself holds: accountants and supervisors may read the trail but not the staff
// accounts), a record's own history as a table, and a button to the audit log filtered on a stream.
import HistoryIcon from '@mui/icons-material/History';
import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useMemo } from 'react';
import { Button, LinkBase, useGetList, useTranslate } from 'react-admin';
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

/** A short reading of an event's data: amounts, references, names. */
export function summariseData(data: unknown): string {
  if (!data || typeof data !== 'object') return '';
  const d = data as Record<string, unknown>;
  const keys = ['name', 'surname', 'username', 'serial', 'code', 'productCode', 'rfReference', 'method', 'amountCents', 'totalCents', 'reason', 'status', 'email', 'to'];
  const parts: string[] = [];
  for (const key of keys) {
    const value = d[key];
    if (typeof value === 'string' || typeof value === 'number') parts.push(`${key}: ${value}`);
  }
  // Separation of duties: a sensitive staff change says who approved it, or that nobody could.
  const oversight = d.oversight as { approvedBy?: string | null; soleAdmin?: boolean; requestedBy?: string } | undefined;
  if (oversight) {
    parts.push(oversight.soleAdmin ? `⚠ sensitive, sole admin ${oversight.requestedBy ?? ''}, not approved` : `⚠ sensitive, approved by ${oversight.approvedBy ?? '?'}`);
  }
  const totals = d.totals as { totalCents?: number } | undefined;
  if (totals && typeof totals.totalCents === 'number') parts.push(`totalCents: ${totals.totalCents}`);
  return parts.join(' · ');
}

/** The events of some streams, oldest first, with who did each (accountants and supervisors). */
export function AuditTrail({ streams, title }: { streams: string[]; title?: string }) {
  const allowed = useCan('audit-events', 'list');
  const translate = useTranslate();
  const actor = useActorLabel();
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
        <Table size="small" data-testid="audit-trail">
          <TableHead>
            <TableRow>
              <TableCell>{translate('resources.audit-events.fields.at')}</TableCell>
              <TableCell>{translate('resources.audit-events.fields.type')}</TableCell>
              <TableCell>{translate('resources.audit-events.fields.actorId')}</TableCell>
              <TableCell>{translate('resources.audit-events.fields.actorRole')}</TableCell>
              <TableCell>{translate('resources.audit-events.fields.data')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {data.map((row) => (
              <TableRow key={row.id}>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatRomeDateTime(row.at)}</TableCell>
                <TableCell>{row.type}</TableCell>
                <TableCell>{actor(row.actorId, row.actorRole)}</TableCell>
                <TableCell>{translate(`app.enums.actorRole.${row.actorRole}`, { _: row.actorRole })}</TableCell>
                <TableCell sx={{ fontSize: 12 }}>{summariseData(row.data)}</TableCell>
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
