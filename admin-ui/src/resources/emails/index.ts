// The e-mail outbox: coupon e-mails queued, sent, being retried, given up (with the last error).
// The desk asks for one more try of a failed one.
import EmailIcon from '@mui/icons-material/Email';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const emails: ResourceModule = {
  list: lazy(() => import('./EmailList')),
  show: lazy(() => import('./EmailShow')),
  icon: EmailIcon,
  recordRepresentation: (record: { to?: string | null; id?: string }) => record.to ?? record.id?.slice(0, 8) ?? '',
};

export default emails;
