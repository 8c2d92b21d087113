// Invoices: progressive number per year, totals, the PDF. Read by everyone but admins; they are
// issued by the server when an order is fulfilled, and never changed (credit notes correct them).
import ReceiptIcon from '@mui/icons-material/Receipt';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const invoices: ResourceModule = {
  list: lazy(() => import('./InvoiceList')),
  show: lazy(() => import('./InvoiceShow')),
  icon: ReceiptIcon,
  recordRepresentation: (record: { displayNumber?: string }) => record.displayNumber ?? '',
};

export default invoices;
