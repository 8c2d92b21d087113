// Renewals of a device's certificates: state, device, holder, payment, the last step; the show
// page has the timeline of its steps (instants in Europe/Rome) and the desk's resume / abandon.
import AutorenewIcon from '@mui/icons-material/Autorenew';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const renewals: ResourceModule = {
  list: lazy(() => import('./RenewalList')),
  show: lazy(() => import('./RenewalShow')),
  icon: AutorenewIcon,
  recordRepresentation: (record: { deviceSerial?: string; id?: string }) => record.deviceSerial ?? record.id?.slice(0, 8) ?? '',
};

export default renewals;
