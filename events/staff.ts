// The staff events as stored. Their shapes today are the domain's (domain/staff/events.ts);
// what older code stored differently, and how it reads now, is listed here (see StoredHistory).
import type { StoredHistory } from './eventCatalogue';
import { withInstant } from './upcasting';

export const staffHistory: StoredHistory = {
  // v2: every staff event carries its instant (issue "One vocabulary"); version 1 had none, and
  // takes the one of its metadata (when the command was decided).
  StaffUsernameClaimed: { version: 2, upcasters: { 1: withInstant('claimedAt') } },
  StaffUserCreated: { version: 2, upcasters: { 1: withInstant('createdAt') } },
  StaffRolesChanged: { version: 2, upcasters: { 1: withInstant('changedAt') } },
  StaffPasswordChanged: { version: 2, upcasters: { 1: withInstant('changedAt') } },
  StaffUserDisabled: { version: 2, upcasters: { 1: withInstant('disabledAt') } },
  StaffUserEnabled: { version: 2, upcasters: { 1: withInstant('enabledAt') } },
  StaffChangeRequested: { version: 2, upcasters: { 1: withInstant('requestedAt') } },
  StaffChangeApproved: { version: 2, upcasters: { 1: withInstant('approvedAt') } },
  StaffChangeRejected: { version: 2, upcasters: { 1: withInstant('rejectedAt') } },
};
