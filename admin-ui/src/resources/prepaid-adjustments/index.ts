// Manual adjustments of the prepaid accounts (four eyes): requested on a customer's page by an
// accountant or a supervisor; another supervisor approves (the money is credited then) or rejects
// them here. Everyone but admins reads them.
import PlaylistAddCheckIcon from '@mui/icons-material/PlaylistAddCheck';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const prepaidAdjustments: ResourceModule = {
  list: lazy(() => import('./AdjustmentList')),
  show: lazy(() => import('./AdjustmentShow')),
  icon: PlaylistAddCheckIcon,
  recordRepresentation: (record: { reason?: string }) => record.reason ?? '',
};

export default prepaidAdjustments;
