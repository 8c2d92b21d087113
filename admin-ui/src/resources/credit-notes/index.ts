// Credit notes: refunds of unused coupons, against an invoice, with their own progressive number per
// year and their PDF. Read by everyone but admins.
import ReceiptLongIcon from '@mui/icons-material/ReceiptLong';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const creditNotes: ResourceModule = {
  list: lazy(() => import('./CreditNoteList')),
  show: lazy(() => import('./CreditNoteShow')),
  icon: ReceiptLongIcon,
  recordRepresentation: (record: { displayNumber?: string }) => record.displayNumber ?? '',
};

export default creditNotes;
