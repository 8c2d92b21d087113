// The CA's reports of renewals done elsewhere (the customer renewed at home with the CA's own
// software): each line's outcome, and the accountants' upload of the CA's CSV file.
import FactCheckIcon from '@mui/icons-material/FactCheck';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const caReports: ResourceModule = {
  list: lazy(() => import('./CaReportList')),
  show: lazy(() => import('./CaReportShow')),
  icon: FactCheckIcon,
  recordRepresentation: (record: { id?: string }) => record.id ?? '',
};

export default caReports;
