// Movements of the prepaid accounts. Not in the menu: shown on each customer's page.
import AccountBalanceWalletIcon from '@mui/icons-material/AccountBalanceWallet';
import type { ResourceModule } from '../types';

const prepaidMovements: ResourceModule = {
  icon: AccountBalanceWalletIcon,
  recordRepresentation: (record: { id?: string }) => record.id ?? '',
};

export default prepaidMovements;
