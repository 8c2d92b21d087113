// Signature devices sold by this reseller (smart cards, USB tokens) with their certificates and the
// days to the earliest expiry. The desk registers them one by one or imports the issuer's CSV.
import UsbIcon from '@mui/icons-material/Usb';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const devices: ResourceModule = {
  list: lazy(() => import('./DeviceList')),
  show: lazy(() => import('./DeviceShow')),
  create: lazy(() => import('./DeviceCreate')),
  icon: UsbIcon,
  recordRepresentation: (record: { id?: string }) => record.id ?? '',
};

export default devices;
