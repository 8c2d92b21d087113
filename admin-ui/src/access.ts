// Who may do what in the console: for each resource (by the name of its API resource, as in
// resources/index.ts), the roles allowed each action (`list`, `show`, `create`, `edit`, `delete`,
// `export`, or one of the back office's own: `refund`, `topUp`…), `'*'` for every action not named.
// A resource not listed here: every signed-in staff member.
//
// The same rules as the server's route table (server/security/routeTable.ts), in the role groups of
// domain/staff/roles.ts; test/admin-ui/access.test.ts checks that the two agree. The menu, the routes
// and react-admin's buttons follow them (authProvider.canAccess), the screens' own buttons too
// (components/access.ts, useCan); the server refuses anything else anyway (403).
import { roleGroups, type Role } from '../../domain/staff/roles';

/** The roles allowed each action of one resource. */
export type ResourceAccess = Readonly<Record<string, readonly Role[]>>;

const { adjustmentRequests, admin, approvals, audit, books, caReports, desk, logVerification, payments, policies, policyReaders, readAll, topUps } = roleGroups;

export const access: Readonly<Record<string, ResourceAccess>> = {
  customers: { create: desk, changeEmail: desk, sdiAddress: desk, topUp: topUps, requestAdjustment: adjustmentRequests, '*': readAll },
  devices: { create: desk, import: desk, reportLost: desk, suspend: desk, reactivate: desk, terminate: approvals, revoke: approvals, '*': readAll },
  'device-events': { '*': readAll },
  'replacement-requests': { create: desk, recordDevice: desk, approve: approvals, reject: approvals, '*': readAll },
  orders: { create: desk, cancel: desk, deskPayment: desk, resend: desk, refund: approvals, '*': readAll },
  renewals: { resume: desk, abandon: desk, '*': readAll },
  payments: { create: payments, match: payments, '*': readAll },
  'bank-statements': { upload: payments, '*': readAll },
  'prepaid-adjustments': { approve: approvals, reject: approvals, '*': readAll },
  invoices: { sdiReceipts: books, '*': readAll },
  'credit-notes': { '*': readAll },
  'vat-register': { '*': books },
  'log-verification': { verify: logVerification, '*': logVerification },
  coupons: { resend: desk, '*': readAll },
  emails: { retry: desk, '*': readAll },
  reminders: { '*': readAll },
  'certificate-deadlines': { '*': readAll },
  'ca-reports': { upload: caReports, '*': readAll },
  products: { create: approvals, changePrice: approvals, withdraw: approvals, '*': readAll },
  'issuer-policies': { create: policies, edit: policies, '*': policyReaders },
  'audit-events': { '*': audit },
  'staff-users': { '*': admin },
  'staff-change-requests': { '*': admin },
  'prepaid-movements': { '*': readAll },
  // Time travel (GET /api/history/…): who reads the records reads their past.
  history: { '*': readAll },
};

/** Whether a user with these roles may perform `action` on `resource` (unknown resources: yes). */
export function isAllowed(roles: readonly string[], resource: string, action: string): boolean {
  const rules = Object.hasOwn(access, resource) ? access[resource] : undefined;
  if (!rules) return true;
  const allowed = rules[action] ?? rules['*'];
  if (!allowed) return true;
  return allowed.some((role) => roles.includes(role));
}
