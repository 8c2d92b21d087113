// Every route plugin of the API, registered by app.ts in this order: one folder per area under
// server/features/ (its routes, service, reactors). Every route has a row in
// server/security/routeTable.ts; commands answer with their result and `position` after the read
// models have caught up with it (server/read/readYourWrites.ts). Add an area's routes here.
import type { FastifyPluginAsync } from 'fastify';
import read from '../read/routes';
import caReports from './caReports/routes';
import bankStatements from './bankStatements/routes';
import catalogue from './catalogue/routes';
import issuerPolicies from './certificates/routes';
import coupons from './coupons/routes';
import publicPages from './coupons/publicPages';
import customers from './customers/routes';
import dashboard from './dashboard/routes';
import devices from './devices/routes';
import deviceLife from './devices/lifeRoutes';
import emails from './emails/routes';
import exportsCsv from './exports/routes';
import invoicing from './invoicing/routes';
import history from './history/routes';
import health from './operations/health';
import metrics from './operations/metrics';
import projections from './operations/projections';
import parkedEvents from './operations/parkedEvents';
import orders from './orders/routes';
import payments from './payments/routes';
import renewals from './renewals/routes';
import sdiReceipts from './sdi/routes';
import replacements from './replacements/routes';
import auth from './staff/authRoutes';
import vatRegister from './vatRegister/routes';
import logVerification from './logVerification/routes';
import staff from './staff/routes';

export const routePlugins: FastifyPluginAsync[] = [
  health,
  metrics,
  auth,
  staff,
  read,
  dashboard,
  customers,
  catalogue,
  issuerPolicies,
  devices,
  deviceLife,
  replacements,
  orders,
  payments,
  emails,
  invoicing,
  vatRegister,
  exportsCsv,
  history,
  coupons,
  caReports,
  bankStatements,
  logVerification,
  sdiReceipts,
  renewals,
  projections,
  parkedEvents,
  publicPages,
];
