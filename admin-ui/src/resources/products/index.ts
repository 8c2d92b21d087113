// The catalogue: coupon products and timestamp packs with their prices (excluding VAT). Everyone
// but admins reads it; supervisors add products, change prices and withdraw products.
import SellIcon from '@mui/icons-material/Sell';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const products: ResourceModule = {
  list: lazy(() => import('./ProductList')),
  show: lazy(() => import('./ProductShow')),
  create: lazy(() => import('./ProductCreate')),
  icon: SellIcon,
  recordRepresentation: (record: { id?: string; description?: string }) => (record.description ? `${record.id} – ${record.description}` : record.id ?? ''),
};

export default products;
