// The renewal window (DOMAIN.md), per issuer: renewal opens `renewalOpensDaysBefore` days before a
// certificate's notAfter and stays open until `graceHours` after it (the guides: "entro 24 ore dalla
// scadenza"); later (or once revoked) only a replacement card helps. The one place this rule is
// written: deciders, the read models (which store each certificate's window from windowOf and
// compare it with the clock in SQL), the console and the kiosk all ask it.
import { DAY_MS, HOUR_MS } from '../shared/spans';

export interface CertificateValidity {
  /** UTC ISO instant the certificate expires (X.509 notAfter, inclusive). */
  validUntil: string;
  status?: 'active' | 'revoked';
}

const instant = (at: Date | string): number => (typeof at === 'string' ? Date.parse(at) : at.getTime());
const iso = (ms: number): string => new Date(ms).toISOString();

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

/** The worst of some states (a device's, from its certificates'): windowStates runs from best to worst; none → not_yet. */
export function worstWindowState(states: Iterable<WindowState>): WindowState {
  let worst: WindowState = 'not_yet';
  for (const s of states) if (windowStates.indexOf(s) > windowStates.indexOf(worst)) worst = s;
  return worst;
}
