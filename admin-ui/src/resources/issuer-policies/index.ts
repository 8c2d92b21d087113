// Issuer policies: each certificate issuer's renewal rules (window, new validity, pay-after and its
// fee). Everyone who reads business data sees them; supervisors and admins set them.
import PolicyIcon from '@mui/icons-material/Policy';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const issuerPolicies: ResourceModule = {
  list: lazy(() => import('./PolicyList')),
  show: lazy(() => import('./PolicyShow')),
  edit: lazy(() => import('./PolicyEdit')),
  create: lazy(() => import('./PolicyCreate')),
  icon: PolicyIcon,
  recordRepresentation: (record: { issuerName?: string; id?: string }) => record.issuerName ?? record.id ?? '',
};

export default issuerPolicies;
