// Customers: persons, Registration Officers and firms who buy; their prepaid account, devices and
// orders. Everyone but admins reads them; the desk registers them and changes their e-mail; the
// desk and the accountants top up prepaid accounts; accountants and supervisors request manual
// adjustments, which another supervisor approves (resources/prepaid-adjustments).
import ContactsIcon from '@mui/icons-material/Contacts';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const customers: ResourceModule = {
  list: lazy(() => import('./CustomerList')),
  show: lazy(() => import('./CustomerShow')),
  create: lazy(() => import('./CustomerCreate')),
  icon: ContactsIcon,
  recordRepresentation: (record: { fullName?: string; name?: string }) => record.fullName || record.name || '',
};

export default customers;
