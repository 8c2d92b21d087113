// The renewal window (DOMAIN.md): a certificate counts as expiring `windowDays` before it expires,
// and can be renewed until 24 hours after its expiry ("entro 24 ore dalla scadenza"); later (or
// once revoked) only a replacement card helps. The one place this rule is written: deciders, the
// read side's SQL (which takes its bounds from here), the console and the kiosk all ask it.
import { DAY_MS } from '../shared/utcTime';

/** How long after its expiry a certificate can still be renewed. */
export const RENEWAL_GRACE_MS = DAY_MS;
/** How long before expiry a certificate counts as expiring, unless the caller says otherwise. */
export const DEFAULT_RENEWAL_WINDOW_DAYS = 60;

/**
 * - valid: not yet within the window;
 * - expiring: within the window before expiry, up to and including the expiry instant;
 * - in_grace: expired at most 24 hours ago — still renewable;
 * - needs_replacement: more than 24 hours past expiry (or revoked): a new card must be issued.
 */
export const renewalStatuses = ['valid', 'expiring', 'in_grace', 'needs_replacement'] as const;
export type RenewalStatus = (typeof renewalStatuses)[number];

export interface CertificateValidity {
  /** UTC ISO instant the certificate expires. */
  validUntil: string;
  status?: 'active' | 'revoked';
}

const instant = (at: Date | string): number => (typeof at === 'string' ? Date.parse(at) : at.getTime());
const iso = (ms: number): string => new Date(ms).toISOString();

export function renewalStatus(certificate: CertificateValidity, at: Date | string, windowDays: number = DEFAULT_RENEWAL_WINDOW_DAYS): RenewalStatus {
  if (certificate.status === 'revoked') return 'needs_replacement';
  const until = Date.parse(certificate.validUntil);
  const t = instant(at);
  if (t > until + RENEWAL_GRACE_MS) return 'needs_replacement';
  if (t > until) return 'in_grace';
  if (t >= until - windowDays * DAY_MS) return 'expiring';
  return 'valid';
}

/** The last instant a renewal is accepted: the expiry + 24 h (exactly then is still in time). */
export const renewableUntil = (validUntil: string): string => iso(Date.parse(validUntil) + RENEWAL_GRACE_MS);

/** True when the certificate can no longer be renewed at `at`: past renewableUntil, or revoked. */
export function pastRenewalDeadline(certificate: CertificateValidity, at: Date | string): boolean {
  return certificate.status === 'revoked' || instant(at) > Date.parse(certificate.validUntil) + RENEWAL_GRACE_MS;
}

/**
 * For queries over expiry instants at `at`: a certificate whose validUntil is before
 * `renewableFrom` is past its deadline; one with validUntil in [renewableFrom, expiringUntil] is
 * still renewable and expires within `windowDays`.
 */
export function renewalBounds(at: Date | string, windowDays: number = DEFAULT_RENEWAL_WINDOW_DAYS): { renewableFrom: string; expiringUntil: string } {
  const t = instant(at);
  return { renewableFrom: iso(t - RENEWAL_GRACE_MS), expiringUntil: iso(t + windowDays * DAY_MS) };
}

// ---------------------------------------------------------------------------------------------
// Per issuer (issue #16): the window's edges come from the issuer's policy.
// ---------------------------------------------------------------------------------------------

/**
 * Where a certificate stands at an instant under its issuer's rules:
 * - not_yet: renewal has not opened (more than `renewalOpensDaysBefore` days before notAfter);
 * - open: renewal is open, up to and including notAfter;
 * - in_grace: past notAfter by at most `graceHours` (exactly then is still in time);
 * - closed: later, or revoked — only a replacement card helps.
 */
export const windowStates = ['not_yet', 'open', 'in_grace', 'closed'] as const;
export type WindowState = (typeof windowStates)[number];

/** The two edges of the window a policy draws (IssuerPolicy fits it). */
export interface WindowRule {
  renewalOpensDaysBefore: number;
  graceHours: number;
}

const HOUR_MS = 60 * 60 * 1000;

/** The instants a certificate's renewal opens and closes (inclusive), UTC ISO. */
export function windowOf(validUntil: string, rule: WindowRule): { opensAt: string; closesAt: string } {
  const until = Date.parse(validUntil);
  return { opensAt: iso(until - rule.renewalOpensDaysBefore * DAY_MS), closesAt: iso(until + rule.graceHours * HOUR_MS) };
}

export function windowState(certificate: CertificateValidity, at: Date | string, rule: WindowRule): WindowState {
  if (certificate.status === 'revoked') return 'closed';
  const until = Date.parse(certificate.validUntil);
  const t = instant(at);
  if (t > until + rule.graceHours * HOUR_MS) return 'closed';
  if (t > until) return 'in_grace';
  if (t >= until - rule.renewalOpensDaysBefore * DAY_MS) return 'open';
  return 'not_yet';
}

/** A renewal may start (or complete) in these states. */
export const renewable = (state: WindowState): boolean => state === 'open' || state === 'in_grace';
