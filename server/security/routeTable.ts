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
import type { Role } from '../../events/catalogue';

export type Access = 'public' | 'authenticated' | readonly Role[];
export type RateLimitProfile = 'login' | 'couponCheck';

export interface RouteRule {
  access: Access;
  /** A per-client-address rate limit (numbers in SecuritySettings). */
  rateLimit?: RateLimitProfile;
}

/**
 * Who does what (DOMAIN.md): operators work the desk; supervisors do all an operator does plus
 * approvals; accountants read everything and do the books; admins manage staff accounts and
 * settings only (no sales).
 */
export const roleGroups = {
  /** Customers, orders, desk payments, kiosk renewals. */
  desk: ['operator', 'supervisor'],
  /** Replacement cards, refunds and cancellations of paid orders, overrides. */
  approvals: ['supervisor'],
  /** Bank payments and matching, invoices, credit notes, exports. */
  books: ['accountant'],
  /** Reading business data: the desk, the approvers and the accountants. */
  readAll: ['operator', 'supervisor', 'accountant'],
  /** Staff accounts and settings. */
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export const routeTable: Record<string, RouteRule> = {
  'GET /health': { access: 'public' },

  // CORS preflight, answered by @fastify/cors before any handler.
  'OPTIONS *': { access: 'public' },

  // The console (server/plugins/app/console.ts): the built react-admin SPA and its assets, and
  // index.html for any other page a browser asks for. Registered last: every route above wins.
  'GET /*': { access: 'public' },

  // Sessions (server/routes/auth.ts)
  'POST /api/auth/login': { access: 'public', rateLimit: 'login' },
  'POST /api/auth/logout': { access: 'authenticated' },
  'GET /api/auth/me': { access: 'authenticated' },
  'POST /api/auth/password': { access: 'authenticated' },

  // Staff accounts (server/routes/staff.ts)
  'GET /api/staff-users': { access: roleGroups.admin },
  'GET /api/staff-users/:id': { access: roleGroups.admin },
  'POST /api/staff-users': { access: roleGroups.admin },
  'POST /api/staff-users/:id/roles': { access: roleGroups.admin },
  'POST /api/staff-users/:id/reset-password': { access: roleGroups.admin },
  'POST /api/staff-users/:id/disable': { access: roleGroups.admin },
  'POST /api/staff-users/:id/enable': { access: roleGroups.admin },

  // Projection status and lag (server/routes/projections.ts), for whoever wonders why a list lags.
  'GET /api/projections': { access: 'authenticated' },

  // "Verifica Stato Coupon": anyone holding a code may check it (route written with the sales routes).
  'GET /api/public/coupons/:code/status': { access: 'public', rateLimit: 'couponCheck' },
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
