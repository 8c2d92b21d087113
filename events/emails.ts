// The emails events as stored. Their shapes today are the domain's (domain/emails/events.ts);
// what older code stored differently, and how it reads now, is listed here (see StoredHistory).
import type { StoredHistory } from './eventCatalogue';

export const emailHistory: StoredHistory = {};
