// The staff roles the server knows. Labels are in the i18n files under `app.roles.<role>`.
export const ROLES = ['operator', 'accountant', 'supervisor', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

// Who does what, as the server's route table says (server/security/routeTable.ts, roleGroups).
/** Reading business data: the desk, the approvers and the accountants (not admins). */
export const READ_ALL: readonly Role[] = ['operator', 'supervisor', 'accountant'];
/** Customers, devices, orders, desk payments, e-mail retries. */
export const DESK: readonly Role[] = ['operator', 'supervisor'];
/** Approvals: the catalogue, refunds of fulfilled orders. */
export const APPROVALS: readonly Role[] = ['supervisor'];
/** Bank payments and their matching. */
export const BOOKS: readonly Role[] = ['accountant', 'supervisor'];
/** The audit trail. */
export const AUDIT: readonly Role[] = ['accountant', 'supervisor'];
/** Prepaid top-ups. */
export const TOP_UP: readonly Role[] = ['operator', 'accountant', 'supervisor'];
/** Staff accounts. */
export const ADMIN: readonly Role[] = ['admin'];
