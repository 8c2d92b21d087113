// THE route table: every route of the API and who may call it. This file is the source of truth:
// the access plugin (server/plugins/app/access.ts) refuses to start the app when a registered route
// is missing here, and checks every request against its row. A route may repeat its access in its
// options (`config: { access: [...] }`); it must then say the same as this table.
//
//   'public'         anyone, without logging in
//   'authenticated'  any logged-in staff user, whatever their roles
//   [roles...]       a logged-in staff user holding at least one of these roles; the command
//                    context records the first role of the list that the user holds
//
// Anonymous requests to a non-public route get 401, users without a listed role 403.
import type { Role } from '../../domain/staff/roles';
import { roleGroups } from '../../domain/staff/roles';

export { roleGroups };

export type Access = 'public' | 'authenticated' | readonly Role[];
export type RateLimitProfile = 'login' | 'couponCheck';

export interface RouteRule {
  access: Access;
  /** A per-client-address rate limit (numbers in SecuritySettings). */
  rateLimit?: RateLimitProfile;
}


export const routeTable: Record<string, RouteRule> = {
  'GET /health': { access: 'public' },
  // Prometheus text format (server/features/operations/metrics.ts): public here because a scraper has
  // no session; the route itself asks for `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise).
  'GET /metrics': { access: 'public' },

  // CORS preflight, answered by @fastify/cors before any handler.
  'OPTIONS *': { access: 'public' },

  // The console (server/plugins/app/console.ts): the built react-admin SPA and its assets, and
  // index.html for any other page a browser asks for. Registered last: every route above wins.
  'GET /*': { access: 'public' },

  // Sessions (server/features/staff/authRoutes.ts)
  'POST /api/auth/login': { access: 'public', rateLimit: 'login' },
  'POST /api/auth/logout': { access: 'authenticated' },
  'GET /api/auth/me': { access: 'authenticated' },
  'GET /api/auth/session': { access: 'public' },
  'POST /api/auth/password': { access: 'authenticated' },

  // Staff accounts: the list and detail are read from the staff-users read model (server/read/routes.ts),
  // the commands are in server/features/staff/routes.ts.
  'GET /api/staff-users': { access: roleGroups.admin },
  'GET /api/staff-users/:id': { access: roleGroups.admin },
  'POST /api/staff-users': { access: roleGroups.admin },
  'POST /api/staff-users/:id/roles': { access: roleGroups.admin },
  'POST /api/staff-users/:id/reset-password': { access: roleGroups.admin },
  'POST /api/staff-users/:id/disable': { access: roleGroups.admin },
  'POST /api/staff-users/:id/enable': { access: roleGroups.admin },
  // Sensitive staff changes waiting for a second admin (server/features/staff/routes.ts, server/features/staff/oversight.ts).
  'GET /api/staff-change-requests': { access: roleGroups.admin },
  'GET /api/staff-change-requests/:id': { access: roleGroups.admin },
  'POST /api/staff-change-requests/:id/approve': { access: roleGroups.admin },
  'POST /api/staff-change-requests/:id/reject': { access: roleGroups.admin },

  // The read API (server/read/routes.ts, resources in server/read/resources.ts): business data for
  // the desk, the approvers and the accountants; the audit trail for accountants and supervisors.
  'GET /api/customers': { access: roleGroups.readAll },
  'GET /api/customers/:id': { access: roleGroups.readAll },
  'GET /api/prepaid-movements': { access: roleGroups.readAll },
  'GET /api/prepaid-movements/:id': { access: roleGroups.readAll },
  'GET /api/prepaid-adjustments': { access: roleGroups.readAll },
  'GET /api/prepaid-adjustments/:id': { access: roleGroups.readAll },
  'GET /api/devices': { access: roleGroups.readAll },
  'GET /api/devices/:id': { access: roleGroups.readAll },
  // A device's timeline (projections/readModels/deviceEvents.ts): ?filter={"serial":"…"}.
  'GET /api/device-events': { access: roleGroups.readAll },
  'GET /api/device-events/:id': { access: roleGroups.readAll },
  'GET /api/replacement-requests': { access: roleGroups.readAll },
  'GET /api/replacement-requests/:id': { access: roleGroups.readAll },
  'GET /api/products': { access: roleGroups.readAll },
  'GET /api/products/:id': { access: roleGroups.readAll },
  'GET /api/orders': { access: roleGroups.readAll },
  'GET /api/orders/:id': { access: roleGroups.readAll },
  'GET /api/payments': { access: roleGroups.readAll },
  'GET /api/payments/:id': { access: roleGroups.readAll },
  'GET /api/invoices': { access: roleGroups.readAll },
  'GET /api/invoices/:id': { access: roleGroups.readAll },
  'GET /api/credit-notes': { access: roleGroups.readAll },
  'GET /api/credit-notes/:id': { access: roleGroups.readAll },
  'GET /api/coupons': { access: roleGroups.readAll },
  'GET /api/coupons/:id': { access: roleGroups.readAll },
  'GET /api/ca-reports': { access: roleGroups.readAll },
  'GET /api/ca-reports/:id': { access: roleGroups.readAll },
  'GET /api/bank-statements': { access: roleGroups.readAll },
  'GET /api/bank-statements/:id': { access: roleGroups.readAll },
  'GET /api/renewals': { access: roleGroups.readAll },
  'GET /api/renewals/:id': { access: roleGroups.readAll },
  'GET /api/emails': { access: roleGroups.readAll },
  'GET /api/emails/:id': { access: roleGroups.readAll },
  'GET /api/reminders': { access: roleGroups.readAll },
  'GET /api/reminders/:id': { access: roleGroups.readAll },
  'GET /api/certificate-deadlines': { access: roleGroups.readAll },
  'GET /api/certificate-deadlines/:id': { access: roleGroups.readAll },
  'GET /api/audit-events': { access: roleGroups.audit },
  'GET /api/audit-events/:id': { access: roleGroups.audit },
  // The console's home-page figures (server/features/dashboard/routes.ts).
  'GET /api/dashboard': { access: roleGroups.readAll },
  // The books (server/features/vatRegister/routes.ts): the sales VAT register of a month or quarter.
  'GET /api/vat-register': { access: roleGroups.books },
  'GET /api/vat-register.csv': { access: roleGroups.books },
  'GET /api/vat-register.pdf': { access: roleGroups.books },
  // CSV exports of lists, with the list's filters (server/features/exports/routes.ts): who reads the list.
  'GET /api/orders/export.csv': { access: roleGroups.readAll },
  'GET /api/payments/export.csv': { access: roleGroups.readAll },
  'GET /api/prepaid-movements/export.csv': { access: roleGroups.readAll },
  'GET /api/audit-events/export.csv': { access: roleGroups.audit },
  'GET /api/invoices/export.csv': { access: roleGroups.readAll },
  'GET /api/credit-notes/export.csv': { access: roleGroups.readAll },
  // Time travel (server/features/history/routes.ts): a record as of an instant, and what changed
  // between two; whoever reads orders, customers, prepaid accounts and invoices today.
  'GET /api/history/:kind/:id': { access: roleGroups.readAll },
  'GET /api/history/:kind/:id/diff': { access: roleGroups.readAll },
  'GET /api/issuer-policies': { access: roleGroups.policyReaders },
  'GET /api/issuer-policies/:id': { access: roleGroups.policyReaders },

  // Projection status and lag (server/features/operations/projections.ts), for whoever wonders why a list lags.
  'GET /api/projections': { access: 'authenticated' },
  // A console screen waiting for the read models after a command answered X-Read-Models-Behind.
  'GET /api/projections/caught-up': { access: 'authenticated' },
  // Events parked by the reactors' persistent-subscription groups, and handing them out again (server/features/operations/parkedEvents.ts).
  'GET /api/parked-events': { access: 'authenticated' },
  'POST /api/parked-events/:reactor/replay': { access: roleGroups.admin },

  // Sales commands (server/features/*/routes.ts).
  'POST /api/customers': { access: roleGroups.desk },
  'POST /api/customers/:id/email': { access: roleGroups.desk },
  'POST /api/customers/:id/sdi-address': { access: roleGroups.desk },
  'POST /api/customers/:id/prepaid/top-ups': { access: roleGroups.topUps },
  // Manual adjustments: staff who keep the books or approve may ask; only a supervisor, never the
  // requester (the decider checks that), approves or rejects.
  'POST /api/customers/:id/prepaid/adjustments': { access: roleGroups.adjustmentRequests },
  'POST /api/customers/:id/prepaid/adjustments/:adjustmentId/approve': { access: roleGroups.approvals },
  'POST /api/customers/:id/prepaid/adjustments/:adjustmentId/reject': { access: roleGroups.approvals },
  'GET /api/customers/:id/prepaid/top-up-quote': { access: roleGroups.topUps },
  'POST /api/products': { access: roleGroups.approvals },
  'POST /api/products/:code/price': { access: roleGroups.approvals },
  'POST /api/products/:code/withdraw': { access: roleGroups.approvals },
  'POST /api/devices': { access: roleGroups.desk },
  'POST /api/devices/import': { access: roleGroups.desk },
  // A device's life (server/features/devices/lifeRoutes.ts): the desk reports it lost, suspends it,
  // makes it active again; only a supervisor terminates it or revokes a certificate by hand.
  'POST /api/devices/:id/report-lost': { access: roleGroups.desk },
  'POST /api/devices/:id/suspend': { access: roleGroups.desk },
  'POST /api/devices/:id/reactivate': { access: roleGroups.desk },
  'POST /api/devices/:id/terminate': { access: roleGroups.approvals },
  'POST /api/devices/:id/certificates/:kind/revoke': { access: roleGroups.approvals },
  // Issuer policies: the whole policy, set (server/features/certificates/routes.ts).
  'PUT /api/issuer-policies/:id': { access: roleGroups.policies },
  // Replacement cards (server/features/replacements/routes.ts): the desk opens a request and records the
  // new device; a supervisor other than the one who opened it (the decider checks that) approves or rejects.
  'POST /api/replacement-requests': { access: roleGroups.desk },
  'POST /api/replacement-requests/:id/approve': { access: roleGroups.approvals },
  'POST /api/replacement-requests/:id/reject': { access: roleGroups.approvals },
  'POST /api/replacement-requests/:id/new-device': { access: roleGroups.desk },
  // A read, so open to the accountants, who read everything (it was desk-only, against the README).
  'GET /api/holders/:codiceFiscale/renewable-devices': { access: roleGroups.readAll },
  'POST /api/orders/quote': { access: roleGroups.desk },
  'POST /api/orders': { access: roleGroups.desk },
  'POST /api/orders/:id/cancel': { access: roleGroups.desk },
  'POST /api/orders/:id/refund': { access: roleGroups.approvals },
  'POST /api/orders/:id/desk-payment': { access: roleGroups.desk },
  'POST /api/orders/:id/resend-coupons': { access: roleGroups.desk },
  // The payment notice of a direct (RF) order: its data for the console, and the PDF with the EPC QR code.
  'GET /api/orders/:id/payment-notice': { access: roleGroups.readAll },
  'GET /api/orders/:id/payment-notice.pdf': { access: roleGroups.readAll },
  'POST /api/payments': { access: roleGroups.payments },
  'POST /api/payments/:id/match': { access: roleGroups.payments },
  // The bank's statement (camt.053/camt.054), each credit line a payment (server/features/bankStatements/routes.ts).
  'POST /api/bank-statements': { access: roleGroups.payments },
  // The event log's hash chain: the last verification and the head, a verification now (server/features/logVerification/routes.ts).
  'GET /api/log-verification': { access: roleGroups.logVerification },
  'POST /api/log-verification': { access: roleGroups.logVerification },
  'POST /api/log-verification/head-email': { access: roleGroups.logVerification },
  // The SdI's receipts of the FatturaPA files (server/features/sdi/routes.ts): the books' keepers,
  // not the admins (no sales route opens to them, see test/server/security/routeTable.test.ts).
  'POST /api/sdi-receipts': { access: roleGroups.books },
  'POST /api/emails/:id/retry': { access: roleGroups.desk },
  // Renewals at the desk (server/features/renewals/routes.ts).
  'POST /api/renewals': { access: roleGroups.desk },
  'POST /api/renewals/:id/steps': { access: roleGroups.desk },
  'POST /api/renewals/:id/fail': { access: roleGroups.desk },
  'POST /api/renewals/:id/resume': { access: roleGroups.desk },
  'POST /api/renewals/:id/complete': { access: roleGroups.desk },
  'POST /api/renewals/:id/abandon': { access: roleGroups.desk },
  'GET /api/invoices/:id/pdf': { access: ['accountant', 'operator', 'supervisor'] },
  'GET /api/credit-notes/:id/pdf': { access: ['accountant', 'operator', 'supervisor'] },
  'GET /api/invoices/:id/xml': { access: ['accountant', 'operator', 'supervisor'] },
  'GET /api/credit-notes/:id/xml': { access: ['accountant', 'operator', 'supervisor'] },
  // A month's FatturaPA files as one zip (server/features/invoicing/routes.ts): who downloads one.
  'GET /api/invoices/xml.zip': { access: ['accountant', 'operator', 'supervisor'] },
  // The CA's report of renewals done elsewhere, as a CSV file (server/features/caReports/routes.ts).
  'POST /api/ca-reports/upload': { access: roleGroups.caReports },

  // "Verifica Stato Coupon": anyone holding a code may check it (server/features/coupons/routes.ts).
  'GET /api/public/coupons/:code/status': { access: 'public', rateLimit: 'couponCheck' },
  // The pages the coupon e-mail links to (server/features/coupons/publicPages.ts): the same check, as a page.
  'GET /rinnovo': { access: 'public' },
  'GET /verifica-coupon': { access: 'public', rateLimit: 'couponCheck' },
  // The CA's signed webhook (server/features/caReports/routes.ts): open to anyone, accepted only with
  // a valid HMAC signature of CA_WEBHOOK_SECRET and a fresh timestamp (401 otherwise, 503 unset).
  'POST /api/ca-reports': { access: 'public' },
};

/**
 * Routes under these prefixes share one rule: the API documentation served by
 * @fastify/swagger-ui. It describes every route, so only admins (and developers logged in as one)
 * see it.
 */
export const prefixRules: ReadonlyArray<{ prefix: string; rule: RouteRule }> = [
  { prefix: '/docs', rule: { access: roleGroups.admin } },
];

/** The rule for a route as Fastify registers it (HEAD routes follow their GET). */
export function ruleFor(method: string, url: string): RouteRule | undefined {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const exact = routeTable[`${m} ${url}`];
  if (exact) return exact;
  return prefixRules.find(({ prefix }) => url === prefix || url.startsWith(`${prefix}/`))?.rule;
}

export function sameAccess(a: Access, b: Access): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((r) => b.includes(r));
}

export function describeAccess(access: Access): string {
  if (access === 'public') return 'anyone';
  if (access === 'authenticated') return 'any logged-in user';
  return access.join(' or ');
}
