// Whether the signed-in user may do an action on a resource, from the roles the server gave at
// sign-in and the rules of access.ts (the same as the server's route table). Buttons for actions a
// user may not do are not shown; the server refuses them anyway (403).
import { usePermissions } from 'react-admin';
import type { Role } from '../../../domain/staff/roles';
import { isAllowed } from '../access';

export function useRoles(): { roles: Role[]; isPending: boolean } {
  const { permissions, isPending } = usePermissions<Role[]>();
  return { roles: Array.isArray(permissions) ? permissions : [], isPending };
}

export function useCan(resource: string, action: string): boolean {
  const { roles, isPending } = useRoles();
  return !isPending && isAllowed(roles, resource, action);
}
