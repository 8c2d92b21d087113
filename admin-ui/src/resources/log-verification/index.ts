// The event log's verification (its hash chain), for the accountants and the admins: a page of its
// own showing when the log was last verified and the result, the head hash to copy, and a button
// to verify now.
import VerifiedUserIcon from '@mui/icons-material/VerifiedUser';
import { lazy } from 'react';
import type { ResourceModule } from '../types';

const logVerification: ResourceModule = {
  list: lazy(() => import('./LogVerificationPage')),
  icon: VerifiedUserIcon,
  recordRepresentation: () => '',
};

export default logVerification;
