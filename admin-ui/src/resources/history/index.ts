// Time travel: a record's past (order, customer, prepaid account, invoice), reached by the
// "Cronologia" button of its screen. Not in the menu (no list): its one screen is the show of
// `/history/<kind>:<id>/show` (components/timeTravel.tsx).
import HistoryToggleOffIcon from '@mui/icons-material/HistoryToggleOff';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const history: ResourceModule = {
  show: lazy(() => import('./HistoryShow')),
  icon: HistoryToggleOffIcon,
  recordRepresentation: () => '',
};

export default history;
