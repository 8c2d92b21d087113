// The home page after sign-in: who is signed in and with which roles, and for the roles that read
// business data the day's figures: unpaid orders (count and amount due), today's and this month's
// sales (orders paid), revenue by month (invoices less credit notes, as a chart), certificates
// expiring in the next 30 days, unmatched payments, failed e-mails, certificates entering their
// renewal window this month and those whose deadline comes within 7 days, pay-after renewals not
// paid yet, replacement requests waiting for a supervisor; for everyone, how far behind
// the read models are (projection lag) and, with several servers, the events a background process
// parked after failing on every retry.
//
// The figures come summed from the server (GET /api/dashboard), by Rome's days and months; each
// card links to the list it sums (whose day filters are Rome days too: dataProvider.apiFilter).
import { Alert, Box, Button, Card, CardActionArea, CardContent, Grid, Typography } from '@mui/material';
import { useEffect, useMemo, useState } from 'react';
import { LinkBase, Title, useDataProvider, useGetIdentity, useLocaleState, useNotify, usePermissions, useTranslate } from 'react-admin';
import { BarChart } from './components/BarChart';
import type { BackOfficeDataProvider } from './dataProvider';
import { formatEuro, formatRomeDateTime } from './format';
import { roleGroups, type Role } from '../../domain/staff/roles';

/** A number of things and the money they are worth, in cents. */
export interface CountAndCents {
  count: number;
  cents: number;
}

/** The answer of GET /api/dashboard (test/admin-ui/dashboard.test.ts holds it to the server's). */
export interface DashboardFigures {
  /** The Rome day the figures are of, and the first day of its month. */
  today: string;
  monthStart: string;
  /** Orders waiting for payment, and what they still owe. */
  unpaidOrders: CountAndCents;
  /** Orders paid today and this month (Rome days), and their totals. */
  paidToday: CountAndCents;
  paidThisMonth: CountAndCents;
  /** Devices with a certificate renewable now that expires within 30 days. */
  devicesExpiring: number;
  /** Payments received that no order could be found for, and their amount. */
  unmatchedPayments: CountAndCents;
  /** Coupon e-mails given up after their retries. */
  failedEmails: number;
  /** Active certificates whose renewal window (the issuer's policy) opens this Rome month. */
  certificatesOpeningThisMonth: number;
  /** Active certificates, not renewed, whose deadline comes within 7 days. */
  certificatesClosingSoon: number;
  /** Replacement requests waiting for a supervisor's decision, and when the oldest was opened. */
  replacementRequestsWaiting: { count: number; oldestRequestedAt: string | null };
  /** Pay-after renewals completed and not paid yet, and what their fee orders still owe. */
  payAfterUnpaid: CountAndCents;
  /** Per month (`YYYY-MM`, oldest first): invoiced, credited, and the difference. */
  revenueByMonth: Array<{ month: string; invoicedCents: number; creditedCents: number; netCents: number }>;
}

type Load<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'done'; value: T };

function useLoad<T>(enabled: boolean, load: () => Promise<T>, deps: unknown[]): Load<T> {
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setState({ status: 'loading' });
    load()
      .then((value) => live && setState({ status: 'done', value }))
      .catch((error: unknown) => live && setState({ status: 'error', message: error instanceof Error ? error.message : String(error) }));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, ...deps]);
  return state;
}

function Kpi({ title, load, to, testId }: { title: string; load: Load<{ main: string; sub?: string }>; to?: string; testId: string }) {
  const translate = useTranslate();
  const body = (
    <CardContent>
      <Typography variant="subtitle2" component="h2" color="text.secondary" gutterBottom>
        {translate(title)}
      </Typography>
      {load.status === 'loading' ? <Typography>{translate('ra.page.loading')}</Typography> : null}
      {load.status === 'error' ? <Typography color="error">{load.message}</Typography> : null}
      {load.status === 'done' ? (
        <>
          <Typography variant="h5" component="p" data-testid={`${testId}-main`}>
            {load.value.main}
          </Typography>
          {load.value.sub ? (
            <Typography variant="body2" component="p" data-testid={`${testId}-sub`}>
              {load.value.sub}
            </Typography>
          ) : null}
        </>
      ) : null}
    </CardContent>
  );
  return (
    <Card variant="outlined" sx={{ height: '100%' }} data-testid={testId}>
      {to ? (
        <CardActionArea component={LinkBase} to={to} sx={{ height: '100%' }}>
          {body}
        </CardActionArea>
      ) : (
        body
      )}
    </Card>
  );
}

const listLink = (resource: string, filter: Record<string, unknown>) => `/${resource}?${new URLSearchParams({ filter: JSON.stringify(filter) }).toString()}`;

interface ProjectionStatus {
  id: string;
  state: string;
  lagEvents: number;
  lagSeconds: number | null;
}

