// Staff change requests: the sensitive staff changes (a sales role for an admin account, a password
// reset) waiting for a second admin's approval (README, Security). Administrators only.
import FactCheckIcon from '@mui/icons-material/FactCheck';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const staffChangeRequests: ResourceModule = {
  list: lazy(() => import('./StaffChangeRequestList')),
  icon: FactCheckIcon,
  recordRepresentation: (record: { id?: string }) => record.id ?? '',
};

export default staffChangeRequests;
