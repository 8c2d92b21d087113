// The emails events as stored. Their shapes today are the domain's (domain/emails/events.ts);
// what older code stored differently, and how it reads now, is listed here (see StoredHistory).
import type { StoredHistory } from './eventCatalogue';
import { renaming, withInstant } from './upcasting';

export const emailHistory: StoredHistory = {
  // v2: instants are named …At (issue "One vocabulary"): `at` becomes what happened at it; a failed
  // attempt, stored without its instant, takes the one of its metadata.
  EmailAttemptStarted: { version: 2, upcasters: { 1: renaming({ at: 'startedAt' }) } },
  EmailAttemptFailed: { version: 2, upcasters: { 1: withInstant('failedAt') } },
  EmailGaveUp: { version: 2, upcasters: { 1: renaming({ at: 'gaveUpAt' }) } },
  EmailRetryRequested: { version: 2, upcasters: { 1: renaming({ at: 'requestedAt' }) } },
};
