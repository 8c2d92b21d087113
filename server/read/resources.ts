// Every resource of the read API (GET /api/<name>, GET /api/<name>/:id), as ra-data-simple-rest reads
// them: the view a projection maintains (projections/readModels/), its fields (snake_case SQL →
// camelCase JSON), which ones sort and filter (each backed by an index of the read model), what `q`
// searches, and who may read it (the route table, server/security/routeTable.ts, says the same).
//
// Money is in cents (`…Cents`), VAT rates in basis points (`…Bp`, 2200 = 22 %), times ISO-8601 UTC,
// days `YYYY-MM-DD`.
//
// Each area declares its own in server/features/<area>/read.ts; this is the list, in menu order.
import { auditResources } from '../features/audit/read';
import { caReportsResources } from '../features/caReports/read';
import { bankStatementsResources } from '../features/bankStatements/read';
import { catalogueResources } from '../features/catalogue/read';
import { certificatesResources } from '../features/certificates/read';
import { couponsResources } from '../features/coupons/read';
import { customersResources } from '../features/customers/read';
import { deviceEventsResources, devicesResources } from '../features/devices/read';
import { emailsResources } from '../features/emails/read';
import { invoicingResources } from '../features/invoicing/read';
import { ordersResources } from '../features/orders/read';
import { paymentsResources } from '../features/payments/read';
import { prepaidResources } from '../features/prepaid/read';
import { renewalsResources } from '../features/renewals/read';
import { remindersResources } from '../features/reminders/read';
import { replacementsResources } from '../features/replacements/read';
import { staffResources } from '../features/staff/read';
import type { ResourceSpec } from './listQuery';

export const resources: ResourceSpec[] = [
  ...customersResources,
  ...prepaidResources,
  ...devicesResources,
  ...deviceEventsResources,
  ...replacementsResources,
  ...catalogueResources,
  ...certificatesResources,
  ...ordersResources,
  ...paymentsResources,
  ...invoicingResources,
  ...couponsResources,
  ...caReportsResources,
  ...bankStatementsResources,
  ...renewalsResources,
  ...emailsResources,
  ...remindersResources,
  ...staffResources,
  ...auditResources,
];

export const resourceByName: ReadonlyMap<string, ResourceSpec> = new Map(resources.map((r) => [r.name, r]));
