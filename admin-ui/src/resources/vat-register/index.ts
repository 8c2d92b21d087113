// The sales VAT register (registro IVA vendite) of a month or a quarter, for the accountants and the
// supervisors: a page of its own (not a list of records), with its CSV and PDF.
import ReceiptLongIcon from '@mui/icons-material/ReceiptLong';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const vatRegister: ResourceModule = {
  list: lazy(() => import('./VatRegisterPage')),
  icon: ReceiptLongIcon,
  recordRepresentation: () => '',
};

export default vatRegister;
