// "Esporta CSV" links to the export with the list's filter as the list sends it: a day picked for
// an instant (the orders' placedAt) is that day in Rome, empty filters are dropped, the sort kept.
import { describe, expect, it } from 'vitest';
import { exportCsvHref } from '../../admin-ui/src/components/exportCsv';

describe('the export link', () => {
  it('passes the filter as the list sends it, the sort, and the dialect', () => {
    const href = exportCsvHref('orders', { status: 'paid', q: '', placedAt_gte: '2026-11-01' }, { field: 'placedAt', order: 'DESC' }, 'it');
    const url = new URL(href, 'http://console');
    expect(url.pathname).toBe('/api/orders/export.csv');
    expect(JSON.parse(url.searchParams.get('filter')!)).toEqual({ status: 'paid', placedAt_gte: '2026-10-31T23:00:00.000Z' });
    expect(url.searchParams.get('sort')).toBe('["placedAt","DESC"]');
    expect(url.searchParams.get('locale')).toBe('it');
    expect(new URL(exportCsvHref('payments', {}, undefined, 'en'), 'http://console').search).toBe('?locale=default');
  });
});
