// Payments received by transfer, postal slip, card or cheque: matched to an order by the RF
// reference in the reason, or left unmatched for matching by hand. Accountants and supervisors
// record and match them; everyone but admins reads them.
import PaymentsIcon from '@mui/icons-material/Payments';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const payments: ResourceModule = {
  list: lazy(() => import('./PaymentList')),
  show: lazy(() => import('./PaymentShow')),
  create: lazy(() => import('./PaymentCreate')),
  icon: PaymentsIcon,
  recordRepresentation: (record: { payer?: string; receivedOn?: string }) => [record.payer, record.receivedOn].filter(Boolean).join(' – '),
};

export default payments;
