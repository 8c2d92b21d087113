// The renewal reminders sent (issue #16): per certificate and offset before its deadline, to whom
// and when. Read only: the reminders reactor sends them; the e-mails themselves are in `emails`.
import NotificationsIcon from '@mui/icons-material/NotificationsActive';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const reminders: ResourceModule = {
  list: lazy(() => import('./ReminderList')),
  show: lazy(() => import('./ReminderShow')),
  icon: NotificationsIcon,
  recordRepresentation: (record: { deviceSerial?: string; offsetDays?: number }) => `${record.deviceSerial ?? ''} −${record.offsetDays ?? ''}`,
};

export default reminders;
