// The home page after sign-in: who is signed in and with which roles, and for the roles that read
// business data the day's figures: unpaid orders (count and amount due), today's and this month's
// sales (orders paid), revenue by month (invoices less credit notes, as a chart), certificates
// expiring in the next 30 days, unmatched payments, failed e-mails; for everyone, how far behind
// the read models are (projection lag).
//
// The read API has no aggregate endpoint: counts come from the lists' totals (Content-Range), sums
// from the rows themselves, fetched a thousand at a time (the API's largest page).
import { Alert, Box, Card, CardActionArea, CardContent, Grid, Typography } from '@mui/material';
import { useEffect, useMemo, useState } from 'react';
import {
  LinkBase,
  Title,
  useDataProvider,
  useGetIdentity,
  useLocaleState,
  usePermissions,
  useTranslate,
  type DataProvider,
} from 'react-admin';
import { BarChart } from './components/BarChart';
import type { BackOfficeDataProvider } from './dataProvider';
import { addDays, monthStart, romeDay } from './dates';
import { formatEuro } from './format';
import { READ_ALL, type Role } from './roles';

const PAGE = 1000;
const MAX_PAGES = 20;

interface Aggregate<R> {
  total: number;
  rows: R[];
  /** More rows than were fetched (sums are then lower bounds). */
  partial: boolean;
}

async function fetchAll<R>(dataProvider: DataProvider, resource: string, filter: Record<string, unknown>, sortField: string, withRows: boolean): Promise<Aggregate<R>> {
  const rows: R[] = [];
  let total = 0;
  for (let page = 1; page <= (withRows ? MAX_PAGES : 1); page++) {
    const result = await dataProvider.getList(resource, {
      filter,
      sort: { field: sortField, order: 'ASC' },
      pagination: { page, perPage: withRows ? PAGE : 1 },
    });
    total = result.total ?? result.data.length;
    if (!withRows) return { total, rows: [], partial: false };
    rows.push(...(result.data as R[]));
    if (rows.length >= total || result.data.length < PAGE) return { total, rows, partial: false };
  }
  return { total, rows, partial: rows.length < total };
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
  const today = romeDay();
  const month = monthStart(today);

  const unpaid = useLoad(true, async () => {
    const a = await fetchAll<{ amountDueCents: number }>(dataProvider, 'orders', { status: 'awaiting_payment' }, 'placedAt', true);
    const due = a.rows.reduce((s, r) => s + (r.amountDueCents ?? 0), 0);
    return { main: String(a.total), sub: translate('app.dashboard.amount_due', { amount: formatEuro(due) }) };
  }, []);

  const sales = (from: string) => async () => {
    const a = await fetchAll<{ totalCents: number }>(dataProvider, 'orders', { paidAt_gte: from, paidAt_lte: today }, 'paidAt', true);
    const sum = a.rows.reduce((s, r) => s + (r.totalCents ?? 0), 0);
    return { main: formatEuro(sum), sub: translate('app.dashboard.orders_count', { smart_count: a.total }) };
  };
  const todaySales = useLoad(true, sales(today), [today]);
  const monthSales = useLoad(true, sales(month), [month]);

  const expiring = useLoad(true, async () => {
    const a = await fetchAll(dataProvider, 'devices', { expiringWithinDays: 30 }, 'expiresAt', false);
    return { main: String(a.total), sub: translate('app.dashboard.devices_expiring_sub') };
  }, []);

  const unmatched = useLoad(true, async () => {
    const a = await fetchAll<{ amountCents: number }>(dataProvider, 'payments', { state: 'unmatched' }, 'receivedOn', true);
    return { main: String(a.total), sub: formatEuro(a.rows.reduce((s, r) => s + (r.amountCents ?? 0), 0)) };
  }, []);

  const failed = useLoad(true, async () => {
    const a = await fetchAll(dataProvider, 'emails', { state: 'failed' }, 'queuedAt', false);
    return { main: String(a.total) };
  }, []);

  const first = monthStart(today, -11);
  const revenue = useLoad(true, async () => {
    const [inv, cn] = await Promise.all([
      fetchAll<{ issuedOn: string; totalCents: number }>(dataProvider, 'invoices', { issuedOn_gte: first }, 'issuedOn', true),
      fetchAll<{ issuedOn: string; totalCents: number }>(dataProvider, 'credit-notes', { issuedOn_gte: first }, 'issuedOn', true),
    ]);
    const byMonth = new Map<string, number>();
    for (let i = 0; i < 12; i++) byMonth.set(monthStart(today, i - 11).slice(0, 7), 0);
    for (const r of inv.rows) byMonth.set(r.issuedOn.slice(0, 7), (byMonth.get(r.issuedOn.slice(0, 7)) ?? 0) + r.totalCents);
    for (const r of cn.rows) byMonth.set(r.issuedOn.slice(0, 7), (byMonth.get(r.issuedOn.slice(0, 7)) ?? 0) - r.totalCents);
    return [...byMonth.entries()].map(([key, value]) => ({ key, value }));
  }, [first]);

  const monthName = useMemo(() => new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'it-IT', { month: 'short', year: '2-digit', timeZone: 'UTC' }), [locale]);
  const bars =
    revenue.status === 'done'
      ? revenue.value.map(({ key, value }) => ({ label: monthName.format(new Date(`${key}-01T00:00:00Z`)), value, shown: formatEuro(value) }))
      : [];

  return (
    <>
      <Grid container spacing={2} sx={{ mt: 1 }}>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Kpi title="app.dashboard.unpaid" load={unpaid} to={listLink('orders', { status: 'awaiting_payment' })} testId="kpi-unpaid" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Kpi title="app.dashboard.sales_today" load={todaySales} to={listLink('orders', { paidAt_gte: today, paidAt_lte: today })} testId="kpi-today" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6, md: 4 }}>
          <Kpi title="app.dashboard.sales_month" load={monthSales} to={listLink('orders', { paidAt_gte: month, paidAt_lte: today })} testId="kpi-month" />
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
      </Grid>
      <Card variant="outlined" sx={{ mt: 2 }}>
        <CardContent>
          <Typography variant="subtitle2" component="h2" color="text.secondary" gutterBottom>
            {translate('app.dashboard.revenue')}
          </Typography>
          {revenue.status === 'done' ? (
            <BarChart
              bars={bars}
              title={translate('app.dashboard.revenue_title', { from: monthName.format(new Date(`${first}T00:00:00Z`)), to: monthName.format(new Date(`${addDays(today, 0)}T00:00:00Z`)) })}
              caption={{ label: translate('app.dashboard.month'), value: translate('app.dashboard.revenue') }}
            />
          ) : revenue.status === 'error' ? (
            <Typography color="error">{revenue.message}</Typography>
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

export function Dashboard() {
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  const { permissions } = usePermissions<Role[]>();
  const roles = permissions ?? [];
  const labels = roles.map((role) => translate(`app.roles.${role}`, { _: role }));
  const readsBusiness = roles.some((r) => READ_ALL.includes(r));
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
      <ProjectionLag />
    </Box>
  );
}
