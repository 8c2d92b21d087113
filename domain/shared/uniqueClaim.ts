// A value that must be unique across the back office (an RF reference, a coupon code, a bank
// reference, a codice fiscale or partita IVA, a username) is claimed on a guard stream of its own,
// appended at the revision read, so two claimants can never both get it. The rule is the same for
// every such value: the first claimant gets it, the same claimant asking again changes nothing (a
// retry), anyone else is refused with the holder named.
import type { DomainError } from './errors';

/**
 * The events of a claim: `claim` when the value is free (`holder` null), none when `claimant`
 * already holds it, else the refusal `taken(holder)` throws.
 */
export function decideClaim<E>(holder: string | null, claimant: string, claim: E[], taken: (holder: string) => DomainError): E[] {
  if (holder === claimant) return [];
  if (holder !== null) throw taken(holder);
  return claim;
}
