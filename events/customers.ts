// The customers events as stored. Their shapes today are the domain's (domain/customers/events.ts);
// what older code stored differently, and how it reads now, is listed here (see StoredHistory).
import type { StoredHistory } from './eventCatalogue';
import { withInstant } from './upcasting';

export const customerHistory: StoredHistory = {
  // v2: the guard claims carry their instant (issue "One vocabulary"), from the metadata for v1.
  CustomerTaxCodeClaimed: { version: 2, upcasters: { 1: withInstant('claimedAt') } },
  CustomerVatNumberClaimed: { version: 2, upcasters: { 1: withInstant('claimedAt') } },
};
