// The staff roles: what each may do is in the server's route table (server/security/routeTable.ts);
// the console shows and offers the same list.
export const roles = ['operator', 'accountant', 'supervisor', 'admin'] as const;
export type Role = (typeof roles)[number];
