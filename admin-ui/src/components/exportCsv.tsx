// "Esporta CSV": a link to the server's streamed export of a list (GET /api/<resource>/export.csv,
// server/features/exports/) with the filters and the sort the list shows, so the file holds what
// the screen lists, every page of it. A plain link: the browser downloads with the session cookie,
// nothing is loaded into the page. In Italian the file is for Italian spreadsheets (`locale=it`:
// semicolons, decimal comma, Rome times), in English the plain dialect.
import DownloadIcon from '@mui/icons-material/Download';
import { Button as MuiButton } from '@mui/material';
import { CreateButton, FilterButton, TopToolbar, useListContext, useLocaleState, useResourceContext, useResourceDefinition, useTranslate } from 'react-admin';
import { apiFilter } from '../dataProvider';
import { useCan } from './access';

/** The export's address for a list's filter values and sort. */
export function exportCsvHref(resource: string, filter: Record<string, unknown>, sort: { field: string; order: string } | undefined, locale: string): string {
  const params = new URLSearchParams();
  // As the list sends it (a day picked for an instant is that Rome day), so the file is what the list shows.
  const values = apiFilter(resource, filter);
  if (Object.keys(values).length > 0) params.set('filter', JSON.stringify(values));
  if (sort?.field) params.set('sort', JSON.stringify([sort.field, sort.order]));
  params.set('locale', locale === 'it' ? 'it' : 'default');
  return `/api/${resource}/export.csv?${params.toString()}`;
}

export function ExportCsvButton({ resource, filter, sort }: { resource: string; filter: Record<string, unknown>; sort?: { field: string; order: string } }) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const allowed = useCan(resource, 'export');
  if (!allowed) return null;
  return (
    <MuiButton component="a" href={exportCsvHref(resource, filter, sort, locale)} download size="small" startIcon={<DownloadIcon />} onClick={(e: React.MouseEvent) => e.stopPropagation()}>
      {translate('app.exports.csv')}
    </MuiButton>
  );
}

/** A list's actions (filters, create) with "Esporta CSV" of what it shows. */
export function ListActionsWithExport() {
  const resource = useResourceContext()!;
  const { filterValues, sort } = useListContext();
  const { hasCreate } = useResourceDefinition();
  return (
    <TopToolbar>
      <FilterButton />
      {hasCreate && <CreateButton />}
      <ExportCsvButton resource={resource} filter={filterValues} sort={sort} />
    </TopToolbar>
  );
}
