// Coupons: each pays for one certificate renewal. State, product, order, redemption. The code in
// full only for the desk (operators and supervisors hand it to customers); the others see its last
// group (the server decides). The desk can send an order's codes again.
import ConfirmationNumberIcon from '@mui/icons-material/ConfirmationNumber';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const coupons: ResourceModule = {
  list: lazy(() => import('./CouponList')),
  show: lazy(() => import('./CouponShow')),
  icon: ConfirmationNumberIcon,
  recordRepresentation: (record: { code?: string | null; codeHint?: string }) => record.code ?? record.codeHint ?? '',
};

export default coupons;
