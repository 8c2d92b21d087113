// Every resource of the console, by the name of its API resource (`/api/<name>`). To add one:
// create resources/<name>/index.ts (see staff-users), add it here, say who may use it in access.ts,
// add its labels to i18n/it.ts and i18n/en.ts under `resources.<name>`.
import auditEvents from './audit-events';
import bankStatements from './bank-statements';
import caReports from './ca-reports';
import coupons from './coupons';
import creditNotes from './credit-notes';
import certificateDeadlines from './certificate-deadlines';
import customers from './customers';
import devices from './devices';
import emails from './emails';
import history from './history';
import invoices from './invoices';
import issuerPolicies from './issuer-policies';
import orders from './orders';
import payments from './payments';
import prepaidAdjustments from './prepaid-adjustments';
import prepaidMovements from './prepaid-movements';
import products from './products';
import replacementRequests from './replacement-requests';
import renewals from './renewals';
import reminders from './reminders';
import staffChangeRequests from './staff-change-requests';
import staffUsers from './staff-users';
import vatRegister from './vat-register';
import logVerification from './log-verification';
import type { ResourceModule } from './types';

/** In the menu's order (those without a list are not in the menu). */
export const resources: Readonly<Record<string, ResourceModule>> = {
  customers,
  devices,
  'replacement-requests': replacementRequests,
  orders,
  renewals,
  payments,
  'bank-statements': bankStatements,
  'prepaid-adjustments': prepaidAdjustments,
  invoices,
  'credit-notes': creditNotes,
  'vat-register': vatRegister,
  coupons,
  'ca-reports': caReports,
  emails,
  reminders,
  'certificate-deadlines': certificateDeadlines,
  products,
  'issuer-policies': issuerPolicies,
  'audit-events': auditEvents,
  'log-verification': logVerification,
  'staff-users': staffUsers,
  'staff-change-requests': staffChangeRequests,
  'prepaid-movements': prepaidMovements,
  history,
};

export type { ResourceModule } from './types';
