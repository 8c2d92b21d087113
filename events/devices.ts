// The devices events as stored. Their shapes today are the domain's (domain/devices/events.ts);
// what older code stored differently, and how it reads now, is listed here (see StoredHistory).
import type { StoredHistory } from './eventCatalogue';
import { withInstant } from './upcasting';

export const deviceHistory: StoredHistory = {
  // v2: the holder's index entry carries its instant (issue "One vocabulary"), from the metadata for v1.
  HolderDeviceListed: { version: 2, upcasters: { 1: withInstant('listedAt') } },
};
