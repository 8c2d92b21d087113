// Every device's certificates now, with their renewal window under the issuer's policy: when it
// opens, the deadline (its close), and the last reminder sent. The home page's certificate cards
// link here (opening this month; deadline within 7 days).
import EventIcon from '@mui/icons-material/EventBusy';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const certificateDeadlines: ResourceModule = {
  list: lazy(() => import('./CertificateDeadlineList')),
  icon: EventIcon,
  recordRepresentation: (record: { deviceSerial?: string; serialNumber?: string }) => `${record.deviceSerial ?? ''} ${record.serialNumber ?? ''}`,
};

export default certificateDeadlines;
