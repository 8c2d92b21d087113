// The staff roles the server knows. Labels are in the i18n files under `app.roles.<role>`.
export const ROLES = ['operator', 'accountant', 'supervisor', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
