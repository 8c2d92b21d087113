// The audit log: every event with its time, who did it (actor and role), stream, type and data
// (coupon codes and password hashes masked by the server). Accountants and supervisors only.
import ManageSearchIcon from '@mui/icons-material/ManageSearch';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const auditEvents: ResourceModule = {
  list: lazy(() => import('./AuditList')),
  show: lazy(() => import('./AuditShow')),
  icon: ManageSearchIcon,
  recordRepresentation: (record: { id?: number }) => `#${record.id ?? ''}`,
};

export default auditEvents;
