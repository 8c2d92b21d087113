// Replacement cards (issue #16): the desk opens a request for a device past its deadline, lost,
// stolen or broken (here or from the device's page); a supervisor other than the one who opened it
// approves or rejects it with a note; once approved the new device is recorded here, and the old one
// is revoked and terminated. The list is the pending queue with its age, oldest first.
import SwapHorizIcon from '@mui/icons-material/SwapHoriz';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const replacementRequests: ResourceModule = {
  list: lazy(() => import('./RequestList')),
  show: lazy(() => import('./RequestShow')),
  create: lazy(() => import('./RequestCreate')),
  icon: SwapHorizIcon,
  recordRepresentation: (record: { deviceSerial?: string }) => record.deviceSerial ?? '',
};

export default replacementRequests;