function Figures() {
  const translate = useTranslate();
  const dataProvider = useDataProvider<BackOfficeDataProvider>();
  const [locale] = useLocaleState();
  const figures = useLoad(true, async () => (await dataProvider.query<DashboardFigures>('dashboard')).data, []);
  const kpi = (shown: (f: DashboardFigures) => { main: string; sub?: string }): Load<{ main: string; sub?: string }> =>
    figures.status === 'done' ? { status: 'done', value: shown(figures.value) } : figures;

  const unpaid = kpi((f) => ({ main: String(f.unpaidOrders.count), sub: translate('app.dashboard.amount_due', { amount: formatEuro(f.unpaidOrders.cents) }) }));
  const sales = (c: CountAndCents) => ({ main: formatEuro(c.cents), sub: translate('app.dashboard.orders_count', { smart_count: c.count }) });
  const todaySales = kpi((f) => sales(f.paidToday));
  const monthSales = kpi((f) => sales(f.paidThisMonth));
  const expiring = kpi((f) => ({ main: String(f.devicesExpiring), sub: translate('app.dashboard.devices_expiring_sub') }));
  const unmatched = kpi((f) => ({ main: String(f.unmatchedPayments.count), sub: formatEuro(f.unmatchedPayments.cents) }));
  const failed = kpi((f) => ({ main: String(f.failedEmails) }));
  const opening = kpi((f) => ({ main: String(f.certificatesOpeningThisMonth), sub: translate('app.dashboard.certificates_opening_sub') }));
  const closing = kpi((f) => ({ main: String(f.certificatesClosingSoon), sub: translate('app.dashboard.certificates_closing_sub') }));
  const payAfter = kpi((f) => ({ main: String(f.payAfterUnpaid.count), sub: translate('app.dashboard.amount_due', { amount: formatEuro(f.payAfterUnpaid.cents) }) }));
  const replacements = kpi((f) => ({
    main: String(f.replacementRequestsWaiting.count),
    sub: f.replacementRequestsWaiting.oldestRequestedAt
      ? translate('app.dashboard.replacements_oldest', { at: formatRomeDateTime(f.replacementRequestsWaiting.oldestRequestedAt) })
      : undefined,
  }));
  const today = figures.status === 'done' ? figures.value.today : null;
  const paidSince = (from: string | null | undefined) =>
    from && today ? listLink('orders', { paidAt_gte: from, paidAt_lte: today }) : undefined;

  const monthName = useMemo(() => new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'it-IT', { month: 'short', year: '2-digit', timeZone: 'UTC' }), [locale]);
  const months = figures.status === 'done' ? figures.value.revenueByMonth : [];
  const bars = months.map(({ month, netCents }) => ({ label: monthName.format(new Date(`${month}-01T00:00:00Z`)), value: netCents, shown: formatEuro(netCents) }));

  return (
    <>
      <Grid container spacing={2} sx={{ mt: 1 }}>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Kpi title="app.dashboard.unpaid" load={unpaid} to={listLink('orders', { status: 'awaiting_payment' })} testId="kpi-unpaid" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Kpi title="app.dashboard.sales_today" load={todaySales} to={paidSince(today)} testId="kpi-today" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Kpi title="app.dashboard.sales_month" load={monthSales} to={paidSince(figures.status === 'done' ? figures.value.monthStart : null)} testId="kpi-month" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Kpi title="app.dashboard.devices_expiring" load={expiring} to={listLink('devices', { expiringWithinDays: 30 })} testId="kpi-expiring" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Kpi title="app.dashboard.unmatched" load={unmatched} to={listLink('payments', { state: 'unmatched' })} testId="kpi-unmatched" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Kpi title="app.dashboard.failed_emails" load={failed} to={listLink('emails', { state: 'failed' })} testId="kpi-failed-emails" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Kpi title="app.dashboard.certificates_opening" load={opening} to={listLink('certificate-deadlines', { opensThisMonth: true })} testId="kpi-certificates-opening" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Kpi title="app.dashboard.certificates_closing" load={closing} to={listLink('certificate-deadlines', { closingWithinDays: 7 })} testId="kpi-certificates-closing" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Kpi title="app.dashboard.pay_after_unpaid" load={payAfter} to={listLink('renewals', { paymentMode: 'pay_after', state: 'completed' })} testId="kpi-pay-after-unpaid" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Kpi title="app.dashboard.replacements_waiting" load={replacements} to={listLink('replacement-requests', { status: 'pending' })} testId="kpi-replacements-waiting" />
        </Grid>
      </Grid>
      <Card variant="outlined" sx={{ mt: 2 }}>
        <CardContent>
          <Typography variant="subtitle2" component="h2" color="text.secondary" gutterBottom>
            {translate('app.dashboard.revenue')}
          </Typography>
          {figures.status === 'done' && months.length > 0 ? (
            <BarChart
              bars={bars}
              title={translate('app.dashboard.revenue_title', { from: bars[0]!.label, to: bars[bars.length - 1]!.label })}
              caption={{ label: translate('app.dashboard.month'), value: translate('app.dashboard.revenue') }}
            />
          ) : figures.status === 'error' ? (
            <Typography color="error">{figures.message}</Typography>
          ) : (
            <Typography>{translate('ra.page.loading')}</Typography>
          )}
        </CardContent>
      </Card>
    </>
  );
}

