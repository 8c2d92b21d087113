// The bank's statements imported (camt.053/camt.054): who imported which file when, and what became
// of each line; the accountants' "Importa estratto conto" upload.
import AccountBalanceIcon from '@mui/icons-material/AccountBalance';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const bankStatements: ResourceModule = {
  list: lazy(() => import('./BankStatementList')),
  show: lazy(() => import('./BankStatementShow')),
  icon: AccountBalanceIcon,
  recordRepresentation: (record: { fileName?: string }) => record.fileName ?? '',
};

export default bankStatements;
