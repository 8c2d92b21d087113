// The pagination of every list (the theme's default for <List>, theme.ts): react-admin's own, except
// when the server did not count the whole total (more rows match than it counts, LIST_COUNT_CAP on
// the server): then it reads "1–25 di più di 10.000" and the next page stays reachable.
import { Pagination, useListContext, useLocaleState, useTranslate, type PaginationProps } from 'react-admin';

export function ListPagination(props: PaginationProps) {
  const { meta } = useListContext();
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const moreThan = typeof meta?.totalMoreThan === 'number' ? (meta.totalMoreThan as number) : null;
  if (moreThan === null) return <Pagination {...props} />;
  const count = moreThan.toLocaleString(locale === 'it' ? 'it-IT' : 'en-GB');
  const label = ({ from, to }: { from: number; to: number }) => translate('app.pagination.more_than', { from, to, count });
  // Pagination hands its other props to MUI's TablePagination, whose label this is (not in its types).
  const more = { labelDisplayedRows: label } as Partial<PaginationProps>;
  return <Pagination {...props} {...more} />;
}
