// Every projection of the back office, run by the server (server/plugins/app/projections.ts) and
// rebuilt by the CLI (projections/cli.ts). Add a read model's projection here. The read API
// (server/read/resources.ts) serves their tables; command routes name the ones they wait for
// (server/read/readYourWrites.ts).
import type { Projection } from './projection';
import type { ReadAheadOptions } from './readAhead';
import { auditEventsProjection } from './readModels/auditEvents';
import { certificateDeadlinesProjection } from './readModels/certificateDeadlines';
import { caReportsProjection } from './readModels/caReports';
import { bankStatementImportsProjection } from './readModels/bankStatementImports';
import { couponsProjection } from './readModels/coupons';
import { customersProjection } from './readModels/customers';
import { devicesProjection } from './readModels/devices';
import { deviceEventsProjection } from './readModels/deviceEvents';
import { emailsProjection } from './readModels/emails';
import { invoicesProjection } from './readModels/invoices';
import { issuerPoliciesProjection } from './readModels/issuerPolicies';
import { ordersProjection } from './readModels/orders';
import { paymentsProjection } from './readModels/payments';
import { prepaidAdjustmentsProjection } from './readModels/prepaidAdjustments';
import { prepaidMovementsProjection } from './readModels/prepaidMovements';
import { productsProjection } from './readModels/products';
import { renewalsProjection } from './readModels/renewals';
import { remindersProjection } from './readModels/reminders';
import { replacementRequestsProjection } from './readModels/replacementRequests';
import { staffUsersProjection } from './readModels/staffUsers';

export const projections: Projection<any>[] = [
  customersProjection,
  prepaidMovementsProjection,
  prepaidAdjustmentsProjection,
  devicesProjection,
  deviceEventsProjection,
  productsProjection,
  ordersProjection,
  paymentsProjection,
  invoicesProjection,
  couponsProjection,
  renewalsProjection,
  emailsProjection,
  staffUsersProjection,
  certificateDeadlinesProjection,
  remindersProjection,
  auditEventsProjection,
  issuerPoliciesProjection,
  replacementRequestsProjection,
  caReportsProjection,
  bankStatementImportsProjection,
];

/** The names of the projections, for `answerAfterProjections(request, position, [...])`. */
export const projectionNames = {
  customers: customersProjection.name,
  prepaidMovements: prepaidMovementsProjection.name,
  prepaidAdjustments: prepaidAdjustmentsProjection.name,
  devices: devicesProjection.name,
  deviceEvents: deviceEventsProjection.name,
  products: productsProjection.name,
  orders: ordersProjection.name,
  payments: paymentsProjection.name,
  invoices: invoicesProjection.name,
  coupons: couponsProjection.name,
  renewals: renewalsProjection.name,
  emails: emailsProjection.name,
  staffUsers: staffUsersProjection.name,
  certificateDeadlines: certificateDeadlinesProjection.name,
  reminders: remindersProjection.name,
  auditEvents: auditEventsProjection.name,
  issuerPolicies: issuerPoliciesProjection.name,
  replacementRequests: replacementRequestsProjection.name,
  caReports: caReportsProjection.name,
  bankStatementImports: bankStatementImportsProjection.name,
} as const;

/** A rebuild far behind the log reads it on another thread, which decodes with the back office's catalogue. */
export const readAhead: ReadAheadOptions = { catalogue: { module: new URL('../events/index.ts', import.meta.url), name: 'catalogue' } };