function ProjectionLag() {
  const translate = useTranslate();
  const dataProvider = useDataProvider<BackOfficeDataProvider>();
  const lag = useLoad(true, async () => (await dataProvider.query<ProjectionStatus[]>('projections')).data, []);
  if (lag.status !== 'done') return null;
  const behind = lag.value.filter((p) => p.lagEvents > 0 || p.state !== 'live');
  const worst = Math.max(0, ...lag.value.map((p) => p.lagEvents));
  const failed = lag.value.filter((p) => p.state === 'failed');
  return (
    <Alert severity={failed.length ? 'error' : behind.length ? 'warning' : 'success'} sx={{ mt: 2 }} data-testid="projection-lag">
      {failed.length
        ? translate('app.dashboard.projections_failed', { names: failed.map((p) => p.id).join(', ') })
        : behind.length
          ? translate('app.dashboard.projections_behind', { smart_count: worst, names: behind.map((p) => p.id).join(', ') })
          : translate('app.dashboard.projections_live', { smart_count: lag.value.length })}
    </Alert>
  );
}

interface ParkedEvents {
  id: string;
  reactor: string;
  parked: number | null;
}

/**
 * With several servers on EventStoreDB: events a background process (reactor) parked after they
 * failed on every retry (server/features/operations/parkedEvents.ts). Shown only when there are
 * some; an admin hands them out again once the cause is fixed.
 */
function ParkedEventsAlert({ isAdmin }: { isAdmin: boolean }) {
  const translate = useTranslate();
  const notify = useNotify();
  const dataProvider = useDataProvider<BackOfficeDataProvider>();
  const [round, setRound] = useState(0);
  const [busy, setBusy] = useState(false);
  const parked = useLoad(true, async () => (await dataProvider.query<ParkedEvents[]>('parked-events')).data, [round]);
  if (parked.status !== 'done') return null;
  const held = parked.value.filter((r) => (r.parked ?? 0) > 0);
  if (held.length === 0) return null;
  const replay = async (reactor: string) => {
    setBusy(true);
    try {
      const { data } = await dataProvider.command<{ replayed: number | null }>(`parked-events/${encodeURIComponent(reactor)}/replay`);
      notify('app.dashboard.parked_replayed', { type: 'info', messageArgs: { smart_count: data.replayed ?? 0, name: translate(`app.reactors.${reactor}`, { _: reactor }) } });
      setRound((n) => n + 1);
    } catch (error) {
      notify(error instanceof Error ? error.message : String(error), { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Alert severity="error" sx={{ mt: 2 }} data-testid="parked-events">
      <Typography>{translate('app.dashboard.parked_title')}</Typography>
      {held.map((r) => (
        <Box key={r.id} sx={{ display: 'flex', alignItems: 'center', gap: 2, mt: 1 }}>
          <Typography data-testid={`parked-${r.reactor}`}>
            {translate('app.dashboard.parked_line', { smart_count: r.parked ?? 0, name: translate(`app.reactors.${r.reactor}`, { _: r.reactor }) })}
          </Typography>
          {isAdmin ? (
            <Button size="small" variant="outlined" disabled={busy} onClick={() => void replay(r.reactor)}>
              {translate('app.dashboard.parked_replay')}
            </Button>
          ) : null}
        </Box>
      ))}
      {isAdmin ? null : (
        <Typography variant="body2" sx={{ mt: 1 }}>
          {translate('app.dashboard.parked_ask_admin')}
        </Typography>
      )}
    </Alert>
  );
}

export function Dashboard() {
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  const { permissions } = usePermissions<Role[]>();
  const roles = permissions ?? [];
  const labels = roles.map((role) => translate(`app.roles.${role}`, { _: role }));
  const readAll: readonly Role[] = roleGroups.readAll;
  const readsBusiness = roles.some((r) => readAll.includes(r));
  return (
    <Box sx={{ mt: 2 }}>
      <Title title="app.dashboard.title" />
      <Card>
        <CardContent>
          <Typography variant="h5" component="h1" gutterBottom>
            {translate('app.dashboard.welcome', { name: identity?.fullName ?? '' })}
          </Typography>
          <Typography data-testid="dashboard-roles">
            {labels.length ? translate('app.dashboard.roles', { roles: labels.join(', ') }) : translate('app.dashboard.no_roles')}
          </Typography>
          {!readsBusiness ? (
            <Typography color="text.secondary" sx={{ mt: 1 }}>
              {translate('app.dashboard.hint')}
            </Typography>
          ) : null}
        </CardContent>
      </Card>
      {readsBusiness ? <Figures /> : null}
      <ParkedEventsAlert isAdmin={roles.includes('admin')} />
      <ProjectionLag />
    </Box>
  );
}
