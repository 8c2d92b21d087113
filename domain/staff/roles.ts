// The staff roles: what each may do is in the server's route table (server/security/routeTable.ts);
// the console shows and offers the same list.
export const roles = ['operator', 'accountant', 'supervisor', 'admin'] as const;
export type Role = (typeof roles)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/**
 * Who does what (DOMAIN.md): operators work the desk; supervisors do all an operator does plus
 * approvals; accountants read everything and do the books; admins manage staff accounts and
 * settings only (no sales).
 */
export const roleGroups = {
  /** Customers, orders, desk payments, kiosk renewals. */
  desk: ['operator', 'supervisor'],
  /** Replacement cards, refunds and cancellations of paid orders, manual prepaid adjustments, overrides. */
  approvals: ['supervisor'],
  /** Reading business data: the desk, the approvers and the accountants. */
  readAll: ['operator', 'supervisor', 'accountant'],
  /** The audit trail (every event, who did what when): the accountants and the supervisors. */
  audit: ['accountant', 'supervisor'],
  /** Recording bank payments and matching them to orders: the accountants and the supervisors. */
  payments: ['accountant', 'supervisor'],
  /** Asking for a manual prepaid adjustment (a supervisor other than the requester decides). */
  adjustmentRequests: ['accountant', 'supervisor'],
  /** Prepaid top-ups and their quote: the desk and the accountants. */
  topUps: ['operator', 'accountant', 'supervisor'],
  /** The CA's reports of renewals done elsewhere, uploaded as CSV: the accountants and the supervisors. */
  caReports: ['accountant', 'supervisor'],
  /** The books (the sales VAT register, the CSV exports of the audit trail): the accountants, and the supervisors who read the audit trail. */
  books: ['accountant', 'supervisor'],
  /** The event log's verification (its hash chain, its head hash): the accountants who audit it, and the admins who run the system. */
  logVerification: ['accountant', 'admin'],
  /** Staff accounts and settings. */
  admin: ['admin'],
  /** Setting the issuers' renewal policies (a setting of the sales rules): the supervisors and the admins. */
  policies: ['supervisor', 'admin'],
  /** Reading the issuers' renewal policies: everyone who reads business data, and the admins who set them. */
  policyReaders: ['operator', 'supervisor', 'accountant', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
