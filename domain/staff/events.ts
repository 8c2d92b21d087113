// Staff accounts: who may use the back office and in which roles. Users, role changes, password
// changes and disabling are events like any other, so "who could do what, when" is in the log.
// Password hashes (scrypt, salted, parameters inside the string) are the only secret here; the
// plain password never reaches an event.
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';
import { roles } from './roles';

/** When it happened, ISO-8601 UTC (every staff event carries its instant). */
const instant = z.iso.datetime();

export const staffRoleSchema = z.enum(roles);
/** Non-empty, no duplicates. */
export const staffRolesSchema = z
  .array(staffRoleSchema)
  .min(1)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a role');

export const staffUsernameClaimed = eventShape(
  'StaffUsernameClaimed',
  z.object({ username: z.string().min(1), userId: z.string().min(1), claimedAt: instant }),
);

export const staffUserCreated = eventShape(
  'StaffUserCreated',
  z.object({
    userId: z.string().min(1),
    username: z.string().min(1),
    displayName: z.string().min(1),
    roles: staffRolesSchema,
    passwordHash: z.string().min(1),
    createdAt: instant,
  }),
);

/**
 * Set on a change that separation of duties watches (README, Security): a sales role given to an
 * admin account, an admin resetting someone else's password. Either a second admin approved the
 * request (`approvedBy`), or no other admin could (`soleAdmin`), and the change went through on
 * one admin's word, which the audit trail shows.
 */
export const staffOversightSchema = z.object({
  reason: z.enum(['sales_role_for_admin', 'password_reset']),
  requestedBy: z.string().min(1),
  requestId: z.string().min(1).nullable(),
  approvedBy: z.string().min(1).nullable(),
  soleAdmin: z.boolean(),
});
export type StaffOversight = z.infer<typeof staffOversightSchema>;

export const staffRolesChanged = eventShape(
  'StaffRolesChanged',
  z.object({ userId: z.string().min(1), roles: staffRolesSchema, oversight: staffOversightSchema.optional(), changedAt: instant }),
);

export const staffPasswordChanged = eventShape(
  'StaffPasswordChanged',
  z.object({
    userId: z.string().min(1),
    passwordHash: z.string().min(1),
    by: z.enum(['self', 'admin']),
    oversight: staffOversightSchema.optional(),
    changedAt: instant,
  }),
);

/** Stream `staff-change-requests`: the sensitive staff changes waiting for a second admin. */
export const staffChangeRequested = eventShape(
  'StaffChangeRequested',
  z.object({
    requestId: z.string().min(1),
    userId: z.string().min(1),
    reason: z.enum(['sales_role_for_admin', 'password_reset']),
    roles: staffRolesSchema.optional(),
    /** The new password's hash, for a reset (hidden in the audit trail like every hash). */
    passwordHash: z.string().min(1).optional(),
    requestedBy: z.string().min(1),
    requestedAt: instant,
  }),
);

export const staffChangeApproved = eventShape(
  'StaffChangeApproved',
  z.object({ requestId: z.string().min(1), approvedBy: z.string().min(1), approvedAt: instant }),
);

export const staffChangeRejected = eventShape(
  'StaffChangeRejected',
  z.object({ requestId: z.string().min(1), rejectedBy: z.string().min(1), rejectedAt: instant }),
);

export const staffUserDisabled = eventShape('StaffUserDisabled', z.object({ userId: z.string().min(1), disabledAt: instant }));

export const staffUserEnabled = eventShape('StaffUserEnabled', z.object({ userId: z.string().min(1), enabledAt: instant }));

// Sessions (stream `session-<id>`, domain/staff/session.ts): a login opens one, a logout ends it;
// the id is the SHA-256 of the cookie's random token, never the token. Kept in the event store so
// that every server of one store recognises every session (issue #21).

export const staffSessionStarted = eventShape(
  'StaffSessionStarted',
  z.object({
    sessionId: z.string().min(1),
    userId: z.string().min(1),
    /** The user's `sessionGeneration` at login: a later password change or disable ends the session. */
    generation: z.number().int().nonnegative(),
    startedAt: instant,
  }),
);

/** A request in the session, recorded at most every few minutes: the idle timeout counts from it. */
export const staffSessionActive = eventShape(
  'StaffSessionActive',
  z.object({ sessionId: z.string().min(1), userId: z.string().min(1), activeAt: instant }),
);

export const staffSessionEnded = eventShape(
  'StaffSessionEnded',
  z.object({ sessionId: z.string().min(1), userId: z.string().min(1), reason: z.enum(['logout']), endedAt: instant }),
);

export const staffEventShapes = [
  staffUsernameClaimed,
  staffUserCreated,
  staffRolesChanged,
  staffPasswordChanged,
  staffUserDisabled,
  staffUserEnabled,
  staffChangeRequested,
  staffChangeApproved,
  staffChangeRejected,
  staffSessionStarted,
  staffSessionActive,
  staffSessionEnded,
];

export type StaffEvent =
  | EventOf<typeof staffUsernameClaimed>
  | EventOf<typeof staffUserCreated>
  | EventOf<typeof staffRolesChanged>
  | EventOf<typeof staffPasswordChanged>
  | EventOf<typeof staffUserDisabled>
  | EventOf<typeof staffUserEnabled>
  | EventOf<typeof staffChangeRequested>
  | EventOf<typeof staffChangeApproved>
  | EventOf<typeof staffChangeRejected>
  | EventOf<typeof staffSessionStarted>
  | EventOf<typeof staffSessionActive>
  | EventOf<typeof staffSessionEnded>;
