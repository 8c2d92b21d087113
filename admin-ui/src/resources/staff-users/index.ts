// Staff users: who may sign in to the console and with which roles. Administrators only.
import PeopleIcon from '@mui/icons-material/People';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const staffUsers: ResourceModule = {
  list: lazy(() => import('./StaffUserList')),
  show: lazy(() => import('./StaffUserShow')),
  create: lazy(() => import('./StaffUserCreate')),
  icon: PeopleIcon,
  recordRepresentation: (record: { displayName?: string; username?: string }) =>
    record.displayName || record.username || '',
};

export default staffUsers;
