// What the desk page asks of the kiosk (kiosk/desk/ serves the page; kiosk/renewal/ does the work):
// log the operator in to the back office, look at the card in the reader, start a renewal with a
// payment, run it with the PIN (or resume it where it stopped, here or at another desk), abandon
// it, print the receipt. The PIN goes from the page to `run` and from there to the token only.
import type { WindowState } from '../../domain/certificates/renewalWindow';
import type { DeviceCertificateKind } from '../../domain/devices/events';
import type { RenewalState } from '../../domain/renewals/decider';
import type { RenewalStep } from '../../domain/renewals/events';
import type { PinState, TokenInfo } from '../token/port';

/** The operator logged in to the back office (the kiosk holds their session, no shared secret). */
export interface Operator {
  username: string;
  displayName: string;
  roles: string[];
}

export interface BackOfficeSession {
  /** POST /api/auth/login with the operator's own credentials; keeps the session cookie in memory. */
  login(username: string, password: string): Promise<Operator>;
  logout(): Promise<void>;
  /** The operator logged in, or null (never logged in, logged out, or the session expired). */
  operator(): Promise<Operator | null>;
}

export interface CardCertificate {
  /** From the certificate's key usage: nonRepudiation → signing; digitalSignature + clientAuth → authentication. */
  kind: DeviceCertificateKind;
  /** The token object's CKA_ID (hex) and label. */
  tokenObjectId: string;
  label: string;
  subject: string;
  issuer: string;
  /** Hex upper case, as the back office records it. */
  serialNumber: string;
  validFrom: string;
  validUntil: string;
  /** Under the device's issuer policy, now (domain/certificates/renewalWindow.ts). */
  window: WindowState;
  windowOpensAt: string;
  windowClosesAt: string;
}

/** Why the card cannot be renewed here as it is (the page says each in Italian). */
export const cardProblems = [
  /** No codice fiscale in the certificates' subject. */
  'holder_unreadable',
  /** The back office has no device with the token's serial. */
  'device_unknown',
  /** The token's holder is not the device's holder in the back office. */
  'holder_mismatch',
  /** The device is lost, suspended or terminated. */
  'device_not_active',
  /** A certificate is past its window (or revoked): only a replacement card helps. */
  'replacement_needed',
  /** Renewal has not opened yet for any certificate. */
  'window_not_open',
] as const;
export type CardProblem = (typeof cardProblems)[number];

export interface CardView {
  token: TokenInfo;
  holderCodiceFiscale: string | null;
  /** The back office's customer with that codice fiscale, if any (who pays after, who buys at the desk). */
  customer: { id: string; name: string } | null;
  device: { serial: string; issuer: string; status: string; policyId: string } | null;
  certificates: CardCertificate[];
  /** Pay-after, where the device's issuer policy offers it. */
  payAfter: { allowed: boolean; feeCents: number; vatRateBp: number };
  /** A renewal of this device started and not finished (here or at another desk): resume it. */
  openRenewal: DeskRenewal | null;
  problems: CardProblem[];
}

export type DeskPayment =
  /** The codes as typed or scanned, one per certificate (or one for both). */
  | { mode: 'coupons'; coupons: string[] }
  | { mode: 'pay_after' }
  /** Sold at the desk now: an order for the device, paid at the desk by card or cash. */
  | { mode: 'desk_sale'; method: 'card' | 'cash' };

export interface DeskRenewal {
  renewalId: string;
  deviceSerial: string;
  state: RenewalState;
  certificates: DeviceCertificateKind[];
  /** The last step each certificate reached. */
  reached: Partial<Record<DeviceCertificateKind, RenewalStep>>;
  failure: { certificateKind: DeviceCertificateKind | null; stepReached: RenewalStep | null; reason: string } | null;
  /** With a completed renewal: the new certificates. */
  issued: Partial<Record<DeviceCertificateKind, { serialNumber: string; validFrom: string; validUntil: string }>>;
}

/** A step done on the card, as it happens (the page shows them one by one). */
export interface RenewalProgress {
  certificateKind: DeviceCertificateKind;
  step: RenewalStep | 'old_removed';
  at: string;
}

export const kioskErrorCodes = [
  'not_logged_in',
  'pin_incorrect',
  'pin_locked',
  'pin_invalid',
  'token_absent',
  'token_removed',
  'token_process_crashed',
  'write_refused',
  'ca_unreachable',
  'ca_refused',
  'replacement_needed',
  'card_not_renewable',
  /** The back office refused (its own code and message are passed on: coupon_reserved, …). */
  'back_office_refused',
  'back_office_unreachable',
] as const;
export type KioskErrorCode = (typeof kioskErrorCodes)[number];

export class KioskError extends Error {
  constructor(
    readonly code: KioskErrorCode,
    message: string,
    readonly details: {
      /** With pin_incorrect / pin_locked: what the token says about the PIN now. */
      pin?: PinState;
      /** With back_office_refused: the back office's HTTP status and error code. */
      status?: number;
      backOfficeCode?: string;
      /** The renewal that stopped, to resume. */
      renewalId?: string;
    } = {},
  ) {
    super(message);
    this.name = 'KioskError';
  }
}

export interface KioskRenewals {
  inspect(tokenSerial: string): Promise<CardView>;
  /** Starts the renewal in the back office (coupons checked and reserved there; a desk sale placed and paid). */
  start(tokenSerial: string, choice: { certificates: DeviceCertificateKind[]; partialReason?: string; payment: DeskPayment }): Promise<DeskRenewal>;
  /**
   * Does (or resumes) the work on the card with the PIN and completes the renewal in the back
   * office. Stops at the first fault with a KioskError; the renewal stays at the step it reached
   * (recorded as failed in the back office) and `run` again resumes it.
   */
  run(renewalId: string, tokenSerial: string, pin: string, onProgress?: (progress: RenewalProgress) => void): Promise<DeskRenewal>;
  abandon(renewalId: string, reason: string): Promise<DeskRenewal>;
  /** The customer's receipt of a completed renewal (PDF). */
  receipt(renewalId: string): Promise<Buffer>;
}
