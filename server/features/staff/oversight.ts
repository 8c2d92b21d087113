// Separation of duties for staff accounts (README, Security): a sales role given to an admin
// account, and an admin resetting someone else's password, need a second admin's approval whenever
// an admin other than the one asking and the one concerned is enabled. Without such an admin the
// change goes through on one admin's word, marked `soleAdmin` in its event for the audit trail.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { CommandContext, Role } from '../../../events/eventCatalogue';
import { catalogue, type DomainEvent } from '../../../events/index';
import type { StaffOversight } from '../../../domain/staff/events';
import { handleCommand, loadAggregate } from '../../commands/handle';
import {
  STAFF_REQUESTS_STREAM,
  approveChange,
  changePassword,
  changeRoles,
  rejectChange,
  requestChange,
  staffRequests,
  usernameKey,
  type StaffRequest,
  type StaffRequestReason,
  type StaffRequestsState,
} from '../../../domain/staff/decider';
import { notFound } from '../../../domain/shared/errors';
import { derivedId } from '../ids';
import { loadStaffUser, runStaffCommand, type StaffCommandOutcome } from './accounts';
import { enabledAdminIds } from './admins';

/** What clients see of a request: never the password hash. */
export interface StaffRequestRecord {
  id: string;
  userId: string;
  reason: StaffRequestReason;
  roles: Role[] | null;
  requestedBy: string;
  status: StaffRequest['status'];
  decidedBy: string | null;
  position: number;
}

export const toRequestRecord = (r: StaffRequest, position = 0): StaffRequestRecord => ({
  id: r.requestId,
  userId: r.userId,
  reason: r.reason,
  roles: r.roles ? [...r.roles] : null,
  requestedBy: r.requestedBy,
  status: r.status,
  decidedBy: r.decidedBy,
  position,
});

const deps = (app: FastifyInstance) => ({ store: app.eventStore, catalogue });

export async function loadRequests(app: FastifyInstance): Promise<StaffRequestsState> {
  const { state } = await loadAggregate<StaffRequestsState, DomainEvent>(deps(app), STAFF_REQUESTS_STREAM, staffRequests);
  return state;
}

/** The admins who could approve: enabled, neither the one asking nor the one concerned. */
async function possibleApprovers(app: FastifyInstance, requestedBy: string, userId: string): Promise<string[]> {
  return (await enabledAdminIds(app)).filter((id) => id !== requestedBy && id !== userId);
}

export type SensitiveChange =
  | { reason: 'sales_role_for_admin'; userId: string; roles: Role[] }
  | { reason: 'password_reset'; userId: string; passwordHash: string };

export type SensitiveOutcome =
  | { kind: 'applied'; outcome: StaffCommandOutcome }
  | { kind: 'requested'; request: StaffRequestRecord };

/** Applies a sensitive change: with its approval, or alone and marked when nobody can approve. */
async function apply(app: FastifyInstance, change: SensitiveChange, oversight: StaffOversight, context: CommandContext) {
  const actorId = context.actor.userId;
  const outcome =
    change.reason === 'sales_role_for_admin'
      ? await runStaffCommand(app.eventStore, change.userId, (s) => changeRoles({ userId: change.userId, roles: change.roles, actorId, oversight, at: context.at }, s), context)
      : await runStaffCommand(
          app.eventStore,
          change.userId,
          (s) => changePassword({ userId: change.userId, passwordHash: change.passwordHash, by: 'admin', actorId, oversight, at: context.at }, s),
          context,
        );
  // A new password ends the user's sessions, new roles apply to them: here at once, on the other
  // servers within their recheck bound.
  app.sessions.forgetUser(change.userId);
  if (change.reason === 'password_reset') app.loginThrottle.unlock(usernameKey(outcome.user.username));
  return outcome;
}

/**
 * Asks for a sensitive change: recorded as a request when a second admin can approve it, applied
 * at once (and marked `soleAdmin`) otherwise. The caller has checked the change itself is valid.
 */
export async function sensitiveChange(app: FastifyInstance, change: SensitiveChange, context: CommandContext): Promise<SensitiveOutcome> {
  const requestedBy = context.actor.userId;
  if ((await possibleApprovers(app, requestedBy, change.userId)).length === 0) {
    const oversight: StaffOversight = { reason: change.reason, requestedBy, requestId: null, approvedBy: null, soleAdmin: true };
    app.log.warn({ userId: requestedBy, target: change.userId, reason: change.reason }, 'sensitive staff change by the only admin who could decide it');
    return { kind: 'applied', outcome: await apply(app, change, oversight, context) };
  }
  // A retry with the same Idempotency-Key finds the request it made the first time.
  const requestId = context.idempotencyKey ? derivedId('staff-change-request', requestedBy, context.idempotencyKey) : randomUUID();
  const result = await handleCommand<StaffRequestsState, DomainEvent>(
    deps(app),
    STAFF_REQUESTS_STREAM,
    staffRequests,
    (s) =>
      requestChange({
        requestId,
        userId: change.userId,
        reason: change.reason,
        requestedBy,
        ...(change.reason === 'sales_role_for_admin' ? { roles: change.roles } : { passwordHash: change.passwordHash }),
        at: context.at,
      }, s),
    context,
  );
  const request = result.state.requests.get(requestId)!;
  return { kind: 'requested', request: toRequestRecord(request, result.position) };
}

export async function approveRequest(app: FastifyInstance, requestId: string, context: CommandContext) {
  const approvedBy = context.actor.userId;
  const state = await loadRequests(app);
  // Refuses a decided request, or an approval by the admin who asked or whom it concerns.
  approveChange({ requestId, approvedBy, at: context.at }, state);
  const request = state.requests.get(requestId)!;
  const target = await loadStaffUser(app.eventStore, request.userId);
  if (!target.exists) throw notFound('staff_user', request.userId);
  const change: SensitiveChange =
    request.reason === 'sales_role_for_admin'
      ? { reason: request.reason, userId: request.userId, roles: request.roles ?? [] }
      : { reason: request.reason, userId: request.userId, passwordHash: request.passwordHash ?? '' };
  const oversight: StaffOversight = { reason: request.reason, requestedBy: request.requestedBy, requestId, approvedBy, soleAdmin: false };
  // The change first, then the approval: a retry after a stop in between finds the request still
  // pending and applies it again, which changes nothing more (same roles, same password).
  const applied = await apply(app, change, oversight, context);
  const result = await handleCommand<StaffRequestsState, DomainEvent>(
    deps(app),
    STAFF_REQUESTS_STREAM,
    staffRequests,
    (s) => approveChange({ requestId, approvedBy, at: context.at }, s),
    context,
  );
  return { applied, position: Math.max(result.position, applied.position) };
}

export async function rejectRequest(app: FastifyInstance, requestId: string, context: CommandContext) {
  const result = await handleCommand<StaffRequestsState, DomainEvent>(
    deps(app),
    STAFF_REQUESTS_STREAM,
    staffRequests,
    (s) => rejectChange({ requestId, rejectedBy: context.actor.userId, at: context.at }, s),
    context,
  );
  const request = result.state.requests.get(requestId)!;
  return toRequestRecord(request, result.position);
}
