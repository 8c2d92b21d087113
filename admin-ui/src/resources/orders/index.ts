// Orders: what customers bought, how they pay, the RF reference, the coupons, the invoice. Everyone
// but admins reads them; the desk places (guided wizard or manual lines), cancels unpaid ones,
// takes card payments and resends the codes; supervisors refund unused coupons.
import ShoppingCartIcon from '@mui/icons-material/ShoppingCart';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const orders: ResourceModule = {
  list: lazy(() => import('./OrderList')),
  show: lazy(() => import('./OrderShow')),
  create: lazy(() => import('./OrderCreate')),
  icon: ShoppingCartIcon,
  recordRepresentation: (record: { customerName?: string; placedAt?: string; id?: string }) =>
    record.customerName ? `${record.customerName} – ${record.id?.slice(0, 8) ?? ''}` : record.id?.slice(0, 8) ?? '',
};

export default orders;
