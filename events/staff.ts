// Staff accounts: who may use the back office and in which roles. Users, role changes, password
// changes and disabling are events like any other, so "who could do what, when" is in the log.
// Password hashes (scrypt, salted, parameters inside the string) are the only secret here; the
// plain password never reaches an event.
import { z } from 'zod';
import { defineEvent, roles, type EventOf } from './catalogue';

export const staffRoleSchema = z.enum(roles);
/** Non-empty, no duplicates. */
export const staffRolesSchema = z
  .array(staffRoleSchema)
  .min(1)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a role');

export const staffUsernameClaimed = defineEvent(
  'StaffUsernameClaimed',
  z.object({ username: z.string().min(1), userId: z.string().min(1) }),
);

export const staffUserCreated = defineEvent(
  'StaffUserCreated',
  z.object({
    userId: z.string().min(1),
    username: z.string().min(1),
    displayName: z.string().min(1),
    roles: staffRolesSchema,
    passwordHash: z.string().min(1),
  }),
);

export const staffRolesChanged = defineEvent(
  'StaffRolesChanged',
  z.object({ userId: z.string().min(1), roles: staffRolesSchema }),
);

export const staffPasswordChanged = defineEvent(
  'StaffPasswordChanged',
  z.object({ userId: z.string().min(1), passwordHash: z.string().min(1), by: z.enum(['self', 'admin']) }),
);

export const staffUserDisabled = defineEvent('StaffUserDisabled', z.object({ userId: z.string().min(1) }));

export const staffUserEnabled = defineEvent('StaffUserEnabled', z.object({ userId: z.string().min(1) }));

export const staffEvents = [
  staffUsernameClaimed,
  staffUserCreated,
  staffRolesChanged,
  staffPasswordChanged,
  staffUserDisabled,
  staffUserEnabled,
];

export type StaffEvent =
  | EventOf<typeof staffUsernameClaimed>
  | EventOf<typeof staffUserCreated>
  | EventOf<typeof staffRolesChanged>
  | EventOf<typeof staffPasswordChanged>
  | EventOf<typeof staffUserDisabled>
  | EventOf<typeof staffUserEnabled>;
